"""The change feed never skips a change committed out of order (PostgreSQL), with a control that
shows a naive `id > cursor` feed would; cursors are opaque and epoch-bound."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, text
from synckit import ServerDb

from sync.server import feed

AUD = ("*", "o:0101", "d:dev")


def _insert(conn: Connection, entity: str) -> None:
    feed.emit(conn, [feed.Emit("o:0101", "case", entity, 1, f'{{"id":"{entity}"}}')], datetime.now(UTC))


def _pull(db: ServerDb, pos: feed.Position) -> tuple[list[str], feed.Position]:
    with db.engine.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT")
        rows = feed.read_page(conn, AUD, pos, 100)
    if rows:
        pos = feed.Position(int(rows[-1].xid), int(rows[-1].id))
    return [r.entity_id for r in rows], pos


def _naive_pull(db: ServerDb, last_id: int) -> tuple[list[str], int]:
    with db.engine.connect() as conn:
        rows = list(conn.execute(text("SELECT id, entity_id FROM changes WHERE id > :c ORDER BY id"), {"c": last_id}))
    return [r.entity_id for r in rows], (rows[-1].id if rows else last_id)


def test_out_of_order_commit_is_not_skipped(pg_db: ServerDb) -> None:
    """A inserts and stays open, B inserts and commits, pull, A commits, pull: nothing is missed."""
    conn_a = pg_db.engine.connect()
    conn_b = pg_db.engine.connect()
    try:
        tx_a = conn_a.begin()
        _insert(conn_a, "A")  # takes the smaller id (and xid)
        with conn_b.begin():
            _insert(conn_b, "B")  # commits first
        first, pos = _pull(pg_db, feed.START)
        assert "A" not in first  # invisible: still open
        assert "B" not in first  # held back: an older transaction is still running
        tx_a.commit()
        second, pos = _pull(pg_db, pos)
        assert first + second == ["A", "B"]
        third, _ = _pull(pg_db, pos)
        assert third == []
    finally:
        conn_a.close()
        conn_b.close()


def test_naive_serial_cursor_would_skip_it(pg_db: ServerDb) -> None:
    """The control: the same interleaving read by `id > cursor` loses A for ever."""
    conn_a = pg_db.engine.connect()
    conn_b = pg_db.engine.connect()
    try:
        tx_a = conn_a.begin()
        _insert(conn_a, "A")
        with conn_b.begin():
            _insert(conn_b, "B")
        first, cursor = _naive_pull(pg_db, 0)
        assert first == ["B"]
        tx_a.commit()
        second, cursor = _naive_pull(pg_db, cursor)
        assert second == []  # A (a smaller id, committed later) is behind the cursor: skipped
        everything, _ = _naive_pull(pg_db, 0)
        assert everything == ["A", "B"]
    finally:
        conn_a.close()
        conn_b.close()


def test_feed_order_and_audiences(server_db: ServerDb) -> None:
    with server_db.engine.begin() as conn:
        now = datetime.now(UTC)
        feed.emit(conn, [feed.Emit("o:0101", "case", "c1", 1, "{}"), feed.Emit("o:0202", "case", "c2", 1, "{}"),
                         feed.Emit("*", "catalog", "v1", 1, "{}"), feed.Emit("d:dev", "case", "c3", 1, "{}"),
                         feed.Emit("d:other", "case", "c4", 1, "{}")], now)
    got, pos = _pull(server_db, feed.START)
    assert got == ["c1", "v1", "c3"]
    with server_db.engine.begin() as conn:
        _insert(conn, "c5")
    got, _ = _pull(server_db, pos)
    assert got == ["c5"]


def test_cursor_is_opaque_and_bound_to_the_epoch() -> None:
    cursor = feed.encode_cursor("e1", feed.Position(12, 34))
    assert "12" not in cursor or ":" not in cursor
    assert feed.parse_cursor(cursor) == ("e1", feed.Position(12, 34))
    assert feed.parse_cursor(None) == (None, feed.START)
    for bad in ("garbage!", "MTo6", "x" * 50, feed.encode_cursor("e", feed.Position(0, 0))[:-3] + "@@@"):
        with pytest.raises(feed.BadCursor):
            feed.parse_cursor(bad)


def test_page_json_is_valid_json() -> None:
    import json

    class Row:
        kind, entity_id, version, data = "case", 'id"1', 3, '{"a":[1,2]}'

    page = json.loads(feed.page_json("e", "c", True, False, [Row()]))
    assert page == {"epoch": "e", "cursor": "c", "more": True, "reset": False,
                    "changes": [{"kind": "case", "id": 'id"1', "version": 3, "data": {"a": [1, 2]}}]}
