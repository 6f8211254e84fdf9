"""Every field kind through the engine: what people type → the normalised answer, and what is
refused → a Russian issue naming the field («СНИЛС: неверная контрольная сумма»).

Each test compiles a tiny inline service with `formkit` and runs `forms.engine.evaluate` on it,
so the compiler's option handling (min/max/pattern/mask/…) is covered together with the checks.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from formkit import TODAY, compile_service, error_texts, fill, only_field, texts, warning_texts

from forms.fields import account_key_ok, check_value
from forms.model import FieldKind, Severity


def normalised(kind_yaml: str, raw: Any, *, label: str = "Поле") -> Any:
    """The clean answer for `raw` in a one-field service; the answer must raise no issue at all."""
    result = fill(only_field(kind_yaml, label=label), {"value": raw})
    assert result.issues == (), texts(result.issues)
    assert result.ok
    return result.answers["value"]


def refused(kind_yaml: str, raw: Any, *, label: str) -> list[str]:
    """The error texts for `raw`; the value must not be accepted."""
    result = fill(only_field(kind_yaml, label=label), {"value": raw})
    assert not result.ok, f"{raw!r} was accepted as {result.answers}"
    assert all(issue.field == "value" for issue in result.errors)
    return error_texts(result)


# --- every kind is covered ------------------------------------------------------------------

VALID_CASES: list[tuple[str, Any, Any]] = [
    # text: inner runs of whitespace collapse, ends are trimmed; numbers are taken as text
    ("kind: text", "  Иван   Петрович  ", "Иван Петрович"),
    ("kind: text", 123, "123"),
    ("kind: text, mask: '99-99-99'", "12-34-56", "12-34-56"),
    ("kind: text, mask: 'АА-999'", "МЮ-123", "МЮ-123"),
    ("kind: text, pattern: '[0-9]{4}'", "2025", "2025"),
    ("kind: text, min_length: 2, max_length: 5", "абв", "абв"),
    # textarea: only the ends are trimmed, line breaks stay
    ("kind: textarea", "  строка 1\n  строка 2  ", "строка 1\n  строка 2"),
    ("kind: textarea, max_length: 5", "12345", "12345"),
    # integer: spaces between thousands, signs, numbers from JSON
    ("kind: integer", "1 000", 1000),
    ("kind: integer", " 42 ", 42),
    ("kind: integer", 7, 7),
    ("kind: integer", "-3", -3),
    ("kind: integer, min: 1, max: 10", "10", 10),
    ("kind: integer, min: 1, max: 10", 1, 1),
    # decimal: decimal comma, spaces, floats from JSON → decimal strings
    ("kind: decimal", "1 500,5", "1500.5"),
    ("kind: decimal", 2.25, "2.25"),
    ("kind: decimal, places: 3", "0,125", "0.125"),
    ("kind: decimal, min: 0.5, max: 2", "0,5", "0.5"),
    # money: roubles and kopecks, the rouble sign and «руб.»
    ("kind: money", "1 500,50 ₽", "1500.50"),
    ("kind: money", "1500 руб.", "1500"),
    ("kind: money", "300р.", "300"),
    ("kind: money", 1500, "1500"),
    ("kind: money", "0", "0"),
    # date: дд.мм.гггг as typed, ISO as stored, short day/month, slashes
    ("kind: date", "14.03.1980", "1980-03-14"),
    ("kind: date", "1980-03-14", "1980-03-14"),
    ("kind: date", "1.3.1980", "1980-03-01"),
    ("kind: date", "01/03/1980", "1980-03-01"),
    ("kind: date", " 29.02.2024 ", "2024-02-29"),
    ("kind: date, past_only: true", TODAY.strftime("%d.%m.%Y"), TODAY.isoformat()),
    ("kind: date, future_only: true", TODAY.strftime("%d.%m.%Y"), TODAY.isoformat()),
    # boolean: да/нет in any case, true/false, 1/0
    ("kind: boolean", "да", True),
    ("kind: boolean", "Нет", False),
    ("kind: boolean", True, True),
    ("kind: boolean", False, False),
    ("kind: boolean", "1", True),
    ("kind: boolean", 0, False),
    ("kind: boolean", " YES ", True),
    # choice: the value, or its label in any case
    ("kind: choice, options: [{value: rf, label: Российская Федерация}, {value: other, label: Иное}]",
     "rf", "rf"),
    ("kind: choice, options: [{value: rf, label: Российская Федерация}, {value: other, label: Иное}]",
     " российская федерация ", "rf"),
    ("kind: choice, options: [1, 2, 3]", 2, "2"),
    # multichoice: kept in the form's order, repeats dropped
    ("kind: multichoice, options: [a, b, c]", ["c", "a"], ["a", "c"]),
    ("kind: multichoice, options: [a, b, c], min_selected: 1, max_selected: 2", ["b"], ["b"]),
    # phone: the ways people write a Moscow mobile
    ("kind: phone", "8 (916) 123-45-67", "+79161234567"),
    ("kind: phone", "+7 916 1234567", "+79161234567"),
    ("kind: phone", "9161234567", "+79161234567"),
    ("kind: phone", "+7 (495) 777-77-77", "+74957777777"),
    ("kind: phone", 89161234567, "+79161234567"),
    # email: trimmed, domain lower-cased, local part kept
    ("kind: email", " Ivan.Petrov@Mail.RU ", "Ivan.Petrov@mail.ru"),
    # snils: with or without the usual dashes and space
    ("kind: snils", "112-233-445 95", "11223344595"),
    ("kind: snils", "11223344595", "11223344595"),
    # inn: 10 digits (organisation), 12 digits (person), grouped by the typist
    ("kind: inn", "7707083893", "7707083893"),
    ("kind: inn", "5001 0073 2259", "500100732259"),
    ("kind: inn, length: 12", "500100732259", "500100732259"),
    ("kind: inn, length: 10", " 7707083893 ", "7707083893"),
    # ogrn / ogrnip
    ("kind: ogrn", "1-02-77-00132195", "1027700132195"),
    ("kind: ogrn", 1027700132195, "1027700132195"),
    ("kind: ogrnip", "304500116000157", "304500116000157"),
    # oms: 16 digits in groups of four
    ("kind: oms", "1234 5678 9012 3452", "1234567890123452"),
    # birth certificate: lower case, no hyphen, Latin look-alikes in the letters, «№»
    ("kind: birth_certificate", "IV-МЮ 123456", "IV-МЮ 123456"),
    ("kind: birth_certificate", "iv мю 123456", "IV-МЮ 123456"),
    ("kind: birth_certificate", "IV-MЮ №123456", "IV-МЮ 123456"),
    # cadastral: stray spaces around the colons
    ("kind: cadastral", "77:01:0001001:1234", "77:01:0001001:1234"),
    ("kind: cadastral", " 77 : 01 : 0001001 : 1234 ", "77:01:0001001:1234"),
    # driving licence: digits or the old letter series
    ("kind: driving_licence", "7701123456", "77 01 123456"),
    ("kind: driving_licence", "77 01 123456", "77 01 123456"),
    ("kind: driving_licence", "77 ab 123456", "77 АВ 123456"),
]


@pytest.mark.parametrize(("kind_yaml", "raw", "expected"), VALID_CASES,
                         ids=[f"{c[0].split(',')[0][6:]}-{c[1]!r}" for c in VALID_CASES])
def test_valid_input_is_normalised(kind_yaml: str, raw: Any, expected: Any) -> None:
    assert normalised(kind_yaml, raw) == expected


def test_typed_values_keep_python_types() -> None:
    _, service = compile_service("""
        - {id: n, kind: integer, label: Количество}
        - {id: x, kind: decimal, label: Площадь}
        - {id: s, kind: money, label: Сумма}
        - {id: d, kind: date, label: Дата}
        - {id: b, kind: boolean, label: Согласие}
    """)
    result = fill(service, {"n": "5", "x": "2,5", "s": "100,10", "d": "01.02.2024", "b": "да"})
    assert result.ok, texts(result.issues)
    assert result.values == {"n": 5, "x": Decimal("2.5"), "s": Decimal("100.10"), "d": date(2024, 2, 1),
                             "b": True}
    assert result.answers == {"n": 5, "x": "2.5", "s": "100.10", "d": "2024-02-01", "b": True}


INVALID_CASES: list[tuple[str, str, Any, str]] = [
    # (kind and options, label, what was typed, the expected error text)
    ("kind: text, min_length: 3", "Кодовое слово", "ab", "Кодовое слово: не короче 3 символов"),
    ("kind: text, max_length: 5", "Кодовое слово", "abcdef", "Кодовое слово: не длиннее 5 символов"),
    ("kind: text, pattern: '[0-9]{4}'", "Год", "20x5", "Год: значение не соответствует образцу"),
    ("kind: text, pattern: '[0-9]{4}', pattern_message: укажите год четырьмя цифрами", "Год", "25",
     "Год: укажите год четырьмя цифрами"),
    ("kind: text, mask: '99-99-99'", "Код", "123456", "Код: ожидается формат 99-99-99"),
    ("kind: text, mask: '99-99-99'", "Код", "12-34-5а", "Код: ожидается формат 99-99-99"),
    ("kind: text, mask: 'АА-999'", "Серия", "12-123", "Серия: ожидается формат АА-999"),
    ("kind: textarea, max_length: 5", "Обстоятельства", "123456", "Обстоятельства: не длиннее 5 символов"),
    ("kind: integer, min: 1", "Количество", "0", "Количество: не меньше 1"),
    ("kind: integer, max: 10", "Количество", 11, "Количество: не больше 10"),
    ("kind: decimal, places: 2", "Площадь", "10,125", "Площадь: не больше 2 знаков после запятой"),
    ("kind: decimal, min: 0.5", "Площадь", "0,4", "Площадь: не меньше 0,5"),
    ("kind: decimal, max: 99.9", "Площадь", "100", "Площадь: не больше 99,9"),
    ("kind: money", "Сумма", "-5", "Сумма: не меньше 0"),
    ("kind: money", "Сумма", "10,555", "Сумма: не больше 2 знаков после запятой"),
    ("kind: money, max: 1000", "Сумма", "1 000,01", "Сумма: не больше 1000"),
    ("kind: date, past_only: true", "Дата рождения", (TODAY + timedelta(days=1)).strftime("%d.%m.%Y"),
     "Дата рождения: дата не может быть в будущем"),
    ("kind: date, future_only: true", "Дата приёма", (TODAY - timedelta(days=1)).isoformat(),
     "Дата приёма: дата не может быть в прошлом"),
    ("kind: choice, options: [{value: rf, label: Российская Федерация}]", "Гражданство", "Франция",
     "Гражданство: выберите значение из списка"),
    ("kind: multichoice, options: [a, b, c]", "Способ связи", ["a", "z"],
     "Способ связи: выберите значение из списка"),
    ("kind: multichoice, options: [a, b, c], min_selected: 2", "Способ связи", ["a"],
     "Способ связи: выберите не меньше 2"),
    ("kind: multichoice, options: [a, b, c], max_selected: 1", "Способ связи", ["a", "b"],
     "Способ связи: выберите не больше 1"),
    ("kind: phone", "Телефон", "+1 212 555 0100", "Телефон: принимаются только российские номера (+7)"),
    ("kind: phone", "Телефон", "8 916 123-45", "Телефон: ожидается +7 или 8 и 10 цифр номера"),
    ("kind: phone", "Телефон", "8 916 abc 45 67", "Телефон: допустимы только цифры, знак +, скобки и дефисы"),
    ("kind: email", "Электронная почта", "ivan@@mail.ru", "Электронная почта: адрес должен содержать один знак @"),
    ("kind: email", "Электронная почта", "ivan@mail", "Электронная почта: неверный домен после знака @"),
    ("kind: snils", "СНИЛС", "112-233-445 96", "СНИЛС: неверная контрольная сумма"),
    ("kind: snils", "СНИЛС", "112-233-445", "СНИЛС: должно быть 11 цифр"),
    ("kind: snils", "СНИЛС", "112-233-44O 95", "СНИЛС: допустимы только цифры"),
    ("kind: inn", "ИНН", "7707083894", "ИНН: неверная контрольная сумма"),
    ("kind: inn", "ИНН", "500100732258", "ИНН: неверная контрольная сумма"),
    ("kind: inn", "ИНН", "12345", "ИНН: должно быть 10 или 12 цифр"),
    ("kind: inn, length: 12", "ИНН физического лица", "7707083893", "ИНН физического лица: должно быть 12 цифр"),
    ("kind: inn, length: 10", "ИНН организации", "500100732259", "ИНН организации: должно быть 10 цифр"),
    ("kind: ogrn", "ОГРН", "1027700132196", "ОГРН: неверная контрольная сумма"),
    ("kind: ogrn", "ОГРН", "102770013219", "ОГРН: должно быть 13 цифр"),
    ("kind: ogrnip", "ОГРНИП", "304500116000158", "ОГРНИП: неверная контрольная сумма"),
    ("kind: ogrnip", "ОГРНИП", "30450011600015", "ОГРНИП: должно быть 15 цифр"),
    ("kind: oms", "Полис ОМС", "1234 5678 9012 345", "Полис ОМС: должно быть 16 цифр"),
    ("kind: oms", "Полис ОМС", "1234-5678-9012-345x", "Полис ОМС: допустимы только цифры"),
    ("kind: birth_certificate", "Свидетельство о рождении", "123456",
     "Свидетельство о рождении: ожидается серия и номер вида IV-МЮ 123456"),
    ("kind: birth_certificate", "Свидетельство о рождении", "IIII-МЮ 123456",
     "Свидетельство о рождении: серия должна начинаться с римского числа из букв I, V, X, L, C"),
    ("kind: birth_certificate", "Свидетельство о рождении", "IV-МЮ 12345",
     "Свидетельство о рождении: номер должен состоять из 6 цифр"),
    ("kind: cadastral", "Кадастровый номер", "77-01-0001001-1234",
     "Кадастровый номер: ожидается номер вида 77:01:0001001:1234"),
    ("kind: driving_licence", "Водительское удостоверение", "77 01 12345",
     "Водительское удостоверение: ожидается номер вида 77 01 123456"),
]


@pytest.mark.parametrize(("kind_yaml", "label", "raw", "expected"), INVALID_CASES,
                         ids=[f"{c[0].split(',')[0][6:]}-{c[2]!r}" for c in INVALID_CASES])
def test_invalid_input_is_an_error_naming_the_field(kind_yaml: str, label: str, raw: Any, expected: str) -> None:
    assert expected in refused(kind_yaml, raw, label=label)


def test_invalid_value_is_not_in_the_answers_path_and_field_point_to_it() -> None:
    result = fill(only_field("kind: snils", label="СНИЛС"), {"value": "112-233-445 96"})
    (issue,) = result.issues
    assert (issue.path, issue.field, issue.label, issue.severity) == ("value", "value", "СНИЛС", Severity.ERROR)
    assert issue.text == "СНИЛС: неверная контрольная сумма"


UNTYPEABLE: list[tuple[str, str, Any, str]] = [
    ("kind: integer", "Количество", "двадцать", "Количество: ожидается целое число"),
    ("kind: integer", "Количество", "2,5", "Количество: ожидается целое число"),
    ("kind: decimal", "Площадь", "много", "Площадь: ожидается число"),
    ("kind: money", "Сумма", "полторы тысячи", "Сумма: ожидается сумма в рублях, например 1500 или 1500,50"),
    ("kind: date", "Дата рождения", "31.02.2025", "Дата рождения: ожидается дата в формате дд.мм.гггг"),
    ("kind: date", "Дата рождения", "14 марта 1980", "Дата рождения: ожидается дата в формате дд.мм.гггг"),
    ("kind: boolean", "Согласие", "может быть", "Согласие: ожидается «да» или «нет»"),
    ("kind: multichoice, options: [a, b]", "Способ связи", "a", "Способ связи: ожидается список значений"),
    ("kind: person", "ФИО", "Иванов Иван", "ФИО: ожидается набор реквизитов"),
    ("kind: text", "Место рождения", {"city": "Москва"}, "Место рождения: ожидается текст"),
    ("kind: snils", "СНИЛС", ["112", "233"], "СНИЛС: ожидается текст"),
]
@pytest.mark.parametrize(("kind_yaml", "label", "raw", "expected"), UNTYPEABLE,
                         ids=[f"{c[0].split(',')[0][6:]}-{c[2]!r}" for c in UNTYPEABLE])
def test_untypeable_optional_input_is_reported(kind_yaml: str, label: str, raw: Any, expected: str) -> None:
    assert expected in refused(kind_yaml, raw, label=label)


def test_untypeable_required_input_reports_the_real_problem() -> None:
    _, service = compile_service("- {id: birth_date, kind: date, label: Дата рождения, required: true}")
    result = fill(service, {"birth_date": "31.02.1980"})
    assert error_texts(result) == ["Дата рождения: ожидается дата в формате дд.мм.гггг"]


def test_untypeable_input_checkers_do_report_a_problem() -> None:
    """The checkers themselves are right; it is the engine that loses these problems."""
    service = only_field("kind: date", label="Дата")
    checked = check_value(service.field("value"), "31.02.2025", TODAY)
    assert checked.value is None
    assert [p.message for p in checked.problems] == ["ожидается дата в формате дд.мм.гггг"]


def test_integer_with_thousands_of_digits_does_not_crash() -> None:
    result = fill(only_field("kind: integer", label="Количество"), {"value": "1" * 5000})
    assert not result.ok


def test_decimal_with_an_absurd_exponent_is_refused() -> None:
    service = only_field("kind: decimal", label="Площадь")
    checked = check_value(service.field("value"), "1e999999999", TODAY)
    assert checked.problems


def test_integer_with_a_no_break_space_between_thousands() -> None:
    assert normalised("kind: integer", "1\u00a0000") == 1000


# --- choices ----------------------------------------------------------------------------------

CASCADE = """
- id: okrug
  kind: choice
  label: Округ
  options:
    - {value: cao, label: Центральный}
    - {value: sao, label: Северный}
- id: district
  kind: choice
  label: Район
  depends_on: okrug
  options:
    cao: [{value: arbat, label: Арбат}, {value: tverskoy, label: Тверской}]
    sao: [{value: airport, label: Аэропорт}]
"""


def test_cascading_choice_accepts_an_option_of_the_chosen_parent() -> None:
    _, service = compile_service(CASCADE)
    result = fill(service, {"okrug": "cao", "district": "arbat"})
    assert result.ok and result.answers == {"okrug": "cao", "district": "arbat"}
    result = fill(service, {"okrug": "sao", "district": "Аэропорт"})
    assert result.ok and result.answers == {"okrug": "sao", "district": "airport"}


def test_cascading_choice_refuses_an_option_of_another_parent() -> None:
    _, service = compile_service(CASCADE)
    result = fill(service, {"okrug": "sao", "district": "arbat"})
    assert error_texts(result) == ["Район: выберите значение из списка"]


def test_cascading_choice_without_its_parent_asks_for_the_parent_first() -> None:
    _, service = compile_service(CASCADE)
    result = fill(service, {"district": "arbat"})
    assert error_texts(result) == ["Район: сначала заполните поле «Округ»"]


def test_cascading_choice_options_follow_the_parent() -> None:
    _, service = compile_service(CASCADE)
    district = service.field("district")
    assert [o.value for o in district.options_for("cao")] == ["arbat", "tverskoy"]
    assert district.options_for(None) == ()
    assert district.option_label("airport") == "Аэропорт"


def test_cascading_choice_when_the_parent_was_given_by_its_label() -> None:
    _, service = compile_service(CASCADE)
    result = fill(service, {"okrug": "Центральный", "district": "arbat"})
    assert result.ok, error_texts(result)
    assert result.answers == {"okrug": "cao", "district": "arbat"}


def test_cascading_choice_with_a_blank_parent_asks_for_the_parent_first() -> None:
    _, service = compile_service(CASCADE)
    result = fill(service, {"okrug": "", "district": "arbat"})
    assert error_texts(result) == ["Район: сначала заполните поле «Округ»"]


def test_multichoice_repeats_do_not_count_twice() -> None:
    service = only_field("kind: multichoice, options: [a, b, c], min_selected: 2, max_selected: 2",
                         label="Способ связи")
    assert error_texts(fill(service, {"value": ["a", "a"]})) == ["Способ связи: выберите не меньше 2"]
    assert fill(service, {"value": ["a", "a", "b"]}).ok


# --- person and address ---------------------------------------------------------------------


def test_person_is_trimmed_and_sex_normalised() -> None:
    value = normalised("kind: person", {"surname": "  Салтыков-Щедрин ", "name": "Михаил",
                                        "patronymic": "  ", "sex": "М"})
    assert value == {"surname": "Салтыков-Щедрин", "name": "Михаил", "patronymic": None, "sex": "male"}
    value = normalised("kind: person", {"surname": "Д'Арк", "name": "Жанна", "sex": "женский"})
    assert value["sex"] == "female" and value["surname"] == "Д'Арк"
    assert normalised("kind: person", {"surname": "Ёлкина", "name": "Анна Мария"})["sex"] is None


@pytest.mark.parametrize(("raw", "expected"), [
    ({"surname": "Иванов2", "name": "Иван"}, "ФИО: фамилия: допустимы только буквы, дефис, пробел и апостроф"),
    ({"surname": "Иванов"}, "ФИО: имя: заполните поле"),
    ({"name": "Иван", "sex": "male"}, "ФИО: фамилия: заполните поле"),
    ({"surname": "Иванов", "name": "Иван", "sex": "x"}, "ФИО: пол: укажите «мужской» или «женский»"),
    ({"surname": "Иванов", "name": "Иван", "patronymic": "Иванович!"},
     "ФИО: отчество: допустимы только буквы, дефис, пробел и апостроф"),
])
def test_person_problems(raw: dict[str, Any], expected: str) -> None:
    assert expected in refused("kind: person", raw, label="ФИО")


def test_person_sex_in_any_case() -> None:
    assert normalised("kind: person", {"surname": "Иванова", "name": "Анна", "sex": "Female"})["sex"] == "female"


def test_person_patronymic_required_option() -> None:
    texts_ = refused("kind: person, patronymic_required: true", {"surname": "Иванов", "name": "Иван"},
                     label="ФИО")
    assert texts_ == ["ФИО: отчество: заполните поле"]
    assert normalised("kind: person", {"surname": "Иванов", "name": "Иван"})["patronymic"] is None


def test_person_part_issue_has_a_part_path() -> None:
    result = fill(only_field("kind: person", label="ФИО"), {"value": {"surname": "Иванов"}})
    assert [i.path for i in result.errors] == ["value.name"]


def test_person_with_only_sex_counts_as_empty() -> None:
    _, service = compile_service("- {id: applicant, kind: person, label: ФИО, required: true}")
    result = fill(service, {"applicant": {"surname": " ", "name": "", "sex": "male"}})
    assert error_texts(result) == ["ФИО: заполните поле"]


def test_address_is_normalised() -> None:
    value = normalised("kind: address", {"region": "г. Москва", "city": "Москва", "street": "ул.  Авиамоторная",
                                         "house": 12, "flat": 45, "postcode": "111 024"})
    assert value == {"region": "г. Москва", "city": "Москва", "street": "ул. Авиамоторная", "house": "12",
                     "building": None, "flat": "45", "postcode": "111024"}


@pytest.mark.parametrize(("raw", "expected"), [
    ({"city": "Москва", "house": "1"}, "Адрес: улица: заполните поле"),
    ({"city": "Москва", "street": "Тверская"}, "Адрес: дом: заполните поле"),
    ({"street": "Тверская", "house": "1"}, "Адрес: город: заполните поле"),
    ({"city": "Москва", "street": "Тверская", "house": "1", "postcode": "12345"},
     "Адрес: индекс: должно быть 6 цифр"),
])
def test_address_problems(raw: dict[str, Any], expected: str) -> None:
    assert expected in refused("kind: address", raw, label="Адрес")


# --- identity documents ----------------------------------------------------------------------

PASSPORT = {"series": "45 00", "number": "123456", "issuer": "ОВД района Лефортово г. Москвы",
            "issue_date": "10.04.2000", "division_code": "772045"}


def test_passport_rf_is_normalised_and_the_kind_defaults() -> None:
    value = normalised("kind: identity_document", PASSPORT)
    assert value == {"kind": "passport-rf", "series": "4500", "number": "123456",
                     "issuer": "ОВД района Лефортово г. Москвы", "issue_date": "2000-04-10",
                     "division_code": "772-045"}


@pytest.mark.parametrize(("change", "expected"), [
    ({"series": "45"}, "Паспорт: серия: должно быть 4 цифры"),
    ({"number": "12345"}, "Паспорт: номер: должно быть 6 цифр"),
    ({"number": None}, "Паспорт: номер: заполните поле"),
    ({"division_code": ""}, "Паспорт: код подразделения: заполните поле"),
    ({"division_code": "77-04"}, "Паспорт: код подразделения: должно быть 6 цифр"),
    ({"issuer": " "}, "Паспорт: кем выдан: заполните поле"),
    ({"issue_date": None}, "Паспорт: дата выдачи: заполните поле"),
    ({"issue_date": "32.01.2000"}, "Паспорт: дата выдачи: ожидается дата в формате дд.мм.гггг"),
    ({"issue_date": (TODAY + timedelta(days=1)).isoformat()}, "Паспорт: дата выдачи: дата не может быть в будущем"),
    ({"kind": "foreign-passport"}, "Паспорт: вид документа: выберите из списка"),
])
def test_passport_rf_problems(change: dict[str, Any], expected: str) -> None:
    assert expected in refused("kind: identity_document", {**PASSPORT, **change}, label="Паспорт")


def test_another_document_kind_needs_only_number_issuer_and_date() -> None:
    kinds = "kind: identity_document, kinds: [passport-rf, foreign-passport, residence-permit]"
    value = normalised(kinds, {"kind": "foreign-passport", "number": " AB 1234567 ",
                               "issuer": "MFA of Uzbekistan", "issue_date": "2020-01-15"})
    assert value == {"kind": "foreign-passport", "series": None, "number": "AB 1234567",
                     "issuer": "MFA of Uzbekistan", "issue_date": "2020-01-15", "division_code": None}
    problems = refused(kinds, {"kind": "residence-permit", "series": "82", "issuer": "ГУ МВД",
                               "issue_date": "2020-01-15"}, label="Документ")
    assert problems == ["Документ: номер: заполните поле"]


def test_the_first_allowed_kind_is_the_default() -> None:
    value = normalised("kind: identity_document, kinds: [foreign-passport]",
                       {"number": "FA123", "issuer": "МИД", "issue_date": "01.01.2019"})
    assert value["kind"] == "foreign-passport"


def test_birth_certificate_kind_normalises_series_and_number() -> None:
    kinds = "kind: identity_document, kinds: [birth-certificate]"
    value = normalised(kinds, {"series": "iv мю", "number": "№ 123456", "issuer": "Отдел ЗАГС",
                               "issue_date": "01.02.2015"})
    assert (value["kind"], value["series"], value["number"]) == ("birth-certificate", "IV-МЮ", "123456")
    assert value["division_code"] is None
    problems = refused(kinds, {"series": "QQ-МЮ", "number": "123456", "issuer": "Отдел ЗАГС",
                               "issue_date": "01.02.2015"}, label="Свидетельство")
    assert problems == ["Свидетельство: серия: серия должна начинаться с римского числа из букв I, V, X, L, C"]


def test_identity_document_part_paths() -> None:
    result = fill(only_field("kind: identity_document", label="Паспорт"), {"value": {**PASSPORT, "series": "4"}})
    assert [i.path for i in result.errors] == ["value.series"]


# --- oms: a checksum mismatch is only a warning ---------------------------------------------


def test_oms_checksum_failure_is_only_a_warning() -> None:
    result = fill(only_field("kind: oms", label="Полис ОМС"), {"value": "1234 5678 9012 3456"})
    assert result.ok
    assert result.errors == ()
    assert warning_texts(result) == ["Полис ОМС: возможно, ошибка в номере: не сходится контрольная цифра"]
    assert result.answers == {"value": "1234567890123456"}


# --- vehicle -------------------------------------------------------------------------------


def test_vehicle_is_normalised() -> None:
    value = normalised("kind: vehicle", {"vin": "xta 210990 y2766389", "plate": "а123вс 77 rus",
                                         "make": "LADA", "model": "2109", "year": " 2000 "})
    assert value == {"vin": "XTA210990Y2766389", "plate": "А123ВС77", "make": "LADA", "model": "2109",
                     "year": 2000}
    assert normalised("kind: vehicle", {"plate": "В777ОР799"})["plate"] == "В777ОР799"


@pytest.mark.parametrize(("raw", "expected"), [
    ({"make": "LADA"}, "Транспортное средство: укажите VIN или государственный регистрационный знак"),
    ({"vin": "XTA21099OY2766389"}, "Транспортное средство: VIN: буквы I, O и Q в VIN не используются"),
    ({"vin": "XTA210990"}, "Транспортное средство: VIN: должно быть 17 символов"),
    ({"plate": "А123ВС00"}, "Транспортное средство: госномер: неверный код региона"),
    ({"plate": "Б123ВС77"},
     "Транспортное средство: госномер: допустимы только буквы А, В, Е, К, М, Н, О, Р, С, Т, У, Х"),
    ({"plate": "А123ВС77", "year": 1850}, f"Транспортное средство: год выпуска: от 1900 до {TODAY.year + 1}"),
    ({"plate": "А123ВС77", "year": TODAY.year + 2}, f"Транспортное средство: год выпуска: от 1900 до {TODAY.year + 1}"),
])
def test_vehicle_problems(raw: dict[str, Any], expected: str) -> None:
    assert expected in refused("kind: vehicle", raw, label="Транспортное средство")


# --- bank account: the control key is computed here independently --------------------------


def with_control_key(bik: str, account: str) -> str:
    """`account` with its 9th digit replaced by the ЦБ РФ control key for `bik` (credit institution).

    Digits = last three of the БИК + the account with key 0; weights 7, 1, 3 repeated; the key is
    3 × (sum of the last digits of the products) mod 10.
    """
    digits = bik[-3:] + account[:8] + "0" + account[9:]
    total = sum(int(d) * w % 10 for d, w in zip(digits, itertools.cycle((7, 1, 3)), strict=False))
    key = total % 10 * 3 % 10
    return account[:8] + str(key) + account[9:]


BIK = "044525225"
ACCOUNT = with_control_key(BIK, "40817810X38000012345".replace("X", "0"))


def test_independent_key_agrees_with_the_checker() -> None:
    assert len(ACCOUNT) == 20 and ACCOUNT.startswith("40817810")
    keys_accepted = [k for k in "0123456789" if account_key_ok(BIK, ACCOUNT[:8] + k + ACCOUNT[9:])]
    assert keys_accepted == [ACCOUNT[8]]


def test_bank_account_valid_pair_is_normalised() -> None:
    spaced = f"{ACCOUNT[:5]} {ACCOUNT[5:8]} {ACCOUNT[8]} {ACCOUNT[9:13]} {ACCOUNT[13:]}"
    value = normalised("kind: bank_account", {"bik": "04-45-25-225", "account": spaced})
    assert value == {"bik": BIK, "account": ACCOUNT}


@pytest.mark.parametrize("key_shift", range(1, 10))
def test_bank_account_wrong_control_key(key_shift: int) -> None:
    bad = ACCOUNT[:8] + str((int(ACCOUNT[8]) + key_shift) % 10) + ACCOUNT[9:]
    assert refused("kind: bank_account", {"bik": BIK, "account": bad}, label="Реквизиты счёта") == [
        "Реквизиты счёта: счёт: не сходится контрольный ключ с БИК"]


def test_bank_account_key_depends_on_the_bik() -> None:
    other_bik = "044525593"
    assert refused("kind: bank_account", {"bik": other_bik, "account": ACCOUNT}, label="Счёт") == [
        "Счёт: счёт: не сходится контрольный ключ с БИК"]
    assert normalised("kind: bank_account", {"bik": other_bik, "account": with_control_key(other_bik, ACCOUNT)})


@pytest.mark.parametrize(("raw", "expected"), [
    ({"bik": "04452522", "account": ACCOUNT}, ["Реквизиты счёта: БИК: должно быть 9 цифр"]),
    ({"bik": BIK, "account": ACCOUNT[:-1]}, ["Реквизиты счёта: счёт: должно быть 20 цифр"]),
    ({"account": ACCOUNT}, ["Реквизиты счёта: БИК: должно быть 9 цифр"]),
])
def test_bank_account_format_problems(raw: dict[str, Any], expected: list[str]) -> None:
    assert refused("kind: bank_account", raw, label="Реквизиты счёта") == expected


# --- groups ---------------------------------------------------------------------------------

CHILDREN = """
- id: children
  kind: group
  label: Дети
  item_label: Ребенок
  min_items: 1
  max_items: 2
  fields:
    - {id: child, kind: person, label: ФИО ребенка, required: true}
    - {id: child_birth_date, kind: date, label: Дата рождения, required: true, past_only: true}
    - {id: child_snils, kind: snils, label: СНИЛС ребенка}
  rules:
    - id: child-under-14
      check: "age(child_birth_date) < 14"
      message: в паспорт вносятся только дети до 14 лет
      field: child_birth_date
"""

KID = {"child": {"surname": "Иванов", "name": "Петр", "sex": "м"}, "child_birth_date": "01.02.2018"}


def test_group_items_are_normalised() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [{**KID, "child_snils": "112-233-445 95"}]})
    assert result.ok, texts(result.issues)
    assert result.answers == {"children": [{
        "child": {"surname": "Иванов", "name": "Петр", "patronymic": None, "sex": "male"},
        "child_birth_date": "2018-02-01", "child_snils": "11223344595"}]}


def test_group_max_items() -> None:
    _, service = compile_service(CHILDREN)
    assert error_texts(fill(service, {"children": [KID, KID, KID]})) == ["Дети: не больше 2"]


def test_group_min_items() -> None:
    _, service = compile_service(CHILDREN.replace("min_items: 1", "min_items: 2"))
    assert error_texts(fill(service, {"children": [KID]})) == ["Дети: добавьте не меньше 2"]


def test_group_per_item_required() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [KID, {"child": KID["child"]}]})
    (issue,) = result.errors
    assert issue.path == "children[1].child_birth_date"
    assert issue.field == "children"
    assert issue.text == "Ребенок №2, Дата рождения: заполните поле"


def test_group_per_item_value_problems() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [{**KID, "child_snils": "112-233-445 96"}]})
    (issue,) = result.errors
    assert (issue.path, issue.field) == ("children[0].child_snils", "children")
    assert issue.text == "Ребенок №1, СНИЛС ребенка: неверная контрольная сумма"


def test_group_per_item_rules() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [KID, {**KID, "child_birth_date": "01.02.2005"}]})
    (issue,) = result.errors
    assert (issue.path, issue.field) == ("children[1].child_birth_date", "children")
    assert issue.text == "Ребенок №2, Дата рождения: в паспорт вносятся только дети до 14 лет"


def test_group_blank_rows_are_ignored() -> None:
    _, service = compile_service(CHILDREN)
    blank = {"child": {"surname": "", "name": " ", "sex": "male"}, "child_birth_date": "", "child_snils": None}
    result = fill(service, {"children": [KID, {}, blank]})
    assert result.ok, texts(result.issues)
    assert len(result.answers["children"]) == 1


def test_group_of_only_blank_rows_is_empty() -> None:
    _, service = compile_service(CHILDREN.replace("label: Дети\n", "label: Дети\n  required: true\n"))
    result = fill(service, {"children": [{}, {"child_snils": ""}]})
    assert error_texts(result) == ["Дети: заполните поле"]
    assert "children" not in result.answers


def test_group_unknown_sub_keys_are_errors() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [{**KID, "nickname": "Петя"}]})
    (issue,) = result.errors
    assert issue.path == "children[0].nickname"
    assert issue.text == "Ребенок №1: такого поля нет в форме услуги"


def test_group_that_is_not_a_list_of_items() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [KID, "Петя"]})
    assert error_texts(result) == ["Дети: ожидается список записей"]


GROUP_WITH_CONDITION = """
- id: children
  kind: group
  label: Дети
  item_label: Ребенок
  fields:
    - {id: name, kind: text, label: Имя, required: true}
    - {id: has_doc, kind: boolean, label: Есть документ}
    - {id: doc_date, kind: date, label: Дата документа, required: true, visible_if: "has_doc == true"}
"""


def test_group_member_relevance_per_item() -> None:
    _, service = compile_service(GROUP_WITH_CONDITION)
    result = fill(service, {"children": [{"name": "Петя", "has_doc": "да"}, {"name": "Вася", "doc_date": "1.2.2020"}]})
    assert error_texts(result) == ["Ребенок №1, Дата документа: заполните поле"]
    assert result.answers["children"][1] == {"name": "Вася"}
    assert "children[0].doc_date" in result.visible_fields
    assert "children[1].doc_date" not in result.visible_fields


def test_group_hidden_member_is_not_validated() -> None:
    _, service = compile_service(GROUP_WITH_CONDITION)
    result = fill(service, {"children": [{"name": "Вася", "has_doc": False, "doc_date": "не помню"}]})
    assert result.ok, error_texts(result)
    assert result.answers == {"children": [{"name": "Вася", "has_doc": False}]}


def test_group_item_numbers_are_consistent_after_a_blank_row() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [{}, {"child_birth_date": "01.02.2018", "child_snils": "112-233-445 96"}]})
    # Both problems are in the same row (the ФИО is missing, the СНИЛС is wrong), so they must carry
    # the same row index and number, whichever numbering (raw rows or kept items) is chosen.
    assert sorted(i.path.split(".")[1] for i in result.errors) == ["child", "child_snils"]
    assert len({i.path.split(".")[0] for i in result.errors}) == 1, [i.path for i in result.errors]
    assert len({i.label.split(",")[0] for i in result.errors}) == 1, error_texts(result)


def test_group_member_with_an_untypeable_value_is_reported_once() -> None:
    _, service = compile_service(CHILDREN)
    result = fill(service, {"children": [{**KID, "child_birth_date": "31.02.2018"}]})
    assert error_texts(result) == ["Ребенок №1, Дата рождения: ожидается дата в формате дд.мм.гггг"]


# --- guard: every kind has a valid case above ------------------------------------------------


def test_every_field_kind_is_covered() -> None:
    covered = {c[0].split(",")[0].removeprefix("kind: ") for c in VALID_CASES}
    covered |= {"person", "address", "identity_document", "vehicle", "bank_account", "group"}
    assert covered == {k.value for k in FieldKind}


def test_bank_account_letters_are_refused_not_dropped() -> None:
    assert refused("kind: bank_account", {"bik": "04452522A5", "account": ACCOUNT}, label="Счёт") == [
        "Счёт: БИК: должно быть 9 цифр"
    ]


def test_compound_value_with_an_unknown_part_is_refused() -> None:
    texts_ = refused("kind: person", {"surname": "Иванов", "name": "Иван", "nickname": "Ваня"}, label="ФИО")
    assert texts_ == ["ФИО: «nickname»: такого поля нет в форме услуги"]


def test_choice_value_with_surrounding_spaces() -> None:
    assert normalised("kind: choice, options: [один, два]", " два ") == "два"
