"""ФИО in the genitive for the «от …» line of an application."""

from __future__ import annotations

import pytest

from printing.case_view import PersonName
from printing.declension import detect_sex, genitive, genitive_short


@pytest.mark.parametrize(("person", "expected"), [
    (PersonName("Соколова", "Анна", "Викторовна", "female"), "Соколовой Анны Викторовны"),
    (PersonName("Смирнов", "Алексей", "Николаевич", "male"), "Смирнова Алексея Николаевича"),
    (PersonName("Шевченко", "Илья", "Петрович", "male"), "Шевченко Ильи Петровича"),
    (PersonName("Римский-Корсаков", "Николай", "Андреевич", "male"), "Римского-Корсакова Николая Андреевича"),
    (PersonName("Иванова", "Мария", "", "female"), "Ивановой Марии"),
])
def test_genitive_with_sex_from_the_form(person, expected):
    assert genitive(person) == expected


def test_sex_is_detected_from_the_patronymic_when_absent():
    person = PersonName("Петрова", "Ольга", "Игоревна")
    assert detect_sex(person) == "female"
    assert genitive(person) == "Петровой Ольги Игоревны"
    assert detect_sex(PersonName("Кузнецов", "Павел", "Сергеевич")) == "male"


def test_unsure_sex_leaves_sex_dependent_endings_alone():
    person = PersonName("Ким", "Саша")
    assert detect_sex(person) is None
    assert genitive(person) == "Ким Саши"  # «Кима» would be wrong for a woman


def test_form_sex_wins_over_detection():
    assert genitive(PersonName("Ким", "Саша", "", "male")) == "Кима Саши"


def test_short_forms():
    person = PersonName("Соколова", "Анна", "Викторовна", "female")
    assert person.short == "Соколова А. В."
    assert genitive_short(person) == "Соколовой А. В."
    assert PersonName("Ким", "Саша").short == "Ким С."
