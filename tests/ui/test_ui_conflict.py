"""A sync conflict made for real and resolved side by side on the case card.

A real sync server on loopback (`tests/sync/synckit.py`: uvicorn in a thread, SQLite file); the app's
workstation is enrolled with it over HTTP (token in the `os_keyring` keyring) and runs the real
`SyncWorker`; a second workstation (a real encrypted store with its own client) edits the same case.
Both change the phone and the notification: the server keeps the second one's values and flags the
case. The app shows the conflict on Home and on the card; the specialist picks with the keys; the
store then holds the chosen values, no conflict, and an outbox row `resolve`, which the worker
pushes so the server clears the flag too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_store import _wait_preview, accept_example, close_store_shell, make_store_shell
from uikit import Harness

_SYNC_TESTS = str(Path(__file__).resolve().parents[1] / "sync")
if _SYNC_TESTS not in sys.path:
    sys.path.insert(0, _SYNC_TESTS)

from synckit import LiveServer, ServerDb, add_workstation, new_server_db, serve, server_cases  # noqa: E402


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[tuple[ServerDb, LiveServer]]:
    db = new_server_db("sqlite", tmp_path)
    live, _app = serve(db)
    try:
        yield db, live
    finally:
        live.stop()
        db.drop()


def enrol_app_store(data_dir: Path, catalog: Any, db: ServerDb, url: str) -> None:
    """What `mfc-workstation enrol` does: a device on the server, the answer saved in the store, the
    token in the OS keyring."""
    from sync.client import TokenStore, enrol
    from sync.server import admin
    from workstation.core import device
    from workstation.core.sync_adapter import save_enrolment, token_user
    from workstation.paths import DataPaths
    from workstation.ui.wiring import open_backends

    data = DataPaths(data_dir)
    first = open_backends(data, catalog=lambda: catalog, demo_password="demo2026")  # not enrolled yet
    try:
        local_id = first.worker.call(lambda s: device.get_device(s).device_id, write=False)
        new = admin.add_device(db.engine, office="0101", name="Окно 3")
        answer = enrol(url, new.code, local_device_id=local_id)
        first.worker.call(lambda s: save_enrolment(
            s, url=url, device_id=answer.device_id, name=answer.name, office_code=answer.office_code,
            workstation_code=answer.workstation_code, epoch=answer.epoch, now=first.store.now()))
        TokenStore(token_user(data.root)).set(answer.token)
    finally:
        first.close()


def local_case(app: Harness, case_id: str) -> dict[str, Any]:
    from workstation.core.models import Case, OutboxRow

    def job(s: Any) -> dict[str, Any]:
        case = s.get(Case, case_id)
        rows = s.query(OutboxRow).filter_by(entity_id=case_id).order_by(OutboxRow.device_seq).all()
        return {"answers": dict(case.answers), "notify_by": case.notify_by, "conflict": case.conflict,
                "conflict_data": case.conflict_data, "server_version": case.server_version, "number": case.number,
                "outbox": [(r.op, r.payload, r.acked_at is not None) for r in rows]}

    return app.opened.worker.call(job, write=False)  # type: ignore[attr-defined, no-any-return]


def test_a_real_conflict_is_resolved_side_by_side(tk_root: Any, tmp_path: Path, catalog: Any, os_keyring: str,
                                                  sync_server: tuple[ServerDb, LiveServer]) -> None:
    from workstation.core.sync_adapter import edit_case
    from workstation.ui import texts as t

    db, live = sync_server
    data_dir = tmp_path / "data"
    enrol_app_store(data_dir, catalog, db, live.url)
    other = add_workstation(db, live.url, tmp_path / "ws2")
    app = make_store_shell(tk_root, data_dir, catalog, sync_interval=3600)
    try:
        app.login()
        accept_example(app, "passport-rf")
        _wait_preview(app).event_generate("<Escape>")
        case_id = app.opened.worker.call(  # type: ignore[attr-defined]
            lambda s: s.execute(__import__("sqlalchemy").text("SELECT id FROM cases")).scalar(), write=False)
        # the accept kicked the worker: pushed, then pulled back (the echo sets the server version)
        app.wait_until(lambda: local_case(app, case_id)["server_version"] is not None, timeout=20,
                       what="the case pushed and echoed")
        other.sync()
        before = local_case(app, case_id)
        assert before["notify_by"] == "sms"
        # the same two fields changed here and at the other workstation, the other one first
        app.opened.worker.call(lambda s: edit_case(  # type: ignore[attr-defined]
            s, case_id, {"answers": {"phone": "+79990000002"}, "notify_by": "email"}, actor="demo",
            now=app.opened.store.now()))  # type: ignore[attr-defined]
        other.edit(case_id, answers={"phone": "+79990000003"}, notify_by="none")
        other.sync()
        app.opened.sync.kick()  # type: ignore[attr-defined]
        app.wait_until(lambda: local_case(app, case_id)["conflict"], timeout=20, what="the conflict pulled")
        assert server_cases(db)[case_id]["conflict"]

        # Home shows the case in conflict above everything
        app.shell.show_home()
        app.settle()
        home = app.shell.current
        app.wait_until(lambda: len(home.conflicts.rows) == 1, what="the conflict on Home")
        assert home.conflicts.winfo_ismapped()
        row = next(iter(home.conflicts.rows.values()))
        assert t.CONFLICT_BADGE in row.status and row.ref == before["number"]

        # the card: a table of the two fields, this workstation's value beside the server's
        app.focus(home.conflicts.tree)
        app.key("Return")
        screen = app.shell.current
        assert screen.name == "cases"
        app.wait_until(lambda: screen.card_data is not None and screen.conflict.winfo_ismapped(), timeout=10,
                       what="the conflict view")
        panel = screen.conflict
        table = {panel.tree.set(i, "field"): (panel.tree.set(i, "local"), panel.tree.set(i, "server"))
                 for i in panel.tree.get_children()}
        assert table == {"Контактный телефон": ("+7 (999) 000-00-02", "+7 (999) 000-00-03"),
                         "Способ уведомления": ("электронная почта", "не уведомлять")}
        app.wait_until(lambda: app.focused() is panel.tree, what="focus in the conflict table")
        app.key("Return")  # nothing chosen yet: not saved, and said why
        assert "не выбрано" in panel.message.cget("text") and local_case(app, case_id)["conflict"]
        first, second = panel.tree.get_children()
        by_field = {panel.rows[first]["path"]: first, panel.rows[second]["path"]: second}
        app.focus(panel.tree)
        panel.tree.focus(by_field["answers.phone"])
        panel.tree.selection_set(by_field["answers.phone"])
        app.key("1")  # the phone typed here
        panel.tree.focus(by_field["notify_by"])
        panel.tree.selection_set(by_field["notify_by"])
        app.key("space")  # nothing chosen → this workstation's …
        app.key("space")  # … and again → the server's
        assert panel.choices == {"answers.phone": "local", "notify_by": "server"}
        assert panel.tree.set(by_field["notify_by"], "choice") == t.CONFLICT_CHOSEN_SERVER
        app.key("Return")
        app.wait_until(lambda: not local_case(app, case_id)["conflict"], timeout=10, what="resolved in the store")
        app.wait_until(lambda: screen.card_data is not None and not screen.card_data["conflict"], timeout=10,
                       what="the card refreshed")
        assert not screen.conflict.winfo_ismapped()
        assert "расхождение разрешено" in app.shell.notice.text.get()

        after = local_case(app, case_id)
        assert after["answers"]["phone"] == "+79990000002" and after["notify_by"] == "none"
        assert not after["conflict"] and not after["conflict_data"]
        resolve = [(payload, acked) for op, payload, acked in after["outbox"] if op == "resolve"]
        assert len(resolve) == 1
        assert resolve[0][0]["choices"] == {"answers.phone": "+79990000002", "notify_by": "none"}
        # the resolution kicked the worker: the server has the choice and no conflict left
        app.wait_until(lambda: not server_cases(db)[case_id]["conflict"], timeout=20, what="pushed to the server")
        server = server_cases(db)[case_id]["data"]
        assert server["answers"]["phone"] == "+79990000002" and server["notify_by"] == "none"
        other.sync()
        assert other.case(case_id)["answers"]["phone"] == "+79990000002" and not other.case(case_id)["conflict"]
    finally:
        close_store_shell(app)
        other.close()
