"""The change feed: what each workstation pulls, in an order no concurrent commit can break.

Every write that a workstation must learn inserts rows into `changes` in the same transaction:
the full latest record of the entity (so applying one twice is harmless) for one audience —
`*` (everyone: catalog versions), `o:OFFICE` (a centre's workstations: its cases, applicants and
staff accounts) or `d:DEVICE` (one workstation: its field-visit assignments).

Ordering. A serial id alone is not a safe cursor on PostgreSQL: ids are handed out when rows are
inserted, not when their transaction commits, so a reader can see id 6 (committed) while id 5 is
still invisible (its transaction is open) — a cursor moved past 6 would skip 5 for ever. So each
row is also stamped with its writer's transaction id (`pg_current_xact_id()`, the column's
default), readers order by (xid, id), and only rows whose xid is below the oldest transaction
still running (`pg_snapshot_xmin(pg_current_snapshot())`) are served: every such transaction has
finished, and every later writer gets a larger xid, so nothing can appear behind the cursor.
A long transaction delays the feed (never loses from it); statement and idle-in-transaction
timeouts bound the delay. On SQLite writers are serialised, ids follow commit order, xid is 0.

The cursor is opaque to clients: `base64url("1:EPOCH:XID:ID")`. A cursor from another epoch
(a server restored from a backup) makes the next page start from the beginning with `reset`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.exc import DBAPIError

from sync.server import schema

ALL = "*"


def office_audience(office: str) -> str:
    return f"o:{office}"


def device_audience(device_id: str) -> str:
    return f"d:{device_id}"


def audiences(device_id: str, office: str) -> tuple[str, str, str]:
    return (ALL, office_audience(office), device_audience(device_id))


@dataclass(frozen=True, slots=True, order=True)
class Position:
    xid: int = 0
    id: int = 0


START = Position()


class BadCursor(ValueError):
    pass


def encode_cursor(epoch: str, pos: Position) -> str:
    raw = f"1:{epoch}:{pos.xid}:{pos.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(cursor: str | None) -> tuple[str | None, Position]:
    """(epoch the cursor was made in, position); an empty cursor is the start of any epoch."""
    if not cursor:
        return None, START
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        version, epoch, xid, row_id = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split(":")
        pos = Position(int(xid), int(row_id))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadCursor(cursor[:80]) from exc
    if version != "1" or not 0 <= pos.xid < 2**63 or not 0 <= pos.id < 2**63:
        raise BadCursor(cursor[:80])
    return epoch, pos


# --- writing -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Emit:
    audience: str
    kind: str
    entity_id: str
    version: int
    data: str  # JSON text


try:  # orjson writes the same compact UTF-8 JSON several times faster
    import orjson

    _ORJSON_OPTIONS: int | None = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                                   | orjson.OPT_PASSTHROUGH_DATACLASS)
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library still works
    _ORJSON_OPTIONS = None


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII as is, anything else JSON lacks as `str(x)` (datetimes too)."""
    if _ORJSON_OPTIONS is not None:
        try:
            return orjson.dumps(value, default=str, option=_ORJSON_OPTIONS).decode()
        except TypeError:  # integers beyond 64 bits, lone surrogates, very deep nesting
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def loads(text: str | bytes) -> Any:
    return orjson.loads(text) if _ORJSON_OPTIONS is not None else json.loads(text)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts with the same keys). On PostgreSQL with `COPY … FROM STDIN` in the
    current transaction: one round trip and no per-row statement (a push writes thousands of rows:
    cases, history, the mutation log, feed rows); column defaults (`xid`, ids) apply as in INSERT.
    A refusal leaves as the same SQLAlchemy error an INSERT would raise (IntegrityError …)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except driver.Error as exc:  # psycopg's base error: mapped as SQLAlchemy maps it for INSERTs
        raise DBAPIError.instance(sql, None, exc, type(driver).Error) from exc  # type: ignore[arg-type]


def emit(conn: Connection, rows: Iterable[Emit], now: datetime) -> int:
    params = [{"audience": r.audience, "kind": r.kind, "entity_id": r.entity_id, "version": r.version,
               "data": r.data, "created_at": now} for r in rows]
    insert_rows(conn, schema.changes, params)
    return len(params)


# --- reading -----------------------------------------------------------------------------------
_BRANCH = ("SELECT id, xid, kind, entity_id, version, data FROM changes "
           "WHERE audience = :a{n} AND (xid, id) > (:x, :i){horizon} "
           "ORDER BY xid, id LIMIT :lim")
_HORIZON_PG = " AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def _page_sql(postgres: bool, n_audiences: int) -> str:
    horizon = _HORIZON_PG if postgres else ""
    branches = " UNION ALL ".join(f"SELECT * FROM ({_BRANCH.format(n=k, horizon=horizon)}) b{k}"
                                  for k in range(n_audiences))
    return f"SELECT id, xid, kind, entity_id, version, data FROM ({branches}) page ORDER BY xid, id LIMIT :lim"


_PAGE_SQL = {(pg, n): text(_page_sql(pg, n)) for pg in (True, False) for n in (1, 2, 3)}


def read_page(conn: Connection, audience_list: Sequence[str], pos: Position, limit: int) -> list[Any]:
    """Up to `limit` rows after `pos` for these audiences, in feed order (one statement)."""
    postgres = conn.dialect.name == "postgresql"
    params: dict[str, Any] = {"x": pos.xid, "i": pos.id, "lim": limit}
    for k, aud in enumerate(audience_list):
        params[f"a{k}"] = aud
    return list(conn.execute(_PAGE_SQL[(postgres, len(audience_list))], params))


def exists_after_sql(postgres: bool, alias: str = "d") -> str:
    """An SQL boolean: is any row after (:x, :i) ready for device `alias`? (used by the idle poll)."""
    horizon = _HORIZON_PG if postgres else ""
    parts = []
    for aud in ("'*'", f"'o:' || {alias}.office_code", f"'d:' || {alias}.id"):
        parts.append(f"EXISTS (SELECT 1 FROM changes WHERE audience = {aud} "
                     f"AND (xid, id) > (:x, :i){horizon})")
    return "(" + " OR ".join(parts) + ")"


def page_json(epoch: str, cursor: str, more: bool, reset: bool, rows: Sequence[Any]) -> bytes:
    """The `ChangesPage` body built from stored JSON text, without decoding and re-encoding it."""
    head = (f'{{"epoch":{json.dumps(epoch)},"cursor":{json.dumps(cursor)},'
            f'"more":{"true" if more else "false"},"reset":{"true" if reset else "false"},"changes":[').encode()
    parts = [head]
    for k, r in enumerate(rows):  # bytes pieces: one join, no page-sized str to encode
        parts.append(b'%s{"kind":%s,"id":%s,"version":%d,"data":' % (
            b"," if k else b"", json.dumps(r.kind).encode(), json.dumps(r.entity_id).encode(), int(r.version)))
        parts.append(r.data.encode())
        parts.append(b"}")
    parts.append(b"]}")
    return b"".join(parts)


def compact(conn: Connection, before: datetime) -> int:
    """Delete rows older than `before` that a later row for the same entity and audience supersedes.

    A workstation whose cursor is behind still converges: it receives the later row. Nothing is
    ever deleted that is the latest word on an entity for an audience.
    """
    result = conn.execute(text(
        "DELETE FROM changes WHERE created_at < :before AND EXISTS ("
        "SELECT 1 FROM changes later WHERE later.kind = changes.kind AND later.entity_id = changes.entity_id "
        "AND later.audience = changes.audience AND later.id > changes.id)"), {"before": before})
    return int(result.rowcount or 0)
