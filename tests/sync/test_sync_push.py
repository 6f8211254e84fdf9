"""Push semantics over HTTP: exactly once, gaps refused, results per mutation, rejections that never
block the queue, a failure mid-batch rolled back whole, a restored server re-filled by its clients."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text
from synckit import LiveServer, ServerDb, add_workstation, restore, server_cases, snapshot

from sync.client import enrol
from sync.server import admin
from sync.server.db import rotate_epoch


def _device(db: ServerDb, url: str, office: str = "0101") -> dict[str, str]:
    new = admin.add_device(db.engine, office=office, name=f"dev-{uuid.uuid4().hex[:6]}")
    answer = enrol(url, new.code, local_device_id=str(uuid.uuid4()))
    return {"token": answer.token, "id": answer.device_id, "office": office}


def _case(seq: int, case_id: str, office: str = "0101", number: str | None = None, **extra: Any) -> dict[str, Any]:
    payload = {"id": case_id, "number": number or f"{office}-001-261120-{seq:04d}", "status": "accepted",
               "service_id": "passport-rf", "office_code": office, "workstation_code": "001",
               "answers": {"phone": "+79990000000"}, "accepted_at": "2026-11-20T10:00:00+03:00", **extra}
    return {"seq": seq, "id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "op": "create",
            "payload": payload}


def _status(seq: int, case_id: str, old: str, new: str, reason: str | None = None,
            base: int | None = None) -> dict[str, Any]:
    return {"seq": seq, "id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "op": "status",
            "base_version": base, "payload": {"from": old, "to": new, "reason": reason, "actor": "x",
                                              "at": "2026-11-23T10:00:00+03:00"}}


def _push(url: str, dev: dict[str, str], mutations: list[dict[str, Any]],
          epoch: str | None = None) -> requests.Response:
    return requests.post(f"{url}/v1/push", json={"epoch": epoch, "mutations": mutations},
                         headers={"Authorization": f"Bearer {dev['token']}"}, timeout=10)


def _log_count(db: ServerDb) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM mutations")).scalar_one())


def test_resend_is_a_no_op_and_a_gap_is_refused(server_db: ServerDb, live: LiveServer) -> None:
    dev = _device(server_db, live.url)
    c1, c2 = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [_case(1, c1), _case(2, c2), _status(3, c1, "accepted", "sent")]
    first = _push(live.url, dev, batch)
    assert first.status_code == 200
    body = first.json()
    assert body["last_applied_seq"] == 3
    assert [r["status"] for r in body["results"]] == ["applied", "applied", "applied"]
    before = server_cases(server_db)
    again = _push(live.url, dev, batch).json()
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert [r["original"] for r in again["results"]] == ["applied"] * 3
    assert server_cases(server_db) == before
    assert _log_count(server_db) == 3
    gap = _push(live.url, dev, [_status(5, c2, "accepted", "sent")])
    assert gap.status_code == 409
    assert gap.json()["error"] == "sequence_gap" and gap.json()["last_applied_seq"] == 3
    overlap = _push(live.url, dev, [*batch[2:], _status(4, c2, "accepted", "sent")]).json()
    assert [r["status"] for r in overlap["results"]] == ["duplicate", "applied"]
    assert server_cases(server_db)[c2]["status"] == "sent"


def test_rejections_are_recorded_and_never_block(server_db: ServerDb, live: LiveServer) -> None:
    dev = _device(server_db, live.url)
    c1 = str(uuid.uuid4())
    batch = [_case(1, c1), _status(2, c1, "accepted", "issued"),  # not a lifecycle transition
             _status(3, c1, "accepted", "refused"),  # needs a reason
             _case(4, str(uuid.uuid4()), office="0202"),  # another centre's case
             {"seq": 5, "id": str(uuid.uuid4()), "entity": "spaceship", "entity_id": "x", "op": "create"},
             _status(6, c1, "accepted", "sent")]
    body = _push(live.url, dev, batch).json()
    got = [(r["status"], r.get("code")) for r in body["results"]]
    assert got == [("applied", None), ("rejected", "transition_refused"), ("rejected", "reason_required"),
                   ("rejected", "forbidden"), ("rejected", "unknown_entity"), ("applied", None)]
    assert body["last_applied_seq"] == 6
    assert all(r["message"] for r in body["results"] if r["status"] == "rejected")
    assert server_cases(server_db)[c1]["status"] == "sent"
    again = _push(live.url, dev, batch[1:2]).json()["results"][0]
    assert (again["status"], again["original"], again["code"]) == ("duplicate", "rejected", "transition_refused")


def test_a_failure_mid_batch_rolls_back_and_the_retry_applies_once(server_db: ServerDb, tmp_path: Path) -> None:
    from synckit import serve

    server, app = serve(server_db)
    try:
        dev = _device(server_db, server.url)
        ids = [str(uuid.uuid4()) for _ in range(4)]
        batch = [_case(i + 1, cid) for i, cid in enumerate(ids)]

        def fail_third(_device_id: str, index: int, _mutation: object) -> None:
            if index == 2:
                raise RuntimeError("injected")

        app.state.fault_hook = fail_third
        broken = _push(server.url, dev, batch)
        assert broken.status_code == 500 and broken.json()["error"] == "internal"
        assert server_cases(server_db) == {} and _log_count(server_db) == 0
        app.state.fault_hook = None
        ok = _push(server.url, dev, batch).json()
        assert ok["last_applied_seq"] == 4 and {r["status"] for r in ok["results"]} == {"applied"}
        assert set(server_cases(server_db)) == set(ids)
        with server_db.engine.connect() as conn:
            history = conn.execute(text("SELECT count(*) FROM case_history")).scalar_one()
        assert history == 4  # one acceptance each, not two
    finally:
        server.stop()


def test_restored_server_gets_a_new_epoch_and_is_filled_again(server_db: ServerDb, live: LiveServer,
                                                             tmp_path: Path) -> None:
    ws = add_workstation(server_db, live.url, tmp_path / "ws")
    first = ws.accept()
    ws.sync()
    backup = snapshot(server_db)
    second = ws.accept()
    ws.set_status(first, "sent")
    ws.sync()
    assert server_cases(server_db)[first]["status"] == "sent"
    restore(server_db, backup)
    rotate_epoch(server_db.engine)
    assert second not in server_cases(server_db)
    summary = ws.sync()
    assert summary.epoch_changed
    cases = server_cases(server_db)
    assert second in cases and cases[first]["status"] == "sent"
    assert ws.port.pending_count() == 0
    assert ws.case(second)["server_version"] == cases[second]["version"]
    with server_db.engine.connect() as conn:
        dupes = conn.execute(text("SELECT count(*) FROM (SELECT device_id, seq FROM mutations "
                                  "GROUP BY device_id, seq HAVING count(*) > 1) d")).scalar_one()
    assert dupes == 0
    ws.close()


def test_a_workstation_restored_from_its_own_backup_renumbers(server_db: ServerDb, live: LiveServer,
                                                               tmp_path: Path) -> None:
    import shutil

    ws = add_workstation(server_db, live.url, tmp_path / "ws")
    ws.accept()
    ws.store.checkpoint()
    shutil.copy(ws.root / "store.db", tmp_path / "store-backup.db")
    ws.accept()
    ws.sync()
    ws.close()
    shutil.copy(tmp_path / "store-backup.db", ws.root / "store.db")
    ws.open()  # the local restore: outbox numbers 1.. are used again for new work
    ws.sync()  # pushes the old seq 1 … (already applied: a duplicate with the same id)
    third = ws.accept()
    ws.sync()
    assert third in server_cases(server_db)
    assert ws.port.pending_count() == 0
    ws.close()
