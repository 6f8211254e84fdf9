"""Opening the encrypted store and owning its transactions.

`open_store(data)` is what the app and the commands call: it takes the key from the OS keyring
(`keys.py`), opens `store.db` with SQLCipher (`sqlite+pysqlcipher` on the `sqlcipher3` module,
raw 256-bit key, WAL, foreign keys on, synchronous FULL so a printed receipt's case survives a
power cut), checks the key before anything is written, and brings the schema to the head
revision with Alembic (copying the file aside first when an older schema is upgraded).

Transactions: service functions take a `Session` and never commit. `Store.unit_of_work()` is
one write transaction (BEGIN IMMEDIATE, so concurrent writers queue instead of deadlocking and
per-day numbering stays unique) committed at the end of the block; `Store.reading()` is a read
transaction. Database failures leave as `StoreError`s with Russian messages (see `errors.py`);
nothing of a failed unit of work is stored. After a commit the WAL is folded into the file, and the
search indexes' segments are merged, by a background thread (`wal_checkpoints.py`) when writes
pause, not inside the next user's commit.

Connections are pooled last-in-first-out: each keeps its own page cache, and SQLite drops that
cache whenever another connection has written since its last transaction, so the connection that
wrote last is the only one whose cache is still good. A first-in-first-out pool (SQLAlchemy's
default) handed every unit of work the other connection as soon as two existed, and every
acceptance started cold: measured on the million-case store, 2.3 ms of reads and checks before
the commit instead of 1.0 ms.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from workstation.core import keys
from workstation.core import messages as m
from workstation.core.errors import (
    DiskFull,
    SchemaTooNew,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreReadOnly,
    StoreWriteFailed,
    WrongKey,
)
from workstation.core.ids import new_id
from workstation.core.models import SEARCH_TABLES, Device
from workstation.core.wal_checkpoints import (
    AUTOCHECKPOINT_PAGES,
    BULK_AUTOCHECKPOINT_PAGES,
    WAL_SIZE_LIMIT,
    WalCheckpointer,
)

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 16384
_BULK_BOUND = "mfc_bulk_checkpoint_bound"  # pool record flag: restore the checkpoint bound at checkin
# FTS5 leaf pages merged per index and idle step: about 8 ms on the million-case store (p95 18 ms),
# so a click that lands on a step waits little.
MERGE_PAGES = 64

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """Now, aware, in the machine's time zone (the centre's local time)."""
    return datetime.now().astimezone()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def utc_text(value: datetime) -> str:
    """A timestamp as `models.UtcDateTime` stores it (for the raw-SQL hot paths)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dbapi(session: Session) -> Any:
    """The session's driver connection, inside its current transaction.

    For the few statements run on every user action (numbers, outbox, audit, history): plain
    SQL here costs microseconds where an ORM round trip costs a tenth of a millisecond or more.
    """
    return session.connection().connection.driver_connection


# --- error translation ---------------------------------------------------------------------
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def _sqlite_code(exc: BaseException) -> int | None:
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(orig).lower()
    for needle, value in (("locked", _SQLITE_BUSY), ("readonly", _SQLITE_READONLY),
                          ("disk i/o", _SQLITE_IOERR), ("malformed", _SQLITE_CORRUPT),
                          ("disk is full", _SQLITE_FULL), ("unable to open", _SQLITE_CANTOPEN),
                          ("not a database", _SQLITE_NOTADB)):
        if needle in text:
            return value
    return None


def translate(exc: BaseException, path: Path, *, opening: bool = False) -> StoreError | None:
    """The `StoreError` for a database failure, or None if it is not one we explain (a bug)."""
    code = _sqlite_code(exc)
    detail = str(getattr(exc, "orig", exc))
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreLocked(m.LOCKED)
    if code == _SQLITE_READONLY:
        return StoreReadOnly(m.READ_ONLY.format(path=path.parent))
    if code == _SQLITE_IOERR:
        return StoreWriteFailed(m.IO_ERROR.format(path=path.parent))
    if code == _SQLITE_FULL:
        return DiskFull(m.DISK_FULL)
    if code == _SQLITE_CORRUPT:
        return StoreCorrupt(m.CORRUPT.format(path=path, detail=detail))
    if code == _SQLITE_NOTADB:
        return WrongKey(m.WRONG_KEY.format(path=path)) if opening else StoreCorrupt(
            m.CORRUPT.format(path=path, detail=detail))
    if code == _SQLITE_CANTOPEN:
        return StoreReadOnly(m.CANNOT_OPEN.format(path=path, detail=detail))
    return None


@contextmanager
def translated(path: Path, *, opening: bool = False) -> Iterator[None]:
    try:
        yield
    except (DBAPIError, sqlcipher.Error) as exc:
        mapped = translate(exc, path, opening=opening)
        if mapped is None:
            raise
        raise mapped from exc


# --- the store -------------------------------------------------------------------------------
class Store:
    """An open local store: an engine over one file and the sessions made from it.

    Thread-safe: sessions come from a connection pool; every unit of work is its own session.
    In the desktop app writes go through the single `StoreWorker`; reads may run anywhere.
    """

    def __init__(self, path: Path, engine: Engine, *, encrypted: bool, clock: Clock,
                 merge_indexes: bool = True) -> None:
        self.path = path
        self.engine = engine
        self.encrypted = encrypted
        self.clock = clock
        self._write_sessions = sessionmaker(engine.execution_options(mfc_write=True),
                                            expire_on_commit=False)
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._checkpoints = WalCheckpointer(lambda: raw_execute(engine, "PRAGMA wal_checkpoint(PASSIVE)"),
                                            idle=(lambda: merge_search_indexes(engine)) if merge_indexes else None)

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def unit_of_work(self, *, bulk: bool = False) -> Iterator[Session]:
        """One write transaction: committed if the block ends normally, rolled back otherwise.

        `bulk=True` for a batch of thousands of rows (a sync pull, an import, demo data): its
        commit checkpoints inline only past `BULK_AUTOCHECKPOINT_PAGES`, so that consecutive
        batches do not each copy their pages into the file (see `wal_checkpoints`).
        """
        session = self._write_sessions()
        try:
            with translated(self.path):
                if bulk:
                    connection = session.connection()
                    connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {BULK_AUTOCHECKPOINT_PAGES}")
                    connection.connection.info[_BULK_BOUND] = True  # put back when the pool gets it back
                yield session
                session.commit()
            self._checkpoints.written()
        except BaseException:
            with suppress(Exception):
                session.rollback()
            raise
        finally:
            with suppress(Exception):
                session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only snapshot (WAL readers never wait for the writer)."""
        session = self._read_sessions()
        try:
            with translated(self.path):
                yield session
        finally:
            with suppress(Exception):
                session.close()  # ends the read transaction; loaded objects stay usable (detached)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before a file copy; at shutdown)."""
        with translated(self.path):
            raw_execute(self.engine, "PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._checkpoints.stop()
        with suppress(Exception):
            self.checkpoint()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _make_engine(path: Path, key: bytes | None) -> Engine:
    common: dict[str, Any] = {
        "poolclass": QueuePool,
        "pool_size": 5,
        "max_overflow": 10,
        "pool_use_lifo": True,  # the connection that wrote last keeps a valid page cache (module docstring)
        "json_serializer": dumps,
        "hide_parameters": True,  # values are personal data: never in exception texts or logs
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    }
    if key is not None:
        url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
        engine = create_engine(url, **common)
    else:  # the same SQLite library without encryption: benchmarks' baseline only
        engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)), module=sqlcipher, **common)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun by the "begin" hook below
        cur = dbapi_conn.cursor()
        try:
            if key is not None:
                cur.execute("PRAGMA cipher_log_level = NONE")
            # Reading the schema is the key check: a wrong key fails here, before any write.
            cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA temp_store = MEMORY")
            # Each connection caches decrypted pages: 16 MiB keeps the upper levels of a million
            # cases' indexes in memory (the default 2 MiB does not).
            cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            # WalCheckpointer folds the WAL in when writes pause; SQLite's own checkpoint only bounds it
            cur.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            cur.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        finally:
            cur.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None and record.info.pop(_BULK_BOUND, False):
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("mfc_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def raw_execute(engine: Engine, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Run one statement outside any transaction (VACUUM, checkpoints); the first column of the first row."""
    raw = engine.raw_connection()
    try:
        row = raw.driver_connection.execute(sql, params).fetchone()  # type: ignore[union-attr]
        return None if row is None else row[0]
    finally:
        raw.close()


def merge_search_indexes(engine: Engine, pages: int = MERGE_PAGES) -> bool:
    """One bounded step of merging the search indexes' segments; True if it merged anything.

    The FTS5 tables are created with `automerge = 0` (migration 0004): an insert only adds its
    own small segment, and the merging that keeps lookups fast — which FTS5 would otherwise do in
    quanta of 64 × levels pages inside every 64th commit, 30–50 ms on the million-case store —
    is done here, in short transactions, when the store is idle (`WalCheckpointer`); a step never
    waits for the write lock (held: the store is not idle, nothing is done). FTS5's crisis
    merge (a level that reaches 16 segments) still bounds a long storm of writes with no pause.
    """
    raw = engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlcipher.OperationalError as exc:
            if _sqlite_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
                return False  # someone is writing (a long import, another process): not idle, try later
            raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            merged = False
            for table in SEARCH_TABLES:
                before = conn.total_changes
                conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('merge', ?)", (pages,))
                merged = merged or conn.total_changes - before >= 2  # FTS5: fewer changes = no work done
            conn.execute("COMMIT")
        except BaseException:
            with suppress(Exception):
                conn.execute("ROLLBACK")
            raise
        return merged
    finally:
        raw.close()


def _check_writable_folder(folder: Path) -> None:
    """Fail early (before a key is made) if the data folder cannot take a new file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StoreReadOnly(m.READ_ONLY.format(path=folder)) from exc


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config(None))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(store_engine: Engine, path: Path, target: str = "head") -> None:
    """Bring the schema to `target`; an older existing file is first copied aside."""
    cfg = _alembic_config(None)
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    current = current_revision(store_engine)
    if current is not None and current not in known:
        raise SchemaTooNew(m.SCHEMA_TOO_NEW.format(found=current, known=script.get_current_head()))
    if current is not None and current != script.get_current_head() and target == "head":
        _copy_aside(store_engine, path, f"before-{current}")
    with store_engine.connect() as conn:
        # SQLite alters a table by copying it and dropping the old one; with foreign keys on, that
        # drop would cascade into the rows pointing at it. Off for the upgrade, checked after.
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            conn.commit()
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
            if broken:
                raise StoreCorrupt(m.CORRUPT.format(path=path, detail=f"нарушены связи таблиц: {len(broken)}"))
        finally:
            raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _copy_aside(engine: Engine, path: Path, tag: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    raw_execute(engine, "VACUUM INTO ?", (str(target),))
    log.info("store copied aside to %s before a schema upgrade", target.name)
    return target


def _ensure_device(store: Store) -> None:
    with store.unit_of_work() as session:
        if session.get(Device, 1) is None:
            session.add(Device(id=1, device_id=new_id(), office_code=None, workstation_code=None,
                               last_seq=0, created_at=store.now()))


def open_database(path: Path, key: bytes | None, *, clock: Clock | None = None,
                  target_revision: str = "head") -> Store:
    """Open (creating if absent) the store file `path` with a raw key (None: unencrypted, bench only)."""
    path = path.expanduser().resolve()
    existed = path.exists()
    if not existed:
        _check_writable_folder(path.parent)
    engine = _make_engine(path, key)
    store: Store | None = None
    try:
        with translated(path, opening=True):
            mode = raw_execute(engine, "PRAGMA journal_mode")
            if str(mode).lower() != "wal":
                log.warning("journal mode is %s, not WAL", mode)
            migrate(engine, path, target_revision)
        store = Store(path, engine, encrypted=key is not None, clock=clock or local_now,
                      merge_indexes=target_revision == "head")  # an older schema may have no indexes
        if target_revision == "head":
            _ensure_device(store)
    except BaseException:
        if store is not None:
            store.close()
        engine.dispose()
        raise
    log.info("store opened (%s, schema %s)", "encrypted" if key is not None else "PLAIN", target_revision)
    return store


def open_store(root: Path, *, clock: Clock | None = None) -> Store:
    """Open the store of the data directory `root`, taking its key from the OS keyring."""
    database = root / "store.db"
    if not database.exists():
        _check_writable_folder(root)
    key = keys.load_key(root, database)
    return open_database(database, key, clock=clock)

