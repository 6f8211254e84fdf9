"""End to end over loopback HTTP: workstations with real encrypted stores and a real server."""

from __future__ import annotations

from pathlib import Path

from synckit import LiveServer, ServerDb, add_workstation, server_cases

from sync.server import admin


def test_a_case_reaches_the_office_and_only_the_office(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1")
    ws2 = add_workstation(server_db, live.url, tmp_path / "ws2")
    other = add_workstation(server_db, live.url, tmp_path / "ws3", office="0202")
    case_id = ws1.accept()
    summary = ws1.sync()
    assert summary.pushed >= 2  # the applicant card and the case
    assert ws1.port.pending_count() == 0
    ws2.sync()
    other.sync()
    assert case_id in ws2.cases()
    assert ws2.case(case_id)["status"] == "accepted"
    assert case_id not in other.cases()
    server = server_cases(server_db)[case_id]
    assert ws1.case(case_id)["server_version"] == server["version"]
    for ws in (ws1, ws2, other):
        ws.close()


def test_back_office_status_flows_down(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1")
    case_id = ws1.accept()
    ws1.sync()
    number = ws1.case(case_id)["number"]
    admin.change_status(server_db.engine, number, "sent", reason=None, actor="agency")
    admin.change_status(server_db.engine, number.replace("-", ""), "ready", reason=None, actor="agency")
    ws1.sync()
    assert ws1.case(case_id)["status"] == "ready"
    ws1.set_status(case_id, "issued")
    ws1.sync()
    assert server_cases(server_db)[case_id]["status"] == "issued"
    ws1.close()


def test_disjoint_edits_merge_and_same_field_edits_conflict(server_db: ServerDb, live: LiveServer,
                                                            tmp_path: Path) -> None:
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1")
    ws2 = add_workstation(server_db, live.url, tmp_path / "ws2")
    case_id = ws1.accept()
    ws1.sync()
    ws2.sync()
    ws1.edit(case_id, answers={"phone": "+79990000001"})
    ws2.edit(case_id, notify_by="email")
    ws1.sync()
    ws2.sync()
    ws1.sync()
    for ws in (ws1, ws2):
        got = ws.case(case_id)
        assert got["answers"]["phone"] == "+79990000001"
        assert got["notify_by"] == "email"
        assert not got["conflict"]
    ws1.edit(case_id, answers={"phone": "+79990000002"})
    ws2.edit(case_id, answers={"phone": "+79990000003"})
    ws1.sync()
    summary = ws2.sync()
    assert summary.conflicts == 1
    ws1.sync()
    server = server_cases(server_db)[case_id]
    assert server["conflict"]
    entry = server["data"]["conflict_data"]["answers.phone"]
    assert entry["server"]["value"] == "+79990000002"
    assert [p["value"] for p in entry["proposed"]] == ["+79990000003"]
    for ws in (ws1, ws2):
        got = ws.case(case_id)
        assert got["conflict"] and got["answers"]["phone"] == "+79990000002"
        assert got["conflict_data"] == server["data"]["conflict_data"]
        ws.close()
