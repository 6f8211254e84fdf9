"""`python -m workstation.ui.screenshots [--out docs/screenshots]`: a PNG of every screen.

Runs the real shell on a real store in a throw-away data folder (its key in an in-memory
keyring: nothing is written to the OS keyring), the built-in catalog and printing into that
folder, on the current display (or on its own Xvfb, see `headless.py`), walks through the
screens the way a specialist would and grabs the window after each step. Look at every picture before a
release: cut-off labels, misaligned columns and untranslated words show up here first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SHOTS = (
    "01-login", "02-home", "03-picker-search", "04-picker-not-offered", "05-form-empty", "06-form-remarks",
    "07-form-section-and-documents", "08-form-repeat-group", "09-calendar", "10-situation-shared",
    "11-situation-service", "12-settings", "13-lock", "14-contrast-large", "15-error-notice", "16-print-preview",
    "17-case-card", "18-case-issued", "19-applicant-search", "20-case-conflict", "21-settings-printers",
    "22-contrast-large-home", "23-contrast-large-applicant", "24-contrast-large-settings",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workstation.ui.screenshots")
    parser.add_argument("--out", default="docs/screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger().addHandler(logging.NullHandler())  # the deliberate error of shot 15 is not news
    logging.lastResort = None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from workstation.ui.headless import virtual_display

    with virtual_display() as display:
        saved = take_all(out, display)
    for path in saved:
        print(path)
    return 0


def take_all(out: Path, display: str) -> list[Path]:
    from PIL import ImageGrab

    from forms.engine import example_answers
    from workstation.core.ui_backends import DEMO_OFFICE, DEMO_WORKSTATION
    from workstation.paths import DataPaths
    from workstation.ui import texts as t
    from workstation.ui.app import create_root
    from workstation.ui.demo import sample_catalog
    from workstation.ui.ports import AcceptRequest
    from workstation.ui.screens.preview import preview_after_accept
    from workstation.ui.settings import Settings, SettingsFile
    from workstation.ui.shell import Shell
    from workstation.ui.wiring import open_backends

    _memory_keyring()
    data = DataPaths(Path(tempfile.mkdtemp(prefix="mfc-shots-")))
    settings = Settings(office="0101", window="3", geometry="1366x768+0+0", lock_minutes=0)
    root = create_root(settings)
    the_catalog = sample_catalog()
    opened = open_backends(data, catalog=lambda: the_catalog, send=_to_folder, demo_password="demo2026")
    backends = opened.backends
    shell = Shell(root, data, backends, SettingsFile(data.settings), settings=settings)
    shell.notice.show(t.CODES_CONFIGURED.format(office=DEMO_OFFICE, workstation=DEMO_WORKSTATION), "info")
    saved: list[Path] = []

    def pump(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while True:
            root.update()
            if time.monotonic() >= end:
                break
            time.sleep(0.01)

    def wait(condition: Callable[[], object], timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise RuntimeError("screenshot script: timed out")
            pump(0.05)

    def shot(name: str, window: Any = None) -> None:
        pump(0.5)
        window = window or root
        x, y = window.winfo_rootx(), window.winfo_rooty()
        image = ImageGrab.grab(bbox=(x, y, x + window.winfo_width(), y + window.winfo_height()),
                               xdisplay=display)
        path = out / f"{name}.png"
        image.save(path)
        saved.append(path)

    pump(0.5)
    wait(lambda: shell.catalog is not None or shell.catalog_error is not None)
    login = shell.current
    assert login is not None
    login.login_entry.insert(0, "demo")  # type: ignore[attr-defined]
    shot("01-login")
    shell.notice.hide()

    catalog = shell.catalog.catalog if shell.catalog else None
    assert catalog is not None, shell.catalog_error
    staff = backends.accounts.authenticate("demo", "demo2026")  # type: ignore[attr-defined]
    accepted = []
    for service_id in ("passport-rf", "inn-certificate", "criminal-record-certificate"):
        if service_id in catalog.services:
            service = catalog.services[service_id]
            draft = _draft(shell, service, example_answers(service), present=True)
            try:
                accepted.append(backends.intake.accept(AcceptRequest(draft, "demo", "0101", "3", date.today())))
            except Exception as exc:  # an example the catalog has not made valid yet: leave it out
                print(f"screenshots: {service_id} not accepted: {getattr(exc, 'user_message', exc)}")
    open_draft = _draft(shell, catalog.services["inn-certificate"], {"applicant": {"surname": "Петров",
                                                                                    "name": "Илья"}})
    backends.drafts.save_draft(open_draft)
    shell.login(staff)
    wait(lambda: shell.runner.outstanding() == 0)
    shot("02-home")

    shell.new_intake()  # the applicant step: a person of an earlier case, found by part of the name
    pump()
    step: Any = shell.current
    step.search.type_text("сокол")
    step.run_search()
    wait(lambda: shell.runner.outstanding() == 0 and bool(step.rows))
    shot("19-applicant-search")
    shell.choose_applicant(backends.applicants.card(step.selected().ref))
    pump()
    picker: Any = shell.current
    picker.search.type_text("паспорт")
    shot("03-picker-search")
    picker.search.set_value("")
    picker.run_search()
    if "vehicle-registration" in catalog.services:
        picker.results.selection_set("vehicle-registration")
        picker.results.see("vehicle-registration")
        pump(0.1)
        picker.open_selected()
    shot("04-picker-not-offered")
    shell.notice.hide()
    shell.intake_applicant = None  # the form from here on: a new applicant

    shell.open_service("passport-rf")
    form: Any = shell.current
    shot("05-form-empty")

    rows = form.view.rows
    rows["applicant"].editor.parts["surname"].type_text("Соколова")
    rows["applicant"].editor.parts["name"].type_text("Анна")
    rows["phone"].editor.entry.type_text("916123")
    rows["birth_date"].editor.date.entry.type_text("14032030")
    form.accept()
    pump(0.3)
    form.view.scroll.to_top()
    shot("06-form-remarks")
    shell.notice.hide()

    form.controller.load(example_answers(form.service))
    form.controller.set("reason", "loss")
    form.view.refresh_now()
    pump(0.2)
    form.view.documents.present_all()
    form.view.focus_editor("loss_circumstances")
    pump(0.2)
    form.view.focus_editor("documents.photo-35x45")
    shot("07-form-section-and-documents")

    group = form.view.groups["children"]
    group.add()
    group.add()
    pump(0.2)
    first = form.view.rows["children[0].child"].editor
    first.parts["surname"].type_text("Соколов")
    first.parts["name"].type_text("Илья")
    form.view.focus_editor("children[1].child")
    shot("08-form-repeat-group")

    form.view.focus_editor("birth_date")
    pump(0.2)
    form.view.rows["birth_date"].editor.open_calendar()
    shot("09-calendar")
    popup = form.view.rows["birth_date"].editor.date.popup
    if popup is not None:
        popup.close()

    situation = next((s for s in catalog.situations.values() if len(s.services) >= 3), None)
    if situation is not None:
        shell.open_situation(situation.id)
        screen: Any = shell.current
        parts = screen.shared_view.rows["applicant"].editor.parts
        parts["surname"].type_text("Кузнецова")
        parts["name"].type_text("Мария")
        shot("10-situation-shared")
        screen.select_tab(screen.tabs[0])
        shot("11-situation-service")

    shell.open_settings()
    shot("12-settings")

    shell.show_home()
    shell.lock()
    shot("13-lock")
    shell.unlock()

    shell.apply_settings(type(settings)(**{**shell.settings.to_dict(), "theme": "contrast", "font": "large"}))
    shell.open_service("passport-rf")
    large: Any = shell.current
    large.view.rows["phone"].editor.entry.type_text("916")
    large.controller.touch("phone")
    large.view.refresh_now()
    shot("14-contrast-large")
    shell.show_home()  # the other screens in the same look: nothing may be cut at 1366×768
    pump(0.2)
    shot("22-contrast-large-home")
    shell.new_intake()
    pump()
    step = shell.current
    step.search.set_value("сокол")
    step.run_search()
    wait(lambda: shell.runner.outstanding() == 0 and bool(step.rows))
    shot("23-contrast-large-applicant")
    shell.open_settings()
    pump(0.2)
    shot("24-contrast-large-settings")
    shell.apply_settings(type(settings)(**{**shell.settings.to_dict(), "theme": "light", "font": "normal"}))

    shell.show_home()

    def broken() -> None:
        raise RuntimeError("a deliberate failure for the screenshot")

    root.after(0, broken)
    pump(0.3)
    shot("15-error-notice")
    shell.notice.hide()

    if accepted:
        preview_after_accept(shell, [accepted[0].case_id])
        wait(lambda: shell.preview is not None)
        shot("16-print-preview", shell.preview)
        shell.preview.close()
        cards = backends.cards
        if len(accepted) > 1:
            for status in ("sent", "ready"):
                cards.change_status(accepted[1].case_id, status, actor="demo", role="supervisor")
        shell.open_cases()
        screen = shell.current
        screen.query.set(accepted[0].number)
        screen.run_search(accepted[0].number, open_single=True)
        wait(lambda: screen.card_data is not None)
        shot("17-case-card")
        if len(accepted) > 1:
            screen.open_card(accepted[1].case_id)
            wait(lambda: screen.card_data is not None and screen.card_data["id"] == accepted[1].case_id)
            screen.issue()
            wait(lambda: screen.card_data["status"] == "issued" and shell.runner.outstanding() == 0)
            shot("18-case-issued")
        _conflict(opened, accepted[0].case_id)
        shell.show_home()
        wait(lambda: shell.runner.outstanding() == 0)
        home: Any = shell.current
        wait(lambda: bool(home.conflicts.rows))
        shell.open_cases(accepted[0].number)
        screen = shell.current
        wait(lambda: screen.card_data is not None and screen.card_data["id"] == accepted[0].case_id
             and bool(screen.card_data.get("conflicts")))
        panel = screen.conflict
        first = panel.tree.get_children()[0]
        panel.choose(panel.rows[first]["path"], "local")
        shot("20-case-conflict")
    from printing import Printer

    opened.printing.lister = lambda: [Printer("HP-LaserJet-M404", default=True), Printer("Kyocera-FS-1040"),
                                      Printer("Canon-iR-2425", enabled=False)]
    shell.open_settings()
    settings_screen: Any = shell.current
    wait(lambda: settings_screen.printers is not None)
    settings_screen.choose_printer("HP-LaserJet-M404")
    shot("21-settings-printers")
    shell.close()
    opened.close()
    return saved


def _conflict(opened: Any, case_id: str) -> None:
    """A conflict as a pull from the server leaves it (docs/sync.md «Conflicts»): the phone and the
    notification changed at another window after this one had changed them too."""
    from sqlalchemy import update

    from workstation.core.models import Case

    data = {"answers.phone": {"server": {"value": "+79035550101", "version": 3, "device": "ws-5"},
                              "proposed": [{"value": "+79161234567", "device": None, "seq": 4}]},
            "notify_by": {"server": {"value": "email", "version": 3, "device": "ws-5"},
                          "proposed": [{"value": "sms", "device": None, "seq": 4}]}}
    opened.worker.call(lambda s: s.execute(update(Case).where(Case.id == case_id).values(
        conflict=True, conflict_data=data)))


def _memory_keyring() -> None:
    """The store's key for this throw-away folder lives in memory only."""
    import keyring
    import keyring.backend

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())


def _to_folder(pdf: bytes, folder: Path, name: str, *, printer: str | None = None, title: str = "",
               copies: int = 1) -> Any:
    """Printing for the screenshots: the PDF is kept in the data folder, no printer is asked."""
    from printing import PrintJob, keep_pdf

    return PrintJob(printer or "folder", "", keep_pdf(pdf, folder, name), copies)


def _draft(shell: Any, service: Any, answers: dict[str, Any], present: bool = False) -> Any:
    from workstation.ui.form.controller import FormController

    controller = FormController(service, shell.catalog.catalog, today=date.today())
    controller.load(answers)
    if present:
        controller.present_all()
    return controller.draft(staff_login="demo")


if __name__ == "__main__":
    sys.exit(main())
