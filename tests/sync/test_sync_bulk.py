"""Many batches and many pages: the pipelined push (the next batch goes out while the previous
acknowledgement is written), the pull that reads a group ahead and applies what has arrived, and
the bulk write paths (COPY on PostgreSQL, the outbox's partial index) — with lost answers."""

from __future__ import annotations

import gc
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from faults import faulty_session
from sqlalchemy import text
from synckit import Clock, LiveServer, ServerDb, add_workstation, server_cases

from sync.client import SyncError, _page_head, _ParseGate, fewer_gc_passes, store_committing
from workstation.core import search
from workstation.core.database import open_database
from workstation.core.sync_adapter import apply_records


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


def _card(n: int, doc: str, *, surname: str = "Соколова") -> dict[str, Any]:
    return {"id": f"01a1fd00-0000-7000-8000-{n:012d}", "surname": surname, "name": "Анна", "patronymic": None,
            "snils": f"{n:09d}00", "phone": None, "version": 1,
            "documents": [{"id": doc, "kind": "passport-rf", "series": "4510", "number": f"{n:06d}"}]}


def _case(n: int, applicant: dict[str, Any], status: str = "accepted") -> dict[str, Any]:
    return {"id": f"01a1fd00-0000-7000-8000-c{n:011d}", "number": f"0101-002-261120-{n:04d}", "status": status,
            "service_id": "passport-rf", "applicant_id": applicant["id"], "applicant": applicant, "version": 1,
            "history": [{"from": "draft", "to": status, "at": "2026-11-20T10:00:00+03:00", "actor": "ivanova"}]}


@pytest.mark.parametrize("slice_rows", [None, 2])
def test_new_and_known_rows_in_one_batch(tmp_path: Path, slice_rows: int | None) -> None:
    """New rows go in with plain INSERTs, rows already there with the upsert — in one batch, in
    slices or not; a document that moves to another card, a card repeated in the batch and the
    search index all end as the upsert alone would leave them."""
    store = open_database(tmp_path / "s.db", secrets.token_bytes(32), clock=Clock())
    try:
        first = [_card(n, f"01a1fd00-0000-7000-8000-d{n:011d}") for n in range(1, 4)]
        with store.unit_of_work() as s:
            apply_records(s, [("case", c["id"], c) for c in (_case(n, first[n - 1]) for n in range(1, 4))],
                          now=store.now(), slice_rows=slice_rows)
        moved = _card(4, first[0]["documents"][0]["id"], surname="Королёва")  # card 1's passport now on card 4
        renamed = {**first[1], "surname": "Петрова", "version": 2}
        batch = [("case", f"x{n}", c) for n, c in enumerate([
            _case(2, renamed, "sent"), _case(4, moved), _case(5, _card(5, "01a1fd00-0000-7000-8000-d00000000005")),
            _case(6, renamed)])]  # card 2 twice: the last one counts
        with store.unit_of_work() as s:
            apply_records(s, batch, now=store.now(), slice_rows=slice_rows)
        with store.reading() as s:
            conn = s.connection()
            cases = dict(conn.exec_driver_sql("SELECT number, status FROM cases").all())
            assert len(cases) == 6 and cases["0101-002-261120-0002"] == "sent"
            owners = dict(conn.exec_driver_sql("SELECT id, applicant_id FROM identity_documents").all())
            assert owners[first[0]["documents"][0]["id"]] == moved["id"] and len(owners) == 4  # d1 moved, d2, d3, d5
            surnames = dict(conn.exec_driver_sql("SELECT id, surname FROM applicants").all())
            assert surnames[renamed["id"]] == "Петрова" and len(surnames) == 5
            history = conn.exec_driver_sql("SELECT count(*) FROM status_history").scalar_one()
            assert history == 6  # replaced for the case that came again, once per case
            for table in ("applicant_words", "applicant_search"):
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 5
            assert {h.id for h in search.search(s, "Петрова").applicants} == {renamed["id"]}
            assert {h.id for h in search.search(s, "Королёва").applicants} == {moved["id"]}
            assert not search.search(s, "Соколова Анна 000002").applicants
    finally:
        store.close()


def test_the_page_head_is_read_without_parsing_and_odd_bodies_are_parsed() -> None:
    body = b'{"epoch":"0f0012e5b4dd7460","cursor":"MTowZjA6MTI6MzQ","more":true,"reset":false,"changes":[]}'
    assert _page_head(body) == ("0f0012e5b4dd7460", "MTowZjA6MTI6MzQ", True)
    assert _page_head(b'{"cursor":"c","epoch":"e","more":false,"changes":[]}') is None  # another order: parsed
    assert _page_head(b'{"epoch":"e\\u0041","cursor":"c","more":false}') is None


def test_the_parse_gate_holds_the_helper_only_while_rows_are_written() -> None:
    gate = _ParseGate()
    assert gate.is_open()
    store_committing()  # outside a pull: nothing happens
    with gate.applying_here():
        with gate.writing():
            assert not gate.is_open()
            store_committing()  # the port's commit: the helper may parse now
            assert gate.is_open()
        assert gate.is_open()
        with gate.writing():
            started = time.monotonic()
            gate.wait(0.05)  # a closed gate delays a parse by at most its timeout
            assert time.monotonic() - started >= 0.04
    store_committing()
    assert gate.is_open()


def test_pages_fetched_before_a_failure_are_applied_first(server_db: ServerDb, live: LiveServer,
                                                           tmp_path: Path) -> None:
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1")
    ids = [ws1.accept() for _ in range(12)]
    ws1.sync()
    session, adapter = faulty_session()
    ws2 = add_workstation(server_db, live.url, tmp_path / "ws2", session=session)
    ws2.client.page_size = 2
    ws2.client.group_records = 1000
    adapter.arm("drop_request", at=3)  # the fourth page's request is lost
    with pytest.raises(SyncError):
        ws2.client.pull_all(ws2.port)
    got = ws2.cases()
    assert got and len(got) < len(ids)  # what came before the failure is kept (with its cursor)
    ws2.sync()
    assert set(ids) <= set(ws2.cases())
    for ws in (ws1, ws2):
        ws.close()
