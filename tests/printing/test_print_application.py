"""The application: what it says (text extracted with pypdf) and that nothing leaves the page."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from printkit import (
    builtin_service_ids,
    catalog_with,
    char_boxes,
    page_sizes_mm,
    page_texts,
    pdf_text,
)

from printing import PersonName, VersionMismatch, render_application
from printing.application import layout_application
from printing.examples import example_case
from printing.layout import A4_SPEC, A5_SPEC

NUMBER = "0101-2026-000777"

LONG_SERVICE = """\
id: long-text
version: 3
title: Обращение с подробным описанием
short_title: Обращение
subject: о рассмотрении обращения
agency: generic
keywords: [обращение]
layout: standard
deadline:
  working_days: 10
notification: [sms, email]
sections:
  - id: who
    title: Сведения о заявителе
    fields:
      - {id: applicant, kind: person, label: "Фамилия, имя, отчество", required: true}
      - {id: phone, kind: phone, label: Контактный телефон}
      - {id: note, kind: text, label: Примечание}
  - id: what
    title: Суть обращения
    fields:
      - {id: kind, kind: choice, label: Вид обращения, required: true,
         options: [{value: complaint, label: жалоба}, {value: proposal, label: предложение}]}
      - {id: details, kind: textarea, label: Изложение обращения, required: true}
      - {id: secret, kind: text, label: Сведения только для жалобы, visible_if: "kind == 'complaint'"}
example:
  applicant: {surname: Ким, name: Саша, patronymic: ""}
  kind: proposal
  details: Предлагаю продлить часы работы.
"""


@pytest.fixture(scope="module")
def long_catalog():
    return catalog_with({"services/long-text.yaml": LONG_SERVICE})


def test_application_says_who_what_and_to_whom(catalog):
    case = example_case(catalog, "ndfl-3", number=NUMBER)
    text = pdf_text(render_application(catalog, case))
    agency = catalog.agencies[catalog.services["ndfl-3"].agency]
    assert f"В {agency.addressee}" in text
    assert "от Смирнова Алексея Николаевича" in text  # the genitive of «Смирнов Алексей Николаевич»
    assert "ЗАЯВЛЕНИЕ" in text
    assert catalog.services["ndfl-3"].subject in text.replace("\n", " ")
    assert NUMBER in text
    assert "Смирнов А. Н." in text  # «расшифровка» under the signature
    assert "Об ответственности за достоверность" in text
    assert "152-ФЗ" in text
    assert "«20» ноября 2026 г." in text
    assert "Петрова М. С." in text and "ведущий специалист" in text


def test_sections_are_numbered_and_choices_ticked(catalog):
    case = example_case(catalog, "ndfl-3")
    text = pdf_text(render_application(catalog, case))
    service = catalog.services["ndfl-3"]
    for n, section in enumerate(service.sections, start=1):
        assert f"{n}. {section.title}" in text
    assert "(нужное отметить)" in text
    assert "☒ получение налоговых вычетов" in text
    assert "☐ декларирование доходов" in text


def test_presented_documents_are_listed(catalog):
    case = example_case(catalog, "ndfl-3")
    text = pdf_text(render_application(catalog, case)).replace("\n", " ")
    assert "К заявлению прилагаю:" in text
    for doc in case.documents:
        assert catalog.documents[doc.doc].name.split(" (")[0] in text


@pytest.mark.parametrize("service_id", builtin_service_ids())
def test_every_service_prints_its_example(catalog, service_id):
    case = example_case(catalog, service_id)
    pdf = render_application(catalog, case)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert "None" not in text
    assert case.number in text
    service = catalog.services[service_id]
    expected = A5_SPEC if service.layout == "a5-card" else A4_SPEC
    size = (round(expected.width / 72 * 25.4), round(expected.height / 72 * 25.4))
    assert set(page_sizes_mm(pdf)) == {size}
    _assert_inside_margins(pdf, expected)


def test_hidden_fields_and_sections_are_not_printed(catalog):
    case = example_case(catalog, "passport-rf")  # reason: age45
    text = pdf_text(render_application(catalog, case))
    assert "Обстоятельства утраты" not in text  # visible only when the passport was lost
    assert "Документ о перемене имени" not in text
    assert "Паспорт, подлежащий замене" in text

    lost = dict(case.answers, reason="loss", loss_circumstances="Утерян в метро 1 ноября 2026 года")
    lost.pop("identity")
    text = pdf_text(render_application(catalog, replace(case, answers=lost)))
    assert "Обстоятельства утраты" in text
    assert "Утерян в метро" in text
    assert "☒ утрата (похищение) паспорта" in text


def test_a5_card_for_form_1p(catalog):
    case = example_case(catalog, "passport-rf")
    pdf = render_application(catalog, case)
    assert set(page_sizes_mm(pdf)) == {(148, 210)}
    first = page_texts(pdf)[0]
    assert "Форма № 1П" in first
    assert "Место" in first and "фотографии" in first
    for line in ("1. Фамилия Соколова", "2. Имя Анна", "3. Отчество Викторовна"):
        assert line in first
    assert "☒ женский" in first
    assert "Заполняется должностным лицом" in pdf_text(pdf)


def test_empty_optional_field_prints_a_blank_line_never_none(long_catalog):
    case = example_case(long_catalog, "long-text")
    text = pdf_text(render_application(long_catalog, case))
    assert "Примечание" in text  # printed with a blank line to fill in
    assert "None" not in text
    assert "Контактный телефон" in text
    assert "Сведения только для жалобы" not in text  # hidden: kind is a proposal


def test_sex_is_detected_when_the_form_has_none(long_catalog):
    case = example_case(long_catalog, "long-text", answers={
        "applicant": {"surname": "Смирнова", "name": "Ольга", "patronymic": "Игоревна"},
        "kind": "proposal", "details": "Текст",
    })
    assert case.applicant.sex is None
    text = pdf_text(render_application(long_catalog, case))
    assert "от Смирновой Ольги Игоревны" in text


def test_long_text_flows_onto_more_pages_inside_the_margins(long_catalog):
    sentence = "Прошу рассмотреть предложение о продлении часов работы центра госуслуг в выходные дни. "
    details = sentence * 60 + "\n\n" + "ОченьДлинноеСловоБезПробелов" * 12 + "\nКОНЕЦ ИЗЛОЖЕНИЯ"
    case = example_case(long_catalog, "long-text", answers={
        "applicant": {"surname": "Ким", "name": "Саша"}, "kind": "proposal", "details": details,
    })
    pdf = render_application(long_catalog, case)
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert "Лист 2 из" in pages[1]
    # Every word of the text is there, in order, across the pages (the footers come between).
    text = pdf_text(pdf)
    at = 0
    for word in details.split():
        found = text.find(word, at)
        if found < 0:  # a word broken between lines for being wider than the line
            found = "".join(text[at:].split()).find(word)
            assert found >= 0, f"«{word}» is missing after position {at}"
            continue
        at = found + len(word)
    _assert_inside_margins(pdf, A4_SPEC)


def test_old_case_prints_with_its_own_form(catalog):
    old = catalog_with(
        {"catalog.yaml": 'version: "2025.01.1"\ntitle: Каталог прошлого года\n'},
        edit={"services/passport-rf.yaml": ("label: Место рождения\n", "label: Место рождения (по старой форме)\n")},
    )
    case = example_case(old, "passport-rf", accepted_at=datetime(2026, 1, 15, 9, 0))
    assert case.catalog_version == "2025.01.1"
    text = pdf_text(render_application(old, case))
    assert "Место рождения (по старой форме)" in text
    with pytest.raises(VersionMismatch, match=r"2025\.01\.1"):
        render_application(catalog, case)
    new_text = pdf_text(render_application(catalog, replace(case, catalog_version=catalog.version)))
    assert "по старой форме" not in new_text


def test_form_version_mismatch_is_refused(catalog):
    case = replace(example_case(catalog, "passport-rf"), form_version="passport-rf@99")
    with pytest.raises(VersionMismatch, match=r"passport-rf@99"):
        render_application(catalog, case)


def test_same_case_same_bytes(catalog):
    case = example_case(catalog, "passport-rf")
    assert render_application(catalog, case) == render_application(catalog, case)


def test_layout_keeps_label_and_value_together(long_catalog):
    """No page ends with a section heading or a field's label whose value went to the next page."""
    sentence = "Слово " * 900
    case = example_case(long_catalog, "long-text", answers={
        "applicant": {"surname": "Ким", "name": "Саша"}, "kind": "proposal", "details": sentence,
        "note": "примечание",
    })
    laid = layout_application(long_catalog, case)
    for page in laid.pages[:-1]:
        texts = [op for op in page if op[0] in ("text", "ctext", "rtext") and op[2] > A4_SPEC.bottom + 20]
        last = min(texts, key=lambda op: op[2])
        assert not last[3].startswith(("1.", "2.")), f"a page ends with «{last[3]}»"


def test_applicant_without_patronymic(long_catalog):
    case = replace(example_case(long_catalog, "long-text"), applicant=PersonName("Ким", "Саша"))
    text = pdf_text(render_application(long_catalog, case))
    assert "Ким С." in text


def _assert_inside_margins(pdf: bytes, spec) -> None:
    """Every character is inside the page's margins (the footer lives inside them too)."""
    tolerance = 0.5
    for n, chars in enumerate(char_boxes(pdf), start=1):
        assert chars, f"page {n} is empty"
        for ch, left, bottom, right, top in chars:
            assert left >= spec.left - tolerance, f"page {n}: «{ch}» at x={left:.1f} left of the margin"
            assert right <= spec.width - spec.right + tolerance, f"page {n}: «{ch}» at x={right:.1f} past the margin"
            assert bottom >= spec.bottom - 3, f"page {n}: «{ch}» at y={bottom:.1f} below the margin"
            assert top <= spec.height - spec.top + tolerance, f"page {n}: «{ch}» at y={top:.1f} above the margin"
