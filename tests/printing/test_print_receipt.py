"""The receipt for documents: two copies, the barcodes, the documents table, a bundle on one receipt."""

from __future__ import annotations

from dataclasses import replace

import pytest
from printkit import page_sizes_mm, page_texts, pdf_text, read_codes

from printing import PresentedDocument, render_receipt
from printing.examples import example_bundle, example_case
from printing.values import format_date


def test_receipt_text(catalog):
    case = example_case(catalog, "passport-rf", number="0101-2026-000555")
    pdf = render_receipt(catalog, [case])
    text = pdf_text(pdf)
    assert "РАСПИСКА" in text and "в получении документов" in text
    assert "№ 0101-2026-000555" in text
    assert "20.11.2026 10:15" in text
    assert "Соколова Анна Викторовна" in text
    assert catalog.services["passport-rf"].title in text
    assert format_date(case.due_date) in text
    assert "(срок — 5 рабочих дней)" in text
    assert "SMS на номер +7 (916) 123-45-67" in text
    assert "300,00 руб." in text
    assert "Петрова М. С." in text and "Соколова А. В." in text


def test_documents_table_rows(catalog):
    case = example_case(catalog, "passport-rf")
    case = replace(case, documents=(
        PresentedDocument("old-passport", originals=1, originals_sheets=10),
        PresentedDocument("photo-35x45", originals=2, originals_sheets=1),
        PresentedDocument("marriage-certificate", originals=1, originals_sheets=1, copies=1, copies_sheets=1),
        PresentedDocument("x-other", copies=3, copies_sheets=7, title="Справка с места работы"),
    ))
    text = pdf_text(render_receipt(catalog, [case]))
    assert "Подлинники" in text and "Копии" in text and "листов" in text
    assert "1 Паспорт, подлежащий замене 1 10 — —" in text
    assert "2 Фотография 35×45 мм 2 1 — —" in text
    assert "3 Свидетельство о заключении брака 1 1 1 1" in text
    assert "4 Справка с места работы — — 3 7" in text
    assert "Итого 4 12 4 8" in text


def test_two_copies_on_one_sheet(catalog):
    pdf = render_receipt(catalog, [example_case(catalog, "passport-rf")])
    assert page_sizes_mm(pdf) == [(210, 297)]
    text = pdf_text(pdf)
    assert "Экземпляр заявителя" in text and "Экземпляр центра госуслуг" in text
    assert text.count("РАСПИСКА") == 2
    assert "линия отреза" in text


def test_qr_and_code128_decode_to_the_case_number(catalog):
    number = "0101-2026-004242"
    pdf = render_receipt(catalog, [example_case(catalog, "passport-rf", number=number)])
    codes = read_codes(pdf)
    formats = sorted(f for f, _ in codes)
    assert formats.count("QR Code") == 2, codes  # one per copy
    assert formats.count("Code 128") == 2, codes
    assert {text for _, text in codes} == {number}


def test_what_the_centre_requests_itself(catalog):
    service_id = next(
        (s.id for s in catalog.services.values() if any(d.by_request and d.when is None for d in s.documents)),
        None,
    )
    if service_id is None:
        pytest.skip("no service in the catalog has an unconditional by_request document")
    service = catalog.services[service_id]
    case = example_case(catalog, service_id)
    text = pdf_text(render_receipt(catalog, [case])).replace("\n", " ")
    assert "запросит самостоятельно" in text
    for req in service.documents:
        if req.by_request and req.when is None:
            assert catalog.documents[req.doc].name.split(" (")[0] in text


def test_a_bundle_gets_one_receipt_listing_every_service(catalog):
    ids = [s for s in ("passport-rf", "ndfl-3", "inn-certificate", "egrn-extract") if s in catalog.services]
    cases = example_bundle(catalog, ids, title="Я оплачиваю налоги")
    pdf = render_receipt(catalog, cases)
    text = pdf_text(pdf).replace("\n", " ")
    assert "жизненная ситуация «Я оплачиваю налоги»" in text
    for case in cases:
        assert case.number in text
        assert case.applicant.full in text
        if case.due_date:
            assert format_date(case.due_date) in text
    for service_id in ids:
        title = catalog.services[service_id].title
        assert " ".join(title.split()[:3]) in text
    assert "Экземпляр заявителя" in text and "Экземпляр центра госуслуг" in text
    codes = read_codes(pdf)
    assert {text for _, text in codes} == {cases[0].number}


def test_a_long_receipt_takes_a_page_per_copy(catalog):
    case = example_case(catalog, "passport-rf")
    docs = tuple(PresentedDocument("generic-attachment", copies=1, copies_sheets=n, title=f"Документ № {n}")
                 for n in range(1, 25))
    pdf = render_receipt(catalog, [replace(case, documents=docs)])
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert "Экземпляр заявителя" in pages[0]
    assert any("Экземпляр центра госуслуг" in p for p in pages[1:])
    text = pdf_text(pdf)
    assert text.count("Документ № 24") == 2
    assert "None" not in text


def test_no_cases_no_receipt(catalog):
    with pytest.raises(ValueError):
        render_receipt(catalog, [])
