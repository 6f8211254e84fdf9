"""The printer chooser in Settings against a real CUPS scheduler (the private cupsd of
tests/printing/test_print_cups.py, its queues made with lpadmin): the list as `printing.list_printers()`
gives it through the real path (`CUPS_SERVER` points at the private scheduler), the default marked,
«Сохранить в PDF (без печати)», the refresh button; the choice saved in the settings and the store.
Skipped where that scheduler cannot run (see test_print_cups.py); the demo-backend test below then
still covers the screen with a list injected."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_store import _wait_preview, accept_example, close_store_shell, make_store_shell
from uikit import Harness

_PRINTING_TESTS = str(Path(__file__).resolve().parents[1] / "printing")
if _PRINTING_TESTS not in sys.path:
    sys.path.insert(0, _PRINTING_TESTS)

from test_print_cups import LPADMIN, PPDS, QUEUE, _missing, cups  # noqa: E402, F401  (`cups`: the fixture)

SECOND = "mfc-test-second"


@pytest.fixture
def store_app(tk_root: Any, tmp_path: Path, catalog: Any, os_keyring: str) -> Iterator[Harness]:
    harness = make_store_shell(tk_root, tmp_path / "data", catalog)
    yield harness
    close_store_shell(harness)


@pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
def test_printer_chooser_lists_the_cups_queues(store_app: Harness, cups: Any,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from workstation.ui import texts as t
    from workstation.ui.ports import PDF_ONLY

    cups.admin(LPADMIN, "-p", SECOND, "-v", "cups-pdf:/", "-P", str(PPDS[0]), "-E")
    cups.admin(LPADMIN, "-d", SECOND)  # the system default
    monkeypatch.setenv("CUPS_SERVER", cups.socket)
    app = store_app
    app.login()
    app.press("F12")
    screen = app.shell.current
    app.wait_until(lambda: screen.printers is not None, timeout=20, what="the printer list")
    assert screen.printers_note.cget("text") == t.SETTINGS_PRINTERS_FOUND.format(n=2)
    labels = list(screen.printer.cget("values"))
    assert screen.printer_values == ["", SECOND, QUEUE, PDF_ONLY]  # the default first
    assert labels == [t.SETTINGS_PRINTER_SYSTEM, f"{SECOND} (по умолчанию)", QUEUE, t.SETTINGS_PRINTER_PDF]
    # a queue added meanwhile shows after «Обновить список»
    cups.admin(LPADMIN, "-p", "mfc-test-third", "-v", "cups-pdf:/", "-P", str(PPDS[0]), "-E")
    screen.refresh_button.invoke()
    app.wait_until(lambda: "mfc-test-third" in screen.printer_values, timeout=20, what="refreshed list")
    screen.choose_printer(QUEUE)
    app.press("F2")
    app.settle()
    assert app.shell.settings.printer == QUEUE
    assert app.opened.cases.printer() == QUEUE  # type: ignore[attr-defined]  # the store's Setting, for the CLI
    # «Сохранить в PDF (без печати)»: the papers are kept, nothing goes to a printer
    app.press("F12")
    screen = app.shell.current
    app.wait_until(lambda: PDF_ONLY in screen.printer_values and screen.printers is not None, timeout=20,
                   what="list")
    screen.choose_printer(PDF_ONLY)
    app.press("F2")
    app.settle()
    assert app.shell.settings.printer == PDF_ONLY and app.opened.cases.printer() == ""  # type: ignore[attr-defined]
    accept_example(app, "passport-rf")
    _wait_preview(app).event_generate("<Return>")
    app.wait_until(lambda: len(list(app.shell.data.pdf.glob("*.pdf"))) == 2, timeout=20, what="PDFs kept")
    assert app.sent == []  # type: ignore[attr-defined]  # the sender (the printer) was never called


def test_printer_chooser_with_a_list_injected(logged_in: Harness) -> None:
    """No store, no CUPS: the demo printing port's list function is replaced; a failing list says why."""
    from printing import PrinterError
    from workstation.ui import texts as t
    from workstation.ui.ports import PrinterChoice

    app = logged_in
    calls: list[str] = []

    def lister() -> list[PrinterChoice]:
        import threading

        calls.append(threading.current_thread().name)
        return [PrinterChoice("HP-3", default=True), PrinterChoice("Kyocera", ready=False)]

    app.shell.backends.printing.lister = lister  # type: ignore[attr-defined]
    app.press("F12")
    screen = app.shell.current
    app.wait_until(lambda: screen.printers is not None, what="list")
    assert calls and calls[0] != "MainThread"  # fetched on a worker lane, never on the Tk thread
    assert list(screen.printer.cget("values")) == [t.SETTINGS_PRINTER_SYSTEM, "HP-3 (по умолчанию)",
                                                   "Kyocera (не готов)", t.SETTINGS_PRINTER_PDF]

    def broken() -> list[PrinterChoice]:
        raise PrinterError("Система печати не отвечает.")

    app.shell.backends.printing.lister = broken  # type: ignore[attr-defined]
    screen.refresh_button.invoke()
    app.settle()
    assert "Система печати не отвечает" in screen.printers_note.cget("text")
