"""Backups and restores of the encrypted store, safe while the app is running.

A backup is `VACUUM INTO` a temporary file next to the target, then an atomic rename: one read
transaction, so it is a consistent snapshot even while a writer is busy (WAL readers do not
block writers), encrypted with the same key (it stays readable only with this machine's key).

A restore first copies the current file aside, brings a copy of the backup to the current schema,
then replaces every table's rows in ONE write transaction on the live file: a running app's
writer waits for it and then carries on with the restored content, never with a mix. The
device identity and two counters never go back in time: the outbox sequence (the server drops a
sequence number it has seen) and the per-day case counters (a receipt with that number may
already be in an applicant's hands) are kept at the maximum of before and after.
"""

from __future__ import annotations

import logging
import os
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from workstation.core import audit
from workstation.core import messages as m
from workstation.core.audit import Action
from workstation.core.database import Store, _copy_aside, dumps, raw_execute, translated
from workstation.core.errors import InvalidOperation, StoreError
from workstation.core.models import SEARCH_TABLES, Base

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RestoreReport:
    source: Path
    previous_copy: Path
    cases: int


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup(store: Store, target: Path, *, actor: str = "system") -> Path:
    target = target.expanduser().resolve()
    if target.exists():
        raise InvalidOperation(m.BACKUP_EXISTS.format(path=target))
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        with translated(store.path):
            raw_execute(store.engine, "VACUUM INTO ?", (str(tmp),))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except StoreError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidOperation(m.BACKUP_FAILED.format(detail=exc.strerror or exc)) from exc
    with store.unit_of_work() as session:
        audit.record(session, actor=actor, action=Action.BACKUP, entity="store", entity_id=None,
                     now=store.now(), detail={"file": target.name})
    log.info("backup written: %s", target.name)
    return target


def _open_backup(source: Path, key_literal: str | None) -> sqlcipher.Connection:
    conn = sqlcipher.connect(str(source), isolation_level=None, check_same_thread=False)
    try:
        if key_literal is not None:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f'PRAGMA key = "{key_literal}"')
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        row = conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlcipher.DatabaseError("quick_check failed")
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher.Error:
        conn.close()
        raise
    return conn


def _staged_copy(store: Store, source: Path, key_literal: str | None) -> Path:
    """The backup copied next to the store and brought to the current schema (the source is not touched)."""
    try:
        conn = _open_backup(source, key_literal)
    except (sqlcipher.Error, OSError) as exc:
        raise InvalidOperation(m.BACKUP_UNREADABLE.format(path=source)) from exc
    staged = store.path.with_name(f".{store.path.name}.restoring-{os.getpid()}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{staged}{suffix}").unlink(missing_ok=True)
    try:
        conn.execute("VACUUM INTO ?", (str(staged),))
    except sqlcipher.Error as exc:
        raise InvalidOperation(m.RESTORE_FAILED.format(detail=exc)) from exc
    finally:
        conn.close()
    key = bytes.fromhex(key_literal[2:-1]) if key_literal else None
    from workstation.core.database import open_database

    try:
        open_database(staged, key, clock=store.clock).close()  # migrations run here
    except StoreError as exc:
        _remove(staged)
        raise InvalidOperation(m.RESTORE_FAILED.format(detail=exc.user_message)) from exc
    return staged


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _tables(conn: sqlcipher.Connection) -> list[str]:
    """Tables to copy, parents before children; FTS shadow tables are copied as they are."""
    ordered = [t.name for t in Base.metadata.sorted_tables]
    shadow = [r[0] for table in SEARCH_TABLES for r in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name LIKE ? ORDER BY name",
        (f"{table}_%",))]
    return ordered + shadow


def restore(store: Store, source: Path, *, actor: str = "system") -> RestoreReport:
    """Replace the store's content by the backup's, in one transaction (writers wait, then continue)."""
    source = source.expanduser().resolve()
    key_literal = store.engine.url.password if store.encrypted else None
    staged = _staged_copy(store, source, key_literal)
    try:
        previous = _copy_aside(store.engine, store.path, "before-restore")
        raw = store.engine.raw_connection()
        conn: sqlcipher.Connection = raw.driver_connection  # type: ignore[assignment]
        try:
            with translated(store.path):
                key_clause = f' KEY "{key_literal}"' if key_literal else " KEY ''"
                conn.execute(f"ATTACH DATABASE ? AS restored{key_clause}", (str(staged),))
                try:
                    total = _copy_in(conn, store, source, previous, actor)
                finally:
                    conn.execute("DETACH DATABASE restored")
        finally:
            raw.close()
    except StoreError as exc:
        raise InvalidOperation(m.RESTORE_FAILED.format(detail=exc.user_message)) from exc
    except sqlcipher.Error as exc:
        raise InvalidOperation(m.RESTORE_FAILED.format(detail=exc)) from exc
    finally:
        _remove(staged)
    log.info("store restored from %s; previous copy %s", source.name, previous.name)
    return RestoreReport(source, previous, total)


def _copy_in(conn: sqlcipher.Connection, store: Store, source: Path, previous: Path, actor: str) -> int:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        device = conn.execute("SELECT device_id, office_code, workstation_code, last_seq FROM main.device").fetchone()
        counters = dict(conn.execute("SELECT prefix, last FROM main.day_counters").fetchall())
        tables = _tables(conn)
        for table in reversed(tables):
            conn.execute(f'DELETE FROM main."{table}"')
        for table in tables:
            columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA main.table_info("{table}")'))
            conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM restored."{table}"')
        # The device stays this device, and its counters never go back (see the module docstring).
        if device is not None:
            restored_seq = conn.execute("SELECT coalesce(max(last_seq), 0) FROM main.device").fetchone()[0]
            conn.execute("DELETE FROM main.device")
            conn.execute("INSERT INTO main.device (id, device_id, office_code, workstation_code, last_seq, created_at)"
                         " VALUES (1, ?, ?, ?, ?, ?)",
                         (device[0], device[1], device[2], max(device[3], restored_seq),
                          store.now().isoformat()))
        for prefix, last in counters.items():
            conn.execute("INSERT INTO main.day_counters (prefix, last) VALUES (?, ?) "
                         "ON CONFLICT(prefix) DO UPDATE SET last = max(last, excluded.last)", (prefix, last))
        conn.execute("INSERT INTO main.audit_log (at, actor, action, entity, entity_id, detail) "
                     "VALUES (?, ?, ?, 'store', NULL, ?)",
                     (store.now().astimezone(UTC).isoformat(timespec="microseconds"), actor, str(Action.RESTORE),
                      dumps({"file": source.name, "previous_copy": previous.name})))
        total = int(conn.execute("SELECT count(*) FROM main.cases").fetchone()[0])
        conn.execute("COMMIT")
    except BaseException:
        with suppress(sqlcipher.Error):
            conn.execute("ROLLBACK")
        raise
    return total
