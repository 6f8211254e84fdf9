"""The app on the real store (encrypted SQLite, key in the `os_keyring` fixture's keyring) and printing.

Printing goes to a folder, not to CUPS: `open_backends(send=…)` takes the sender, and these tests
pass one that keeps the PDF in the data directory's `pdf/` (tmp) and reports a job as CUPS would.
The rest is real: first-start codes and the argon2 demo account, drafts autosaved through the
`DraftAutosaver`, acceptance by `cases.accept`, the print preview, the PDFs rendered by `printing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uikit import TODAY, FakeClock, Harness

from forms.engine import example_answers

SERVICES = ("passport-rf", "inn-certificate", "criminal-record-certificate")


def folder_sender(sent: list[Path]) -> Any:
    from printing import PrintJob, keep_pdf

    def send(pdf: bytes, folder: Path, name: str, *, printer: str | None = None, title: str = "",
             copies: int = 1) -> PrintJob:
        path = keep_pdf(pdf, folder, name)
        sent.append(path)
        return PrintJob(printer or "folder", "", path, copies)

    return send


def make_store_shell(tk_root: Any, data_dir: Path, catalog: Any, **open_kw: Any) -> Harness:
    import ttkbootstrap as tb

    from workstation.paths import DataPaths
    from workstation.ui.settings import Settings, SettingsFile
    from workstation.ui.shell import Shell
    from workstation.ui.wiring import open_backends

    data = DataPaths(data_dir)
    sent: list[Path] = []
    opened = open_backends(data, catalog=lambda: catalog, send=folder_sender(sent), demo_password="demo2026",
                           **open_kw)
    window = tb.Toplevel(title="Мои Документы (тест, хранилище)", master=tk_root, iconphoto=None)
    window.geometry("1366x768+0+0")
    clock = FakeClock()
    shell = Shell(window, data, opened.backends, SettingsFile(data.settings),
                  settings=Settings(office="0101", window="3"), clock=clock, today=lambda: TODAY)
    harness = Harness(shell, clock)
    harness.opened = opened  # type: ignore[attr-defined]
    harness.sent = sent  # type: ignore[attr-defined]
    harness.wait_until(lambda: shell.current is not None and shell.current.winfo_ismapped(), what="login")
    harness.wait_until(lambda: shell.catalog is not None, timeout=15, what="catalog")
    harness.settle()
    return harness


def close_store_shell(harness: Harness) -> None:
    shell = harness.shell
    unexpected = harness.unexpected()
    if not shell.closed:
        shell.close()
    harness.window.update()
    harness.opened.close()  # type: ignore[attr-defined]
    assert unexpected == [], f"unexpected errors reported: {unexpected}"


@pytest.fixture
def store_app(tk_root: Any, tmp_path: Path, catalog: Any, os_keyring: str) -> Iterator[Harness]:
    harness = make_store_shell(tk_root, tmp_path / "data", catalog)
    yield harness
    close_store_shell(harness)


def _wait_preview(app: Harness) -> Any:
    app.wait_until(lambda: app.shell.preview is not None, timeout=20, what="print preview")
    return app.shell.preview


def _print_from_preview(app: Harness, expect: int) -> None:
    preview = _wait_preview(app)
    preview.update()
    preview.event_generate("<Return>")  # Enter prints everything
    app.wait_until(lambda: len(app.sent) >= expect, timeout=30, what="PDFs printed")  # type: ignore[attr-defined]
    app.settle()


def test_first_start_demo_account_and_codes(store_app: Harness) -> None:
    from workstation.core import device

    app = store_app
    login = app.shell.current
    app.wait_until(lambda: "demo2026" in str(login.demo.cget("text")), what="demo account shown")
    codes = app.opened.worker.call(device.codes, write=False)  # type: ignore[attr-defined]
    assert codes == ("0101", "001")
    digest = app.opened.worker.call(lambda s: device.find_staff(s, "demo").password_hash,  # type: ignore[attr-defined]
                                    write=False)
    assert digest.startswith("$argon2")
    app.login()
    assert app.shell.staff is not None and app.shell.staff.login == "demo"
    assert app.shell.staff.role == "supervisor"
    app.wait_until(lambda: "не подключено к серверу" in str(app.shell.status.connection.cget("text")),
                   what="not enrolled in the status bar")


def accept_example(app: Harness, service_id: str) -> None:
    app.shell.open_service(service_id)
    form = app.shell.current
    assert form.name == "form" and form.service.id == service_id
    form.controller.load(example_answers(form.service))
    form.controller.present_all()
    form.view.refresh_now()
    app.pump()
    app.press("F9")
    app.settle()
    assert app.shell.current.name == "home", [i.text for i in form.controller.result.errors]


def test_full_intake_of_three_services_to_printed_pdfs(store_app: Harness) -> None:
    from workstation.core import cases

    app = store_app
    app.login()
    for n, service_id in enumerate(SERVICES, start=1):
        app.shell.open_service(service_id)
        form = app.shell.current
        assert form.name == "form" and form.service.id == service_id
        form.controller.load(example_answers(form.service))
        form.controller.present_all()
        form.view.refresh_now()
        app.pump()
        app.press("F9")
        app.settle()
        assert app.shell.current.name == "home", [i.text for i in form.controller.result.errors]
        _print_from_preview(app, 2 * n)
        assert app.shell.preview is None
    names = [p.name for p in app.sent]  # type: ignore[attr-defined]
    assert len(names) == 6 and sum("application" in x for x in names) == 3 and sum("receipt" in x for x in names) == 3
    for path in app.sent:  # type: ignore[attr-defined]
        assert path.read_bytes().startswith(b"%PDF") and path.parent == app.shell.data.pdf
    accepted = app.opened.worker.call(lambda s: [c.status for c in cases.list_cases(s)],  # type: ignore[attr-defined]
                                      write=False)
    assert accepted == ["accepted"] * 3
    app.shell.show_home()
    app.settle()
    assert len(app.shell.current.today.rows) == 3


def test_life_situation_prints_one_receipt(store_app: Harness) -> None:
    app = store_app
    app.login()
    situation = next(iter(app.shell.catalog.catalog.situations.values()))
    app.shell.open_situation(situation.id)
    screen = app.shell.current
    shared: dict[str, object] = {}
    for tab in screen.tabs:
        for key, value in example_answers(tab.service).items():
            if key in screen.shared_ids:
                shared.setdefault(key, value)
    screen.shared_controller.load(shared)
    for tab in screen.tabs:
        example = {k: v for k, v in example_answers(tab.service).items() if k not in screen.shared_ids}
        tab.controller.load({**{k: shared.get(k) for k in screen.shared_ids
                                if k in {f.id for f in tab.service.fields}}, **example})
        tab.controller.present_all()
    app.press("F9")
    app.settle()
    assert app.shell.current.name == "home"
    services = len(screen.tabs)
    _print_from_preview(app, services + 1)
    names = [p.name for p in app.sent]  # type: ignore[attr-defined]
    assert sum("application" in x for x in names) == services
    assert sum("receipt" in x for x in names) == 1


CHILD = r"""
import sys
from pathlib import Path

sys.path[:0] = [sys.argv[2]]
from uikit import ui_catalog
from workstation.paths import DataPaths
from workstation.ui.app import create_root
from workstation.ui.ports import StaffInfo
from workstation.ui.settings import Settings, SettingsFile
from workstation.ui.shell import Shell
from workstation.ui.wiring import open_backends

data = DataPaths(Path(sys.argv[1]))
catalog = ui_catalog()
opened = open_backends(data, catalog=lambda: catalog, demo_password="demo2026")
settings = Settings(office="0101", window="3")
root = create_root(settings)
shell = Shell(root, data, opened.backends, SettingsFile(data.settings), settings=settings)
state = {"form": None}


def step():
    if shell.catalog is None:
        root.after(50, step)
        return
    if state["form"] is None:
        shell.login(StaffInfo("demo", "Демонстрационный специалист", "supervisor"))
        shell.open_service("passport-rf")
        form = state["form"] = shell.current
        form.controller.focus_path = "birth_place"
        form.controller.set("applicant.surname", "Соколова")
        form.controller.set("birth_place", "Тверь")
    form = state["form"]
    if form.controller.draft_id and not opened.cases.autosaver.unsaved and not form.autosaver.saving:
        print("SAVED", form.controller.draft_id, flush=True)
        return  # and keep running until killed
    root.after(50, step)


root.after(100, step)
root.mainloop()
"""


def test_draft_recovered_after_the_app_is_killed(tk_root: Any, tmp_path: Path, catalog: Any,
                                                  os_keyring: str) -> None:
    """A child process runs the app on the same Xvfb (DISPLAY) and keyring, types into a form,
    waits for the autosave, and is killed with SIGKILL; the app opened again offers the draft
    on the home screen and reopens it with the cursor where it was."""
    import os
    import signal
    import subprocess
    import sys

    if os_keyring == "memory":
        pytest.skip("an in-memory keyring is not shared with a child process")
    data_dir = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), str(Path(__file__).parent)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        assert child.stdout is not None
        line = child.stdout.readline().decode()
        assert line.startswith("SAVED"), child.stderr.read().decode()[-3000:] if child.stderr else line
        draft_id = line.split()[1]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    app = make_store_shell(tk_root, data_dir, catalog)
    try:
        app.login()
        home = app.shell.current
        assert home.name == "home"
        app.settle()
        app.wait_until(lambda: len(home.drafts.rows) == 1, what="the draft on the home screen")
        assert [r.ref for r in home.drafts.rows.values()] == [draft_id]
        app.wait_until(lambda: app.focused() is home.drafts.tree, what="focus on the drafts")
        app.key("Return")
        app.settle()
        app.wait_until(lambda: app.shell.current.name == "form", what="draft reopened")
        form = app.shell.current
        assert form.view.rows["applicant"].editor.parts["surname"].get() == "Соколова"
        app.wait_until(lambda: app.focused() is form.view.rows["birth_place"].editor.entry,
                       what="cursor back in the field")
    finally:
        close_store_shell(app)


def test_draft_is_kept_in_the_store_and_reopened(store_app: Harness) -> None:
    app = store_app
    app.login()
    app.shell.open_service("passport-rf")
    form = app.shell.current
    form.controller.set("birth_place", "Тверь")
    app.press("F2")
    app.wait_until(lambda: form.controller.draft_id is not None, what="draft saved")
    draft_id = form.controller.draft_id
    app.opened.cases.autosaver.wait(5)  # type: ignore[attr-defined]
    app.shell.show_home()
    app.settle()
    app.opened.cases.autosaver.wait(5)  # type: ignore[attr-defined]
    record = app.opened.cases.load_draft(draft_id)  # type: ignore[attr-defined]
    assert record.answers.get("birth_place") == "Тверь"
    app.shell.open_draft(draft_id)
    app.wait_until(lambda: app.shell.current.name == "form", what="draft reopened")
    assert app.shell.current.controller.get("birth_place") == "Тверь"


def test_scanned_number_opens_the_card_then_issuance_prints_the_slip(store_app: Harness) -> None:
    app = store_app
    app.login()
    accept_example(app, "passport-rf")
    preview = _wait_preview(app)
    preview.event_generate("<Escape>")  # close without printing: the case stays accepted
    app.settle()
    assert app.shell.preview is None and app.sent == []  # type: ignore[attr-defined]
    from workstation.core import cases

    number = app.opened.worker.call(lambda s: cases.list_cases(s)[0].number, write=False)  # type: ignore[attr-defined]
    app.press("F7")
    screen = app.shell.current
    assert screen.name == "cases"
    app.wait_until(lambda: app.focused() is screen.search, what="focus in the search")
    app.type(number.replace("-", ""))  # a scanner types the digits, then Enter
    app.key("Return")
    app.wait_until(lambda: screen.card_data is not None, timeout=10, what="card opened by the number")
    card = screen.card_data
    assert card["number"] == number and card["status"] == "accepted"
    assert [h["to"] for h in card["history"]] == ["accepted"]
    assert {e["action"] for e in card["audit"]} >= {"create", "status", "view"}
    assert [s for s, _l, _r in card["targets"]] == ["sent", "refused", "withdrawn", "returned"]  # a supervisor
    app.press("F9")  # not ready yet
    assert "готовый результат" in app.shell.notice.text.get()
    for status in ("sent", "ready"):
        screen.change_status(status)
        app.wait_until(lambda s=status: screen.card_data["status"] == s, timeout=10, what=status)
    app.press("F9")
    app.wait_until(lambda: screen.card_data["status"] == "issued", timeout=10, what="issued")
    app.wait_until(lambda: len(app.sent) == 1, timeout=20, what="issuance slip")  # type: ignore[attr-defined]
    assert "issuance" in app.sent[0].name  # type: ignore[attr-defined]
    app.settle()
    assert "выдано" in app.shell.notice.text.get()
    assert [h["to"] for h in screen.card_data["history"]] == ["accepted", "sent", "ready", "issued"]
    last = screen.history.item(screen.history.get_children()[-1], "values")
    assert "Результат готов → Выдано" in last
    app.press("Control-p")  # reprint the application and the receipt
    app.wait_until(lambda: len(app.sent) == 3, timeout=20, what="reprint")  # type: ignore[attr-defined]


def test_validation_error_shown_and_corrected_then_accepted_in_the_store(store_app: Harness) -> None:
    from workstation.core import cases

    app = store_app
    app.login()
    app.shell.open_service("passport-rf")
    form = app.shell.current
    answers = example_answers(form.service)
    form.controller.load({**answers, "phone": "91612"})
    form.controller.present_all()
    form.view.refresh_now()
    app.press("F9")
    app.settle()
    assert app.shell.current is form and "исправьте ошибки" in app.shell.notice.text.get()
    phone = form.view.rows["phone"]
    assert phone.message is not None and phone.message.winfo_ismapped()
    app.focus(phone.editor.entry)
    app.key("End")
    app.type("34567")
    app.settle()
    assert not phone.message.winfo_ismapped()
    app.press("F9")
    app.settle()
    assert app.shell.current.name == "home"
    stored = app.opened.worker.call(lambda s: [c.status for c in cases.list_cases(s)],  # type: ignore[attr-defined]
                                    write=False)
    assert stored == ["accepted"]


def test_printer_failure_keeps_the_pdf_and_the_case(store_app: Harness) -> None:
    from printing import PrinterError, keep_pdf
    from workstation.core import cases

    app = store_app

    def broken(pdf: bytes, folder: Path, name: str, **_kw: object) -> object:
        path = keep_pdf(pdf, folder, name)
        raise PrinterError("Принтер «HP-3» не найден.", printer="HP-3", pdf_path=path)

    app.opened.printing._printing.sender = broken  # type: ignore[attr-defined]
    app.login()
    accept_example(app, "inn-certificate")
    _wait_preview(app).event_generate("<Return>")
    app.wait_until(lambda: "Не удалось напечатать" in app.shell.notice.text.get(), timeout=20, what="message")
    text = app.shell.notice.text.get()
    assert "Принтер «HP-3» не найден." in text and "Дело принято и сохранено." in text and ".pdf" in text
    assert not app.unexpected()
    assert len(list(app.shell.data.pdf.glob("*.pdf"))) == 2  # the application and the receipt, kept
    status = app.opened.worker.call(lambda s: cases.list_cases(s)[0].status, write=False)  # type: ignore[attr-defined]
    assert status == "accepted"


def test_lock_unlocks_with_the_stored_password(store_app: Harness) -> None:
    app = store_app
    app.login()
    app.press("Control-l")
    assert app.shell.locked
    lock = app.shell._lock_screen
    app.wait_until(lambda: app.focused() is lock.password_entry, what="focus in the lock screen")
    app.type("nope")
    app.key("Return")
    app.settle()
    assert app.shell.locked
    app.type("demo2026")
    app.key("Return")
    app.settle()
    assert not app.shell.locked


class FakeSyncClient:
    """Stands in for `sync.client.SyncClient` (no server in the UI tests): reports progress, applies
    the pages a test queues through the real `StorePort`, and can be made to fail as offline."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.pages: list[Any] = []
        self.calls = 0
        self.offline = False

    def sync(self, port: Any, progress: Any = None) -> Any:
        from sync.client import Offline, SyncSummary

        self.calls += 1
        if self.offline:
            raise Offline("Нет связи с сервером.")
        if progress is not None:
            progress(0.5)
        with self.lock:
            pages, self.pages = self.pages, []
        if pages:
            port.apply_pages(pages, {})
        return SyncSummary(pulled=sum(len(p.changes) for p in pages))


def test_sync_status_and_a_notice_when_a_case_changes_status(tk_root: Any, tmp_path: Path, catalog: Any,
                                                             os_keyring: str) -> None:
    from sync.protocol import Change, ChangesPage
    from workstation.core import cases, sync_adapter
    from workstation.paths import DataPaths
    from workstation.ui.wiring import open_backends

    data_dir = tmp_path / "data"
    first = open_backends(DataPaths(data_dir), catalog=lambda: catalog, demo_password="demo2026")  # not enrolled
    first.worker.call(lambda s: sync_adapter.save_enrolment(
        s, url="https://sync.example", device_id="dev-1", name="Окно 3", office_code="0101",
        workstation_code="001", epoch="e1", now=first.store.now()))
    first.close()
    client = FakeSyncClient()
    app = make_store_shell(tk_root, data_dir, catalog, sync_client=client, sync_interval=3600)
    try:
        app.login()
        app.wait_until(lambda: client.calls >= 1, timeout=10, what="first sync")
        status = app.shell.status
        app.wait_until(lambda: "В сети" in str(status.connection.cget("text")), timeout=10, what="online")
        accept_example(app, "passport-rf")
        _wait_preview(app).event_generate("<Escape>")
        app.wait_until(lambda: client.calls >= 2, timeout=10, what="a sync kicked by the new case")
        app.wait_until(lambda: not str(status.pending.cget("text")).endswith(" 0"), timeout=10,
                       what="changes waiting to be sent")
        case = app.opened.worker.call(lambda s: cases.case_view(s, cases.list_cases(s)[0]),  # type: ignore[attr-defined]
                                      write=False)
        from sqlalchemy import text

        app.opened.worker.call(  # type: ignore[attr-defined]
            lambda s: s.execute(text("UPDATE outbox SET acked_at = '2026-11-21T09:00:00+00:00'")))
        record = {**case, "status": "ready", "version": case["version"] + 1,
                  "history": [*case["history"], {"from": "accepted", "to": "ready", "at": case["accepted_at"],
                                                 "actor": "server"}]}
        client.pages = [ChangesPage(epoch="e1", cursor="c1", more=False,
                                    changes=[Change(kind="case", id=case["id"], version=record["version"],
                                                    data=record)])]
        app.opened.sync.kick()  # type: ignore[attr-defined]
        app.wait_until(lambda: "Результат готов" in app.shell.notice.text.get(), timeout=10, what="notice")
        assert case["number"] in app.shell.notice.text.get()
        client.offline = True
        app.opened.sync.kick()  # type: ignore[attr-defined]
        app.wait_until(lambda: "Нет связи с сервером" in str(status.connection.cget("text")), timeout=10,
                       what="offline")
    finally:
        close_store_shell(app)
