"""Many batches and many pages: the pipelined push (the next batch goes out while the previous
acknowledgement is written), the pull that reads a group ahead and applies what has arrived, and
the bulk write paths (COPY on PostgreSQL, the outbox's partial index) — with lost answers."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from faults import faulty_session
from sqlalchemy import text
from synckit import LiveServer, ServerDb, add_workstation, server_cases

from sync.client import SyncError, fewer_gc_passes


def test_many_batches_and_pages_arrive_exactly_once(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    session, adapter = faulty_session()
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1", session=session)
    ws1.client.batch_size = 3  # 7 cases: several batches
    ids = [ws1.accept() for _ in range(7)]
    n = ws1.port.pending_count()
    assert n >= 8
    assert [m.seq for m in ws1.port.pending_after(n - 3, 100)] == [n - 2, n - 1, n]

    adapter.arm("drop_response", at=2)  # the third batch is applied, its answer lost
    with pytest.raises(SyncError):
        ws1.sync()
    assert ws1.port.pending_count() == n - 6  # the first two batches were acknowledged
    summary = ws1.sync()
    assert summary.duplicates >= 2 and ws1.port.pending_count() == 0

    with server_db.engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM mutations ORDER BY seq"))]
        history = conn.execute(text("SELECT count(*) FROM case_history")).scalar_one()
    assert seqs == list(range(1, n + 1)) and history == 7  # each mutation once, each case accepted once
    server = server_cases(server_db)
    assert set(ids) <= set(server)

    ws2 = add_workstation(server_db, live.url, tmp_path / "ws2")
    ws2.client.page_size = 2  # many pages, grouped a few at a time
    ws2.client.group_records = 3
    ws2.sync()
    got = ws2.cases()
    assert set(ids) <= set(got)
    assert all(got[cid]["server_version"] == server[cid]["version"] for cid in ids)
    ws2.accept()
    assert ws2.sync().pushed >= 1 and ws2.port.pending_count() == 0
    for ws in (ws1, ws2):
        ws.close()


def test_fewer_gc_passes_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    with fewer_gc_passes():
        with fewer_gc_passes():
            assert gc.get_threshold()[0] >= 200_000
        assert gc.get_threshold()[0] >= 200_000
    assert gc.get_threshold() == before
