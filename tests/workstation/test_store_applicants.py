"""Finding the applicant at intake and starting the form from the card: `applicants.find` (masked
list rows), `applicants.form_answers` (the card as a form's applicant block), and acceptance of a
draft that carries the applicant's id (one card, updated, documents with history)."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import func, select
from storekit import PASSPORT_DOCS, accept_new, catalog, passport_answers

from forms.engine import Context, evaluate
from forms.model import APPLICANT_FIELDS
from workstation.core import applicants, cases
from workstation.core.masking import address_line, passport_tail, phone_text, snils_tail
from workstation.core.models import Applicant, Case, IdentityDocument

SOKOLOVA = "Соколова Анна Викторовна"
KOROLEV = "Королёв Пётр Ильич"


@pytest.fixture
def seeded(store):
    sokolova = accept_new(store)  # passport 4500 123456, phone +7 916 123-45-67
    korolev = accept_new(store, service="zags-duplicate")  # СНИЛС 112-233-445 95, passport 4505 654321
    with store.reading() as s:
        ids = {SOKOLOVA: s.get(Case, sokolova.case_id).applicant_id, KOROLEV: s.get(Case, korolev.case_id).applicant_id}
    return store, ids


def _find(store, text: str) -> list[applicants.Listing]:
    with store.reading() as s:
        return applicants.find(s, text)


@pytest.mark.parametrize(("query", "who"), [
    ("Соколова", SOKOLOVA), ("сокол", SOKOLOVA), ("анна викт", SOKOLOVA), ("королев петр", KOROLEV),
    ("4500 123456", SOKOLOVA), ("4500123456", SOKOLOVA), ("45 00 № 123456", SOKOLOVA), ("123456", SOKOLOVA),
    ("112-233-445 95", KOROLEV), ("11223344595", KOROLEV), ("112 233 445 95", KOROLEV),
    ("+7 (916) 123-45-67", SOKOLOVA), ("89161234567", SOKOLOVA), ("916 123", SOKOLOVA), ("1234567", SOKOLOVA),
])
def test_find_by_name_passport_snils_phone(seeded, query: str, who: str) -> None:
    store, ids = seeded
    found = _find(store, query)
    assert [h.id for h in found] == [ids[who]]
    assert found[0].full_name == who


def test_find_shows_masked_numbers_and_the_address(seeded) -> None:
    store, _ = seeded
    (sokolova,) = _find(store, "Соколова")
    assert sokolova.birth_date == date(1980, 3, 14)
    assert sokolova.passport == "•••• ••3456" and "123456" not in sokolova.passport
    assert sokolova.phone == "+7 (916) 123-45-67"
    assert sokolova.address == "г. Москва, ул. Авиамоторная, д. 12, кв. 45"
    (korolev,) = _find(store, "Королёв")
    assert korolev.snils == "•••-•••-445 95"
    assert _find(store, "") == [] and _find(store, "Никтонеттакой") == []


def test_masking_rules() -> None:
    assert passport_tail("4500", "123456") == "•••• ••3456"
    assert passport_tail(None, "") == ""
    assert snils_tail("112-233-445 95") == "•••-•••-445 95" and snils_tail("123") == ""
    assert phone_text("+79161234567") == phone_text("8 916 123 45 67") == "+7 (916) 123-45-67"
    assert phone_text("+44 20 7946 0000") == "+44 20 7946 0000"  # not Russian: as stored
    assert address_line({"region": "Тульская обл.", "city": "Тула", "street": "ул. Ленина", "house": "1",
                         "building": "2"}) == "Тульская обл., Тула, ул. Ленина, д. 1, корп. 2"
    assert address_line(None) == ""


def test_form_answers_is_the_card_as_a_form_block(seeded) -> None:
    store, ids = seeded
    with store.reading() as s:
        answers = applicants.form_answers(s, ids[SOKOLOVA])
    assert set(answers) <= set(APPLICANT_FIELDS)
    assert answers["applicant"] == {"surname": "Соколова", "name": "Анна", "patronymic": "Викторовна",
                                    "sex": "female"}
    assert answers["birth_date"] == "1980-03-14" and answers["phone"] == "+79161234567"
    assert answers["identity"]["series"] == "4500" and answers["identity"]["number"] == "123456"
    assert answers["identity"]["issue_date"] == "2000-04-10"
    # The engine takes it as it is: the applicant block of a new passport form is valid.
    service = catalog().services["passport-rf"]
    result = evaluate(service, answers, Context(today=date(2025, 11, 20)))
    assert not [i for i in result.issues if i.field in answers], [i.text for i in result.issues]
    assert applicants.card_from_answers(result.answers)["identity"]["number"] == "123456"


def _accept_for(store, applicant_id: str, service: str, answers: dict, documents) -> cases.Accepted:
    with store.unit_of_work() as s:
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id=service, specialist="ivanova",
                                        now=store.now(), answers=answers, documents=documents,
                                        applicant_id=applicant_id)
    with store.unit_of_work() as s:
        return cases.accept(s, case_id, catalogs=catalog(), actor="ivanova", now=store.now())


def test_a_draft_linked_to_the_applicant_updates_that_card(seeded) -> None:
    """Chosen at intake, changed phone and passport: one card, two cases, the old passport in history."""
    store, ids = seeded
    person = ids[SOKOLOVA]
    with store.reading() as s:
        known = applicants.form_answers(s, person)
    answers = copy.deepcopy(passport_answers())
    answers.update(copy.deepcopy(known))
    answers["phone"] = "+7 (926) 555-44-33"
    answers["identity"] = dict(known["identity"], series="4520", number="000111", issue_date="2025-03-14")
    _accept_for(store, person, "passport-rf", answers, PASSPORT_DOCS)
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(Applicant)) == 2  # Соколова and Королёв, no third
        assert s.scalar(select(func.count()).select_from(Case).where(Case.applicant_id == person)) == 2
        card = applicants.get(s, person)
        assert card.phone == "+79265554433" and card.version == 2
        docs = s.scalars(select(IdentityDocument).where(IdentityDocument.applicant_id == person)
                         .order_by(IdentityDocument.created_at)).all()
        assert [(d.number, d.current) for d in docs] == [("123456", False), ("000111", True)]
        assert docs[0].superseded_at is not None
        assert applicants.form_answers(s, person)["identity"]["number"] == "000111"
    assert [h.id for h in _find(store, "4520 000111")] == [person]  # the new passport is searchable
    assert [h.id for h in _find(store, "926 555")] == [person]
