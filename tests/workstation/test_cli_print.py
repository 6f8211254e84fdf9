"""`mfc-workstation print NUMBER …`: the store's case, printed with the form version it was filled
with; every print audited; a printer that fails keeps the PDF for later."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from storekit import CATALOG_DIR, accept_new, open_configured

from forms.versions import CatalogLibrary
from workstation.__main__ import main
from workstation.cli.common import Session
from workstation.core import cases, keys
from workstation.core.database import open_store
from workstation.core.models import AuditEntry


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    root = tmp_path / "data"
    library = CatalogLibrary(tmp_path / "catalogs", builtin=CATALOG_DIR)
    monkeypatch.setattr(Session, "catalogs", property(lambda self: library))
    store = open_configured(root)
    number = accept_new(store).number
    store.close()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield run, root, number
    keys.forget_key(root)


def test_application_receipt_and_issuance(printed, tmp_path: Path) -> None:
    run, root, number = printed
    out = tmp_path / "app.pdf"
    code, said, err = run("print", number.replace("-", ""), "--doc", "application", "--out", str(out))
    assert code == 0, err
    assert number in said
    text = text_of(out.read_bytes())
    assert "Соколовой" in text or "Соколова" in text  # form 1П prints the name as typed
    assert number in text

    receipt = tmp_path / "receipt.pdf"
    assert run("print", number, "--doc", "receipt", "--out", str(receipt))[0] == 0
    receipt_text = text_of(receipt.read_bytes())
    assert "РАСПИСКА" in receipt_text and "в получении документов" in receipt_text and number in receipt_text

    code, _, err = run("print", number, "--doc", "issuance", "--out", str(tmp_path / "iss.pdf"))
    assert code == 1 and "ещё не выдан" in err

    store = open_store(root)
    for status in ("sent", "ready", "issued"):
        with store.unit_of_work() as s:
            cases.change_status(s, number, status, actor="ivanova", now=store.now())
    store.close()
    assert run("print", number, "--doc", "issuance", "--out", str(tmp_path / "iss.pdf"))[0] == 0
    assert number in text_of((tmp_path / "iss.pdf").read_bytes())

    store = open_store(root)
    with store.reading() as s:
        printed_docs = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "print"))]
    store.close()
    assert [d["document"] for d in printed_docs] == ["application", "receipt", "issuance"]


def test_unknown_case_and_bad_copies(printed) -> None:
    run, _, _ = printed
    code, _, err = run("print", "0101-001-990101-0042")
    assert code == 1 and "не найдено" in err
    code, _, err = run("print", "0101-001-990101-0042", "--copies", "0")
    assert code == 1 and "не меньше 1" in err


def test_printer_failure_keeps_the_pdf(printed, monkeypatch: pytest.MonkeyPatch) -> None:
    run, root, number = printed
    # No print service runs for this test: CUPS is pointed at a socket nobody listens on.
    monkeypatch.setenv("CUPS_SERVER", str(root / "no-cups.sock"))
    code, _, err = run("print", number, "--doc", "receipt", "--printer", "window-3")
    assert code == 1
    assert "сохранён" in err
    kept = list((root / "pdf").glob(f"{number}-receipt*.pdf"))
    assert kept and kept[0].read_bytes().startswith(b"%PDF")
