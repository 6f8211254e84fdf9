"""Search by every key: ФИО parts (ё and е alike, partial words), passport, СНИЛС, phone, case number."""

from __future__ import annotations

import pytest
from storekit import accept_new, passport_answers, zags_answers

from workstation.core import search
from workstation.core.searchkeys import parse_query

KOROLEV = "Королёв Пётр Ильич"
SOKOLOVA = "Соколова Анна Викторовна"
KOROLEVA = "Королева Мария Сергеевна"


@pytest.fixture
def seeded(store):
    numbers = {
        KOROLEV: accept_new(store, service="zags-duplicate").number,
        SOKOLOVA: accept_new(store).number,
    }
    other = dict(passport_answers()["identity"], series="4511", number="777888")
    numbers[KOROLEVA] = accept_new(store, answers=passport_answers(
        applicant={"surname": "Королева", "name": "Мария", "patronymic": "Сергеевна", "sex": "female"},
        identity=other, phone="+7 925 000-00-01")).number
    assert zags_answers()["snils"] == "112-233-445 95"
    return store, numbers


def _names(store, text: str) -> set[str]:
    with store.reading() as s:
        return {a.full_name for a in search.search(s, text).applicants}


def _cases(store, text: str) -> set[str]:
    with store.reading() as s:
        return {c.number for c in search.search(s, text).cases}


@pytest.mark.parametrize(("query", "expected"), [
    ("Королёв", {KOROLEV, KOROLEVA}),  # ё typed, е stored in «Королева»
    ("Королев", {KOROLEV, KOROLEVA}),  # е typed, ё stored in «Королёв»
    ("королёв пётр", {KOROLEV}),
    ("ПЕТР ильич", {KOROLEV}),
    ("корол", {KOROLEV, KOROLEVA}),  # partial word
    ("олев мар", {KOROLEVA}),  # parts from the middle of words
    ("викторовна", {SOKOLOVA}),
    ("Соколова А", {SOKOLOVA}),  # a one-letter initial
    ("Королева М С", {KOROLEVA}),
    ("Королёв М", {KOROLEVA}),
    ("Соколова Б", set()),
])
def test_by_name(seeded, query: str, expected: set[str]) -> None:
    store, _ = seeded
    assert _names(store, query) == expected


@pytest.mark.parametrize("query", ["4505 654321", "4505654321", "45 05 № 654321", "654321", "4505-654321"])
def test_by_passport(seeded, query: str) -> None:
    assert _names(seeded[0], query) == {KOROLEV}


@pytest.mark.parametrize("query", ["112-233-445 95", "11223344595", "112 233 445 95", "112-233-44595"])
def test_by_snils(seeded, query: str) -> None:
    assert _names(seeded[0], query) == {KOROLEV}


@pytest.mark.parametrize("query", ["+7 (903) 555-12-34", "89035551234", "8 903 555 12 34", "9035551234",
                                   "+79035551234", "555-12-34", "7 903 555-1234"])
def test_by_phone(seeded, query: str) -> None:
    assert _names(seeded[0], query) == {KOROLEV}


def test_by_name_and_document_together(seeded) -> None:
    assert _names(seeded[0], "Королева 4511") == {KOROLEVA}
    assert _names(seeded[0], "Королева 4505") == set()


def test_by_case_number_typed_or_scanned(seeded) -> None:
    store, numbers = seeded
    number = numbers[SOKOLOVA]
    assert _cases(store, number) == {number}
    assert _cases(store, number.replace("-", "")) == {number}  # scanner without hyphens
    assert _cases(store, number + "\n") == {number}  # the scanner's Enter
    assert _cases(store, number[:15]) == set(numbers.values())  # «0101-001-251120»: that day's cases


def test_cases_follow_the_applicants_found(seeded) -> None:
    store, numbers = seeded
    with store.reading() as s:
        result = search.search(s, "Соколова")
    assert [c.number for c in result.cases] == [numbers[SOKOLOVA]]
    assert result.cases[0].applicant_name == SOKOLOVA and result.cases[0].status == "accepted"


def test_nothing_found_and_too_short(seeded) -> None:
    store, _ = seeded
    assert _names(store, "Несуществующая") == set()
    assert _names(store, "Ко") == set()  # two letters alone: not enough to search
    assert _names(store, "") == set()


def test_query_parsing() -> None:
    q = parse_query("Королёва 8 (903) 555-12-34")
    assert q.words == ("королева",) and q.numbers == (("89035551234", "9035551234"),)
    q = parse_query("0101001251120 0001")
    assert q.case_numbers == ("0101-001-251120-0001",)
