"""A pulled record skipped while its case has unpushed local changes is not lost.

The pull skips a case with local changes not yet pushed (they win until the server has them) and
counts on the push's echo to bring the merged state. When the push changes nothing on the server —
the same value is already there, or the server applied it before an answer was lost — there is no
echo: the skipped record itself must be applied once the push is acknowledged. Real server on
loopback, real encrypted stores (SQLite and PostgreSQL servers, like every server test).
"""

from __future__ import annotations

from pathlib import Path

from synckit import LiveServer, ServerDb, add_workstation, server_cases

from sync.server import admin
from workstation.core.device import get_setting
from workstation.core.sync_adapter import DEFERRED


def test_a_record_skipped_for_a_no_op_local_edit_is_applied_after_the_push(server_db: ServerDb, live: LiveServer,
                                                                          tmp_path: Path) -> None:
    ws0 = add_workstation(server_db, live.url, tmp_path / "ws0")
    ws1 = add_workstation(server_db, live.url, tmp_path / "ws1")
    try:
        case_id = ws0.accept()
        ws0.sync()
        ws1.sync()
        ws1.edit(case_id, answers={"phone": "+79990000002"})
        ws1.sync()  # the server's case is at version 2 with ws1's phone
        admin.change_status(server_db.engine, case_id, "sent", reason=None, actor="agency")  # version 3

        ws0.client.push_all(ws0.port)  # a sync's push found nothing to send …
        ws0.edit(case_id, answers={"phone": "+79990000002"})  # … the specialist types the same number …
        ws0.client.pull_all(ws0.port)  # … and the pull brings version 3: skipped, the edit is pending
        assert ws0.case(case_id)["server_version"] == 1
        with ws0.store.reading() as s:
            assert case_id in get_setting(s, DEFERRED, {})["case"]

        summary = ws0.sync()  # the value is already there: merged at version 3, no new version, no echo
        assert summary.pulled == 0
        server = server_cases(server_db)[case_id]
        mine = ws0.case(case_id)
        assert server["version"] == 3 and mine["server_version"] == 3
        assert mine["status"] == "sent" and mine["answers"]["phone"] == "+79990000002"
        with ws0.store.reading() as s:
            assert not get_setting(s, DEFERRED, {})
    finally:
        ws0.close()
        ws1.close()


def test_a_skipped_record_older_than_the_push_answer_waits_for_the_echo(server_db: ServerDb, live: LiveServer,
                                                                        tmp_path: Path) -> None:
    ws0 = add_workstation(server_db, live.url, tmp_path / "ws0")
    try:
        case_id = ws0.accept()
        ws0.sync()
        admin.change_status(server_db.engine, case_id, "sent", reason=None, actor="agency")  # version 2
        ws0.client.push_all(ws0.port)
        ws0.edit(case_id, answers={"phone": "+79990000005"})  # a real change: version 3 on the server
        ws0.client.pull_all(ws0.port)  # version 2 skipped and kept aside
        ws0.sync()  # the push answers version 3 (> 2): the kept record is dropped, the echo applies
        mine, server = ws0.case(case_id), server_cases(server_db)[case_id]
        assert server["version"] == 3 and mine["server_version"] == 3
        assert mine["status"] == "sent" and mine["answers"]["phone"] == "+79990000005"
        with ws0.store.reading() as s:
            assert not get_setting(s, DEFERRED, {})
    finally:
        ws0.close()
