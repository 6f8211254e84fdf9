"""Role limits (workstation/core/roles.py) on the real store: every refusal in the UI and again in
the core service the UI calls (a hidden button is not the rule), every allowance; and the device's
codes as the one source of the office and workstation shown (status bar, Settings, settings file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_store import _wait_preview, accept_example, close_store_shell, make_store_shell
from uikit import Harness

from workstation.core import roles

NAMES = {"spec": ("Смирнова Ольга Игоревна", "specialist"), "field": ("Полевой Пётр Петрович", "field_specialist"),
         "admin": ("Админов Антон Андреевич", "administrator"), "demo": ("", "supervisor")}


@pytest.fixture
def store_app(tk_root: Any, tmp_path: Path, catalog: Any, os_keyring: str) -> Iterator[Harness]:
    from workstation.core import device

    harness = make_store_shell(tk_root, tmp_path / "data", catalog)
    worker = harness.opened.worker  # type: ignore[attr-defined]
    for login, (name, role) in NAMES.items():
        if login != "demo":
            worker.call(lambda s, lo=login, n=name, r=role: device.add_staff(
                s, login=lo, full_name=n, role=r, password_hash=None, office_code="0101", now=worker.store.now()))
    yield harness
    close_store_shell(harness)


def as_staff(app: Harness, login: str) -> None:
    from workstation.ui.ports import StaffInfo

    name, role = NAMES[login]
    app.shell.login(StaffInfo(login, name or "Демонстрационный специалист", role, roles.POSITIONS[role]))
    app.settle()


def accept_as(app: Harness, login: str, service_id: str = "passport-rf") -> dict[str, Any]:
    from workstation.core import cases

    as_staff(app, login)
    accept_example(app, service_id)
    _wait_preview(app).event_generate("<Escape>")
    app.settle()
    worker = app.opened.worker  # type: ignore[attr-defined]
    return worker.call(lambda s: cases.case_view(s, cases.list_cases(s)[0]), write=False)  # type: ignore[no-any-return]


def draft(login: str) -> Any:
    from workstation.ui.ports import DraftRecord

    return DraftRecord(service_id="passport-rf", form_version="1", catalog_version="", answers={},
                       staff_login=login)


def test_intake_window_home_visit_and_none_for_the_administrator(store_app: Harness) -> None:
    from workstation.ui import texts as t
    from workstation.ui.ports import AcceptRequest

    app = store_app
    store = app.opened.cases  # type: ignore[attr-defined]
    # the administrator: F5 refused in the UI with the reason, and by the store
    as_staff(app, "admin")
    app.press("F5")
    assert app.shell.current.name == "home"
    assert t.ROLE_NO_INTAKE.format(role="администратор") in app.shell.notice.text.get()
    app.shell.open_service("passport-rf")
    assert app.shell.current.name == "home"
    with pytest.raises(roles.RoleRefused, match=r"Приём заявлений в окне недоступен для вашей роли \(администратор\)"):
        store.save_draft(draft("admin"))
    # a specialist takes applications at the window …
    window_case = accept_as(app, "spec")
    assert window_case["channel"] == "window" and window_case["specialist"] == "spec"
    # … a field specialist on a home visit: the channel follows the role
    home_case = accept_as(app, "field", "inn-certificate")
    assert home_case["channel"] == "home_visit" and home_case["specialist"] == "field"
    # a home-visit draft is not accepted at the window by a specialist (the store checks the channel)
    draft_id = store.save_draft(draft("field"))
    store.autosaver.wait(5)
    request = AcceptRequest(store.load_draft(draft_id), "spec", "0101", "001", app.shell.today())
    with pytest.raises(roles.RoleRefused, match="на дому доступен только выездному специалисту"):
        store.accept(request)
    with pytest.raises(roles.RoleRefused):
        roles.require_intake("specialist", "home_visit")
    roles.require_intake("supervisor", "home_visit")  # a supervisor may do both
    roles.require_intake("supervisor", "window")


def test_status_changes_issuance_office_and_conflicts_by_role(store_app: Harness) -> None:
    from sqlalchemy import text

    from workstation.core.errors import TransitionRefused
    from workstation.ui import texts as t

    app = store_app
    case = accept_as(app, "spec")
    cards = app.opened.backends.cards  # type: ignore[attr-defined]
    worker = app.opened.worker  # type: ignore[attr-defined]
    # the administrator sees the card without status changes, and the store refuses one
    card = cards.card(case["number"], actor="admin", role="administrator")
    assert card["targets"] == [] and not card["may_resolve"]
    with pytest.raises(TransitionRefused, match="Вашей роли не разрешено"):
        cards.change_status(case["id"], "sent", actor="admin", role="administrator")
    as_staff(app, "admin")
    app.shell.open_cases(case["number"])
    screen = app.shell.current
    app.wait_until(lambda: screen.card_data is not None, timeout=10, what="card")
    assert any(w.cget("text") == t.CASE_NO_CHANGES for w in screen.changes.winfo_children())
    # a specialist may send it on; the card names the specialist in full, not by the login
    card = cards.card(case["number"], actor="spec", role="specialist")
    assert [s for s, _l, _r in card["targets"]] == ["sent", "withdrawn"]
    assert card["specialist_name"] == "Смирнова Ольга Игоревна"
    assert "Специалист: Смирнова Ольга Игоревна" in screen.card_fields.cget("text")
    cards.change_status(case["id"], "sent", actor="spec", role="specialist")
    cards.change_status(case["id"], "ready", actor="demo", role="supervisor")
    # a result is issued only at the case's office: this one came from office 0202
    worker.call(lambda s: s.execute(text("UPDATE cases SET office_code = '0202' WHERE id = :i"), {"i": case["id"]}))
    with pytest.raises(roles.RoleRefused, match="результат выдаётся там же"):
        cards.change_status(case["id"], "issued", actor="spec", role="specialist")
    as_staff(app, "spec")
    app.shell.open_cases(case["number"])
    screen = app.shell.current
    app.wait_until(lambda: screen.card_data is not None and screen.card_data["status"] == "ready", timeout=10,
                   what="card")
    app.press("F9")
    assert t.ISSUE_OTHER_OFFICE.format(office="0202") in app.shell.notice.text.get()
    worker.call(lambda s: s.execute(text("UPDATE cases SET office_code = '0101' WHERE id = :i"), {"i": case["id"]}))
    cards.change_status(case["id"], "issued", actor="spec", role="specialist")  # at its own office: issued
    # a conflict: the administrator may not resolve it (the store says so); the panel is disabled
    worker.call(lambda s: s.execute(text(
        "UPDATE cases SET conflict = 1, conflict_data = :d WHERE id = :i"),
        {"i": case["id"], "d": '{"notify_by": {"server": {"value": "sms"}, "proposed": [{"value": "email"}]}}'}))
    with pytest.raises(roles.RoleRefused, match="Разрешать расхождения версий"):
        cards.resolve_conflict(case["id"], {"notify_by": "local"}, actor="admin", role="administrator")
    as_staff(app, "admin")
    app.shell.open_cases(case["number"])
    screen = app.shell.current
    app.wait_until(lambda: screen.card_data is not None and screen.conflict.winfo_ismapped(), timeout=10,
                   what="conflict shown")
    assert str(screen.conflict.save_button.cget("state")) == "disabled"
    assert screen.conflict.message.cget("text") == t.CONFLICT_NOT_YOURS
    cards.resolve_conflict(case["id"], {"notify_by": "local"}, actor="field", role="field_specialist")  # allowed
    assert worker.call(lambda s: s.execute(text("SELECT notify_by, conflict FROM cases WHERE id = :i"),
                                           {"i": case["id"]}).one(), write=False) == ("email", 0)


def test_device_codes_are_the_one_source_and_only_an_administrator_changes_them(store_app: Harness) -> None:
    from workstation.core import device, sync_adapter
    from workstation.core.ui_backends import CODES_BY_SERVER
    from workstation.ui import texts as t

    app = store_app
    worker = app.opened.worker  # type: ignore[attr-defined]
    port = app.opened.backends.device  # type: ignore[attr-defined]
    # the settings file said «window 3»; the status bar shows the store's codes, and the file follows
    app.wait_until(lambda: app.shell.device is not None, what="device identity")
    office = app.shell.catalog.catalog.offices["0101"].name
    assert app.shell.status.office.cget("text") == t.STATUS_OFFICE.format(office=office, window="001")
    assert app.shell.settings_file.load()[0].window == "001"
    # a specialist: the codes are shown, not editable; the store refuses too
    as_staff(app, "spec")
    app.press("F12")
    screen = app.shell.current
    assert str(screen.office.cget("state")) == "disabled" and str(screen.window_entry.cget("state")) == "disabled"
    assert screen.codes_hint.cget("text") == t.SETTINGS_CODES_ADMIN
    with pytest.raises(roles.RoleRefused, match="только администратор"):
        port.set_codes("0201", "007", role="specialist")
    # the administrator, no case numbered yet: changed in Settings, in the store, in the status bar
    as_staff(app, "admin")
    app.press("F12")
    screen = app.shell.current
    assert screen.codes_editable
    screen.office.current(screen.office_ids.index("0201"))
    screen.window_entry.delete(0, "end")
    screen.window_entry.insert(0, "007")
    app.press("F2")
    app.settle()
    assert app.shell.current.name == "home"
    assert worker.call(device.codes, write=False) == ("0201", "007")
    flagship = app.shell.catalog.catalog.offices["0201"].name
    assert app.shell.status.office.cget("text") == t.STATUS_OFFICE.format(office=flagship, window="007")
    # once a case carries the codes they stay
    case = accept_as(app, "spec")
    assert case["number"].startswith("0201-007-")
    with pytest.raises(roles.RoleRefused, match="уже приняты дела"):
        port.set_codes("0101", "001", role="administrator")
    as_staff(app, "admin")
    app.press("F12")
    app.settle()  # Settings asks the store again when it opens
    screen = app.shell.current
    assert not screen.codes_editable and "уже приняты дела" in screen.codes_hint.cget("text")
    app.press("Escape")
    # enrolled with a server: the server assigned them
    worker.call(lambda s: sync_adapter.save_enrolment(s, url="https://sync.example", device_id="d", name="n",
                                                      office_code="0201", workstation_code="007", epoch="e",
                                                      now=worker.store.now()))
    assert port.identity().locked_reason == CODES_BY_SERVER
