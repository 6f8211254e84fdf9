"""The issuance slip."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from printkit import pdf_text, read_codes

from printing import IssuanceView, PersonName, render_issuance
from printing.examples import example_case


def test_issuance_to_the_applicant(catalog):
    case = example_case(catalog, "passport-rf", number="0101-2026-000901")
    case = replace(case, issuance=IssuanceView("Паспорт гражданина РФ серия 4526 № 654321",
                                               datetime(2026, 11, 27, 17, 40)))
    pdf = render_issuance(catalog, case)
    text = pdf_text(pdf)
    assert "в выдаче результата" in text
    assert "№ 0101-2026-000901" in text
    assert "Паспорт гражданина РФ серия 4526 № 654321" in text
    assert "27.11.2026 17:40" in text
    assert "«27» ноября 2026 г." in text
    assert "Соколова Анна Викторовна" in text
    assert "Соколова А. В." in text
    assert "Основание полномочий" not in text
    assert {t for _, t in read_codes(pdf)} == {"0101-2026-000901"}


def test_issuance_to_a_representative(catalog):
    case = example_case(catalog, "passport-rf")
    case = replace(case, issuance=IssuanceView(
        "Паспорт", datetime(2026, 11, 28, 9, 5), recipient=PersonName("Соколов", "Игорь", "Петрович", "male"),
        basis="доверенность от 21.11.2026 № 77 АГ 1234567"))
    text = pdf_text(render_issuance(catalog, case))
    assert "Соколов Игорь Петрович" in text
    assert "Соколов И. П." in text
    assert "доверенность от 21.11.2026" in text


def test_no_issuance_no_slip(catalog):
    with pytest.raises(ValueError, match="0101-2026-000123"):
        render_issuance(catalog, example_case(catalog, "passport-rf"))
