"""The printer module without a scheduler: kept files, parsing, and a printing system that is
missing or not running (the real queue is in test_print_cups.py)."""

from __future__ import annotations

import shutil

import pytest

from printing import PrinterError, keep_pdf, list_printers, send_to_printer
from printing.printers import parse_cups, parse_windows

PDF = b"%PDF-1.4\n%test\n"


def test_keep_pdf_never_overwrites(tmp_path):
    first = keep_pdf(PDF, tmp_path / "prints", "0101-2026-000123 заявление")
    second = keep_pdf(PDF + b"2", tmp_path / "prints", "0101-2026-000123 заявление")
    assert first.name == "0101-2026-000123_заявление.pdf"
    assert second.name == "0101-2026-000123_заявление-2.pdf"
    assert first.read_bytes() == PDF and second.read_bytes() == PDF + b"2"
    assert not list((tmp_path / "prints").glob("*.tmp"))


def test_parse_cups_states():
    states = (
        "printer office is idle.  enabled since Sat Nov 21 07:38:14 2026\n"
        "printer hall disabled since Sat Nov 21 07:38:29 2026 -\n\tPaused\n"
        "printer busy now printing busy-7.  enabled since Sat Nov 21 07:40:00 2026\n"
    )
    accepting = ("office accepting requests since Sat Nov 21 2026\n"
                 "hall accepting requests since Sat Nov 21 2026\n"
                 "busy not accepting requests since Sat Nov 21 2026 -\n\tRejecting Jobs\n")
    printers = {p.name: p for p in parse_cups(states, accepting, "system default destination: office\n")}
    assert printers["office"].default and printers["office"].enabled and printers["office"].accepting
    assert not printers["hall"].enabled
    assert printers["busy"].enabled and not printers["busy"].accepting
    assert not printers["hall"].default


def test_parse_windows_printers():
    one = '{"Name":"HP LaserJet","Default":true,"WorkOffline":false,"PrinterStatus":3}'
    many = ('[{"Name":"HP LaserJet","Default":true,"WorkOffline":false,"PrinterStatus":3},'
            '{"Name":"Kyocera","Default":false,"WorkOffline":true,"PrinterStatus":7}]')
    assert parse_windows(one)[0].default
    printers = parse_windows(many)
    assert [p.name for p in printers] == ["HP LaserJet", "Kyocera"]
    assert not printers[1].enabled
    assert parse_windows("") == []


@pytest.mark.skipif(shutil.which("lpstat") is None, reason="the CUPS clients are not installed (cups-client)")
def test_scheduler_not_running(tmp_path):
    with pytest.raises(PrinterError, match="Служба печати не отвечает") as caught:
        send_to_printer(PDF, tmp_path, "receipt", printer="office", server=str(tmp_path / "no.sock"))
    assert caught.value.pdf_path == tmp_path / "receipt.pdf"
    assert caught.value.pdf_path.read_bytes() == PDF


def test_printing_system_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrinterError, match="Система печати не найдена"):
        list_printers()
