"""The applicant step on the real store: a person from an earlier case is found in New intake,
chosen, a second service accepted for them — one applicant card with two cases, the changed
phone and passport saved on it (the old passport kept as history)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from test_ui_store import accept_example, close_store_shell, make_store_shell
from uikit import Harness

from forms.engine import example_answers
from forms.model import APPLICANT_FIELDS


def test_an_earlier_applicant_is_found_chosen_and_updated(tk_root: Any, tmp_path: Any, catalog: Any,
                                                         os_keyring: str) -> None:
    from workstation.core import applicants
    from workstation.core.models import Applicant, Case, IdentityDocument

    app: Harness = make_store_shell(tk_root, tmp_path / "data", catalog)
    try:
        app.login()
        accept_example(app, "passport-rf")  # Соколова Анна Викторовна, passport 4500 123456
        app.wait_until(lambda: app.shell.preview is not None, timeout=20, what="print preview")
        app.shell.preview.event_generate("<Escape>")  # not printed now: the case stays accepted
        app.settle()

        app.press("F5")
        step = app.shell.current
        assert step.name == "applicant"
        app.wait_until(lambda: app.focused() is step.search, what="focus in the applicant search")
        app.type("4500 1234")  # passport digits, as read off the document
        app.wait_until(lambda: bool(step.rows), timeout=10, what="the applicant found")
        (row,) = step.rows.values()
        assert row.full_name == "Соколова Анна Викторовна" and row.passport == "•••• ••3456"
        assert row.phone == "+7 (916) 123-45-67"
        app.key("Down")
        app.key("Return")
        app.wait_until(lambda: app.shell.current.name == "picker", timeout=10, what="the service list")
        app.wait_until(lambda: app.focused() is app.shell.current.search, what="focus in the service search")
        app.type("справка о судимости")
        app.key("Return")
        form = app.shell.current
        assert form.name == "form" and form.service.id == "criminal-record-certificate"
        c = form.controller
        assert c.get("applicant.surname") == "Соколова" and c.get("identity.number") == "123456"
        assert form.view.rows["phone"].editor.entry.get() == "+7 (916) 123-45-67"
        # The specialist types a new phone and the new passport over the old ones.
        phone = form.view.rows["phone"].editor.entry
        app.focus(phone)
        phone.selection_range(0, "end")
        app.type("9265554433")
        passport = form.view.rows["identity"].editor.passport
        app.focus(passport)
        passport.selection_range(0, "end")
        app.type("4520000111")
        assert c.get("phone") == "+7 (926) 555-44-33" and c.get("identity.number") == "000111"
        for key, value in example_answers(form.service).items():  # the rest of this application
            if key not in APPLICANT_FIELDS:
                c.set(key, value)
        c.present_all()
        form.view.refresh_now()
        app.pump()
        app.press("F9")
        app.settle()
        assert app.shell.current.name == "home", [i.text for i in c.result.errors]

        def stored(session: Any) -> tuple[int, list[str | None], Any, list[tuple[str | None, bool]]]:
            people = session.scalar(select(func.count()).select_from(Applicant))
            linked = list(session.scalars(select(Case.applicant_id).where(Case.status != "draft")))
            card = applicants.get(session, linked[0])
            docs = session.scalars(select(IdentityDocument).where(IdentityDocument.applicant_id == card.id)
                                   .order_by(IdentityDocument.created_at)).all()
            return people, linked, card.phone, [(d.number, d.current) for d in docs]

        people, linked, phone_now, docs = app.opened.worker.call(stored, write=False)  # type: ignore[attr-defined]
        assert people == 1  # the same person, not a duplicate
        assert len(linked) == 2 and len(set(linked)) == 1  # with both cases
        assert phone_now == "+79265554433"
        assert docs == [("123456", False), ("000111", True)]  # the old passport kept as history
    finally:
        close_store_shell(app)
