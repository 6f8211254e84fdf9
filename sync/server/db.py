"""The database: engines for SQLite (embedded default) and PostgreSQL, migrations, the epoch.

Write transactions go through `writing()`: on SQLite it begins IMMEDIATE (writers queue on the
database lock instead of failing on upgrade), on PostgreSQL it sets a statement timeout. Reads
that need no transaction (authorisation, feed pages: each one statement) use `reading()`, an
autocommit connection: one round trip per statement, which keeps idle polls cheap.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, insert, make_url, select, update
from sqlalchemy.pool import NullPool

from sync.server import schema

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, *, pool_size: int = 5, statement_timeout_ms: int = 15_000) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=pool_size, max_overflow=20, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # BEGIN is issued by the hook below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            if conn.get_execution_options().get("mfc_read"):
                return
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    connect_args: dict[str, Any] = {}
    if statement_timeout_ms:
        given = make_url(url).query.get("options") or ""  # e.g. a search_path: keep it
        if isinstance(given, tuple):
            given = " ".join(given)
        connect_args["options"] = f"{given} -c statement_timeout={int(statement_timeout_ms)}".strip()
    poolclass: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 20}
    if pool_size == 0:
        poolclass = {"poolclass": NullPool}
    return create_engine(url, connect_args=connect_args, hide_parameters=True, pool_pre_ping=False,
                         **poolclass)


def is_postgres(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def answers(url: str, timeout_s: int = 3) -> bool:
    """Whether a PostgreSQL server at `url` accepts a connection and a query (tests and benchmarks
    fall back to SQLite when it does not)."""
    engine = create_engine(url, connect_args={"connect_timeout": timeout_s}, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction, committed at the end of the block (rolled back on an exception)."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """Autocommit reads: each statement sees the latest committed state on its own."""
    with engine.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT", mfc_read=True)
        yield conn


# --- migrations --------------------------------------------------------------------------------
def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, target: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), target)
    ensure_meta(engine)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


# --- meta: the epoch and the staff-token secret --------------------------------------------------
def new_epoch() -> str:
    return secrets.token_hex(8)


def ensure_meta(engine: Engine) -> None:
    with writing(engine) as conn:
        have = {k for (k,) in conn.execute(select(schema.meta.c.key))}
        if "epoch" not in have:
            conn.execute(insert(schema.meta).values(key="epoch", value=new_epoch()))
        if "staff_secret" not in have:
            conn.execute(insert(schema.meta).values(key="staff_secret", value=secrets.token_hex(32)))


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def rotate_epoch(engine: Engine) -> str:
    """A new epoch: run after the database was restored from a backup (see docs/sync.md)."""
    epoch = new_epoch()
    with writing(engine) as conn:
        conn.execute(update(schema.meta).where(schema.meta.c.key == "epoch").values(value=epoch))
    return epoch
