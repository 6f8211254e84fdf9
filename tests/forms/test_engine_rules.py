"""The form engine beyond single fields: required, relevance, calculated values, cross-field
rules, fees with tariff history and exemptions, deadlines on the production calendar, the
documents checklist, unknown keys, context names — and a property test that `evaluate` never
raises whatever JSON it is given.

Services are written inline with `formkit`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from formkit import TODAY, compile_service, error_texts, fill, texts, warning_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.calendar import ProductionCalendar
from forms.engine import FREE, calendar_for, due_date, example_answers
from forms.model import DeadlineRule, DeadlineUnit, Severity

# --- required ---------------------------------------------------------------------------------


def test_required_true_and_false() -> None:
    _, service = compile_service("""
        - {id: surname, kind: text, label: Фамилия, required: true}
        - {id: nickname, kind: text, label: Псевдоним, required: false}
        - {id: note, kind: text, label: Примечание}
    """)
    result = fill(service, {"surname": "  ", "nickname": ""})
    (issue,) = result.issues
    assert (issue.path, issue.field, issue.severity) == ("surname", "surname", Severity.ERROR)
    assert issue.text == "Фамилия: заполните поле"
    assert fill(service, {"surname": "Иванова"}).ok


def test_required_by_expression() -> None:
    _, service = compile_service("""
        - {id: reason, kind: choice, label: Причина, options: [loss, age20]}
        - {id: circumstances, kind: textarea, label: Обстоятельства утраты, required: "reason == 'loss'"}
    """)
    assert error_texts(fill(service, {"reason": "loss"})) == ["Обстоятельства утраты: заполните поле"]
    assert fill(service, {"reason": "age20"}).ok
    # an unknown condition (reason is empty) does not make the field required
    assert fill(service, {}).ok


def test_required_by_a_calculated_value() -> None:
    _, service = compile_service("""
        - {id: birth_date, kind: date, label: Дата рождения, required: true}
        - {id: marital_status, kind: choice, label: Семейное положение, required: "age >= 18",
           options: [single, married]}
    """, calculated="- {id: age, label: Возраст, expr: 'age(birth_date)'}")
    adult, child = "14.03.1980", "14.03.2015"
    assert error_texts(fill(service, {"birth_date": adult})) == ["Семейное положение: заполните поле"]
    assert fill(service, {"birth_date": child}).ok


# --- relevance --------------------------------------------------------------------------------

RELEVANCE = """
- {id: reason, kind: choice, label: Причина, required: true, options: [loss, damage, age20]}
- {id: circumstances, kind: textarea, label: Обстоятельства утраты, required: true,
   visible_if: "reason == 'loss'"}
- {id: police_snils, kind: snils, label: СНИЛС сотрудника полиции, visible_if: "reason == 'loss'"}
- {id: police_report, kind: boolean, label: Заявляли в полицию, visible_if: "reason == 'loss'"}
- {id: report_date, kind: date, label: Дата заявления в полицию, required: true,
   visible_if: "police_report == true"}
"""


def test_hidden_field_is_dropped_not_validated_not_required() -> None:
    _, service = compile_service(RELEVANCE)
    answers = {"reason": "age20", "circumstances": "потерял", "police_snils": "112-233-445 96"}
    result = fill(service, answers)
    assert result.ok, texts(result.issues)
    assert result.answers == {"reason": "age20"}
    assert result.visible_fields == {"reason"}


def test_visible_field_is_validated_and_required() -> None:
    _, service = compile_service(RELEVANCE)
    result = fill(service, {"reason": "loss", "police_snils": "112-233-445 96"})
    assert sorted(error_texts(result)) == ["Обстоятельства утраты: заполните поле",
                                           "СНИЛС сотрудника полиции: неверная контрольная сумма"]
    assert {"circumstances", "police_snils", "police_report"} <= result.visible_fields
    assert "report_date" not in result.visible_fields


def test_field_hidden_because_its_condition_uses_a_hidden_field() -> None:
    _, service = compile_service(RELEVANCE)
    # police_report is true, but police_report itself is hidden (reason is not loss), so the
    # report date that depends on it is hidden as well: not required, its value dropped.
    result = fill(service, {"reason": "damage", "police_report": True, "report_date": "01.06.2025"})
    assert result.ok, texts(result.issues)
    assert result.answers == {"reason": "damage"}
    assert "report_date" not in result.visible_fields
    # once the chain is shown, the date is required
    result = fill(service, {"reason": "loss", "circumstances": "потерял", "police_report": "да"})
    assert error_texts(result) == ["Дата заявления в полицию: заполните поле"]


SECTIONS = """
- id: kind-section
  title: Кто обращается
  fields:
    - {id: by_representative, kind: boolean, label: Обращается представитель, required: true}
- id: representative
  title: Сведения о представителе
  visible_if: "by_representative == true"
  fields:
    - {id: rep, kind: person, label: ФИО представителя, required: true}
    - {id: rep_snils, kind: snils, label: СНИЛС представителя}
    - {id: has_poa, kind: boolean, label: Есть доверенность}
- id: poa
  title: Доверенность
  visible_if: "has_poa == true"
  fields:
    - {id: poa_number, kind: text, label: Номер доверенности, required: true}
"""


def test_hidden_section_hides_its_fields() -> None:
    _, service = compile_service(sections=SECTIONS)
    answers = {"by_representative": "нет", "rep": {"surname": "Петров2"}, "rep_snils": "1",
               "has_poa": True, "poa_number": ""}
    result = fill(service, answers)
    assert result.ok, texts(result.issues)
    assert result.answers == {"by_representative": False}
    assert result.visible_sections == {"kind-section"}
    assert result.visible_fields == {"by_representative"}


def test_visible_section_requires_its_fields() -> None:
    _, service = compile_service(sections=SECTIONS)
    result = fill(service, {"by_representative": True, "has_poa": True})
    assert result.visible_sections == {"kind-section", "representative", "poa"}
    assert sorted(error_texts(result)) == ["Номер доверенности: заполните поле", "ФИО представителя: заполните поле"]


def test_section_hidden_because_its_condition_uses_a_field_of_a_hidden_section() -> None:
    _, service = compile_service(sections=SECTIONS)
    result = fill(service, {"by_representative": False, "has_poa": True})
    assert result.visible_sections == {"kind-section"}
    assert result.ok, texts(result.issues)


def test_condition_referring_forward_to_a_hidden_field() -> None:
    _, service = compile_service("""
        - {id: details, kind: text, label: Подробности, required: true, visible_if: "kind == 'other'"}
        - {id: specify, kind: boolean, label: Уточнить вид}
        - {id: kind, kind: choice, label: Вид, options: [main, other], visible_if: "specify == true"}
    """)
    result = fill(service, {"kind": "other"})  # `kind` is hidden: specify is not set
    assert "kind" not in result.visible_fields
    assert "details" not in result.visible_fields
    assert result.ok, texts(result.issues)


def test_calculated_value_of_a_hidden_field_does_not_show_fields() -> None:
    _, service = compile_service("""
        - {id: give_birth_date, kind: boolean, label: Указать дату рождения}
        - {id: birth_date, kind: date, label: Дата рождения, visible_if: "give_birth_date == true"}
        - {id: guardian, kind: person, label: Законный представитель, required: true, visible_if: "age < 18"}
    """, calculated="- {id: age, label: Возраст, expr: 'age(birth_date)'}")
    result = fill(service, {"birth_date": "01.01.2015"})
    assert result.calculated == {"age": None}
    assert "guardian" not in result.visible_fields
    assert result.ok, texts(result.issues)


# --- calculated values ------------------------------------------------------------------------

AGE = """
- {id: birth_date, kind: date, label: Дата рождения, required: true, past_only: true}
- {id: guardian, kind: person, label: Законный представитель, required: true, visible_if: "age < 18"}
"""
AGE_CALC = """
- {id: age, label: Возраст (полных лет), expr: "age(birth_date)"}
- {id: turns_18, label: Дата совершеннолетия, expr: "add_years(birth_date, 18)"}
"""


@pytest.mark.parametrize(("born", "today", "age"), [
    ("16.06.2007", date(2025, 6, 16), 18),  # the 18th birthday is today
    ("17.06.2007", date(2025, 6, 16), 17),  # tomorrow
    ("29.02.2008", date(2025, 2, 28), 17),
    ("29.02.2008", date(2026, 2, 28), 18),  # a leap-day birthday falls on 28 February
    ("2000-01-01", date(2025, 6, 16), 25),
])
def test_age_is_counted_on_context_today(born: str, today: date, age: int) -> None:
    _, service = compile_service(AGE, calculated=AGE_CALC)
    result = fill(service, {"birth_date": born, "guardian": {"surname": "Иванова", "name": "Мария"}},
                  today=today)
    assert result.calculated["age"] == age
    assert ("guardian" in result.visible_fields) is (age < 18)
    assert result.ok, texts(result.issues)


def test_calculated_value_used_in_visible_if() -> None:
    _, service = compile_service(AGE, calculated=AGE_CALC)
    result = fill(service, {"birth_date": "01.02.2015"})
    assert result.calculated == {"age": 10, "turns_18": date(2033, 2, 1)}
    assert error_texts(result) == ["Законный представитель: заполните поле"]
    adult = fill(service, {"birth_date": "01.02.1990", "guardian": {"surname": "Иванова", "name": "Мария"}})
    assert adult.ok and "guardian" not in adult.answers and "guardian" not in adult.visible_fields


def test_calculated_value_of_an_empty_field_is_none() -> None:
    _, service = compile_service(AGE, calculated=AGE_CALC)
    result = fill(service, {})
    assert result.calculated == {"age": None, "turns_18": None}
    assert "guardian" not in result.visible_fields  # unknown condition does not hold


def test_calculated_value_that_cannot_be_evaluated_is_none() -> None:
    _, service = compile_service("- {id: note, kind: text, label: Примечание}",
                                 calculated="- {id: weird, label: Странное, expr: \"note * 2\"}")
    result = fill(service, {"note": "текст"})
    assert result.ok and result.calculated == {"weird": None}


def test_calculated_values_are_not_answers() -> None:
    _, service = compile_service(AGE, calculated=AGE_CALC)
    result = fill(service, {"birth_date": "01.02.1990", "age": 35})
    assert error_texts(result) == ["age: такого поля нет в форме услуги"]
    assert "age" not in result.answers


# --- cross-field rules ------------------------------------------------------------------------

RULES_FIELDS = """
- {id: birth_date, kind: date, label: Дата рождения}
- {id: reason, kind: choice, label: Причина, options: [age20, loss]}
- {id: identity, kind: identity_document, label: Паспорт, visible_if: "reason != 'loss'"}
- {id: comment, kind: text, label: Комментарий}
"""
RULES = """
- id: issued-after-birth
  check: "identity.issue_date > birth_date"
  message: дата выдачи паспорта не может быть раньше даты рождения
  field: identity
- id: age-20
  check: "reason != 'age20' or age >= 20"
  message: замена по достижении 20 лет возможна не ранее дня 20-летия
  field: reason
- id: comment-short
  check: "len(comment) <= 10"
  message: комментарий лучше сократить
  field: comment
  severity: warning
- id: broken
  check: "comment > 5"
  message: не должно появиться
  field: comment
"""
PASSPORT = {"series": "4500", "number": "123456", "issuer": "ОВД", "division_code": "772-045"}


def rules_service() -> Any:
    _, service = compile_service(RULES_FIELDS, rules=RULES,
                                 calculated="- {id: age, label: Возраст, expr: 'age(birth_date)'}")
    return service


def test_error_rule_with_dates_typed_the_russian_way() -> None:
    result = fill(rules_service(), {"birth_date": "14.03.1980", "reason": "age20",
                                    "identity": {**PASSPORT, "issue_date": "10.04.1979"}})
    (issue,) = result.issues
    assert (issue.path, issue.field, issue.severity) == ("identity", "identity", Severity.ERROR)
    assert issue.text == "Паспорт: дата выдачи паспорта не может быть раньше даты рождения"
    fixed = fill(rules_service(), {"birth_date": "14.03.1980", "reason": "age20",
                                   "identity": {**PASSPORT, "issue_date": "10.04.2000"}})
    assert fixed.ok and fixed.issues == ()


def test_rule_over_a_calculated_value() -> None:
    result = fill(rules_service(), {"birth_date": "20.06.2005", "reason": "age20"})
    assert error_texts(result) == ["Причина: замена по достижении 20 лет возможна не ранее дня 20-летия"]
    assert fill(rules_service(), {"birth_date": "16.06.2005", "reason": "age20"}).ok


def test_warning_rule_does_not_block() -> None:
    result = fill(rules_service(), {"comment": "очень длинный комментарий"})
    assert result.ok
    assert result.errors == ()
    assert "Комментарий: комментарий лучше сократить" in warning_texts(result)


def test_rule_that_cannot_be_evaluated_is_a_warning() -> None:
    result = fill(rules_service(), {"comment": "ok"})
    assert result.ok
    assert warning_texts(result) == ["Комментарий: правило «broken» не удалось проверить"]


def test_rule_over_a_hidden_field_does_not_fire() -> None:
    result = fill(rules_service(), {"birth_date": "14.03.1980", "reason": "loss",
                                    "identity": {**PASSPORT, "issue_date": "10.04.1979"}})
    assert result.ok, texts(result.issues)
    assert result.issues == ()


def test_rule_whose_expression_reads_a_hidden_field_does_not_fire() -> None:
    _, service = compile_service(RULES_FIELDS, rules="""
        - id: comment-needs-passport
          check: "empty(comment) or filled(identity)"
          message: комментарий возможен только при указании паспорта
          field: comment
    """)
    answers = {"reason": "loss", "comment": "важно", "identity": {**PASSPORT, "issue_date": "10.04.2000"}}
    assert fill(service, answers).issues == ()
    result = fill(service, {"reason": "age20", "comment": "важно"})
    assert error_texts(result) == ["Комментарий: комментарий возможен только при указании паспорта"]


def test_rule_with_unknown_values_does_not_fire() -> None:
    assert fill(rules_service(), {}).issues == ()
    # only one side of the comparison is known
    assert fill(rules_service(), {"birth_date": "14.03.1980"}).issues == ()
    assert fill(rules_service(), {"identity": {**PASSPORT, "issue_date": "10.04.1979"}}).issues == ()


# --- fee --------------------------------------------------------------------------------------

FEE_FIELDS = """
- {id: reason, kind: choice, label: Причина, options: [age20, loss, damage]}
- {id: copies, kind: integer, label: Количество документов, min: 1}
"""
FEE = """
- when: "reason in ['loss', 'damage']"
  tariff: passport-rf-loss
- tariff: passport-rf
"""


@pytest.mark.parametrize(("today", "amount"), [
    (date(2014, 12, 31), Decimal(200)),
    (date(2015, 1, 1), Decimal(300)),
    (date(2024, 12, 31), Decimal(300)),
    (date(2025, 1, 1), Decimal(600)),
    (TODAY, Decimal(600)),
])
def test_fee_follows_the_tariff_history(today: date, amount: Decimal) -> None:
    _, service = compile_service(FEE_FIELDS, fee=FEE)
    fee = fill(service, {"reason": "age20"}, today=today).fee
    assert fee.amount == fee.full_amount == amount
    assert fee.tariff == "passport-rf"
    assert fee.title == "Госпошлина за выдачу паспорта гражданина РФ"
    assert fee.basis == "подп. 1 п. 1 ст. 333.33 НК РФ"
    assert fee.exempt_by is None


def test_fee_when_alternatives() -> None:
    _, service = compile_service(FEE_FIELDS, fee=FEE)
    assert fill(service, {"reason": "loss"}).fee.tariff == "passport-rf-loss"
    assert fill(service, {"reason": "damage"}, today=date(2024, 6, 1)).fee.amount == Decimal(1500)
    assert fill(service, {"reason": "damage"}).fee.amount == Decimal(3000)
    # an unknown condition does not hold: the next alternative applies
    assert fill(service, {}).fee.tariff == "passport-rf"


def test_fee_times() -> None:
    _, service = compile_service(FEE_FIELDS, fee="{tariff: apostille, times: copies}")
    fee = fill(service, {"copies": "3"}).fee
    assert (fee.amount, fee.full_amount, fee.tariff) == (Decimal(15000), Decimal(15000), "apostille")
    assert fill(service, {"copies": 1}, today=date(2024, 1, 10)).fee.amount == Decimal(2500)
    # unknown multiplier: charged once
    assert fill(service, {}).fee.amount == Decimal(5000)


def test_fee_times_over_a_group() -> None:
    _, service = compile_service("""
        - id: papers
          kind: group
          label: Документы для апостиля
          fields: [{id: title, kind: text, label: Название}]
    """, fee="{tariff: apostille, times: 'count(papers)'}")
    papers = [{"title": "Диплом"}, {}, {"title": "Свидетельство о браке"}]
    assert fill(service, {"papers": papers}).fee.amount == Decimal(10000)


@pytest.mark.parametrize(("privileges", "exempt_by"), [
    ({"wwii-veteran"}, "wwii-veteran"),
    ({"disabled-1"}, "disabled-1"),
    ({"wwii-veteran", "disabled-1", "pensioner"}, "disabled-1"),  # deterministic: the first id
])
def test_fee_exemption_by_privileged_category(privileges: set[str], exempt_by: str) -> None:
    _, service = compile_service(FEE_FIELDS, fee=FEE, exemptions=["wwii-veteran", "disabled-1"])
    fee = fill(service, {"reason": "loss"}, privileges=privileges).fee
    assert fee.amount == Decimal(0)
    assert fee.full_amount == Decimal(3000)
    assert fee.tariff == "passport-rf-loss"
    assert fee.exempt_by == exempt_by


def test_privilege_not_among_the_exemptions_pays() -> None:
    _, service = compile_service(FEE_FIELDS, fee=FEE, exemptions=["wwii-veteran"])
    fee = fill(service, {"reason": "age20"}, privileges={"pensioner", "large-family"}).fee
    assert (fee.amount, fee.exempt_by) == (Decimal(600), None)


def test_no_fee_is_free() -> None:
    _, service = compile_service(FEE_FIELDS)
    fee = fill(service, {"reason": "loss"}).fee
    assert fee == FREE
    assert fee.amount == Decimal(0) and fee.tariff is None


def test_fee_before_the_tariff_exists_is_free() -> None:
    _, service = compile_service(FEE_FIELDS, fee="{tariff: new-tariff}")
    assert fill(service, {}).fee == FREE
    assert fill(service, {}, today=date(2030, 1, 1)).fee.amount == Decimal(100)


def test_fee_with_no_applicable_alternative_is_free() -> None:
    _, service = compile_service(FEE_FIELDS, fee="[{when: \"reason == 'loss'\", tariff: passport-rf-loss}]")
    assert fill(service, {"reason": "age20"}).fee == FREE


def test_fee_uses_the_catalog_tariffs_passed_in() -> None:
    catalog, service = compile_service(FEE_FIELDS, fee=FEE)
    assert fill(service, {}, tariffs=catalog.tariffs).fee.amount == Decimal(600)
    assert fill(service, {}, tariffs={}).fee == FREE


# --- deadline ---------------------------------------------------------------------------------

DEADLINE_FIELDS = "- {id: registered_here, kind: boolean, label: Зарегистрирован по месту обращения}"


def test_deadline_alternatives() -> None:
    _, service = compile_service(DEADLINE_FIELDS, deadline="""
        - {when: "registered_here", months: 1}
        - {months: 3}
    """)
    here = fill(service, {"registered_here": "да"}).deadline
    assert here == DeadlineRule(DeadlineUnit.MONTHS, 1, here.when)
    assert here.describe() == "1 месяц"
    elsewhere = fill(service, {"registered_here": "нет"}).deadline
    assert (elsewhere.unit, elsewhere.amount, elsewhere.describe()) == (DeadlineUnit.MONTHS, 3, "3 месяца")
    assert fill(service, {}).deadline.amount == 3


def test_no_applicable_deadline() -> None:
    _, service = compile_service(DEADLINE_FIELDS, deadline="[{when: registered_here, working_days: 5}]")
    assert fill(service, {"registered_here": False}).deadline is None
    assert due_date(None, date(2025, 10, 30), ProductionCalendar()) is None


@pytest.mark.parametrize(("deadline", "accepted", "due"), [
    # 1 November 2025 is a working Saturday; 3–4 November are days off
    ("working_days: 3", date(2025, 10, 30), date(2025, 11, 5)),
    # the New Year holidays of 2026 (31 December and 1–11 January are days off)
    ("working_days: 3", date(2025, 12, 29), date(2026, 1, 13)),
    ("working_days: 5", date(2025, 6, 16), date(2025, 6, 23)),  # 12 June is a holiday
    # 25 December + 7 calendar days = 1 January, a holiday: rolls to 12 January
    ("calendar_days: 7", date(2025, 12, 25), date(2026, 1, 12)),
    ("calendar_days: 30", date(2025, 6, 2), date(2025, 7, 2)),
    ("months: 1", date(2025, 1, 31), date(2025, 2, 28)),
    ("months: 1", date(2025, 4, 1), date(2025, 5, 5)),  # 1 May and the days off after it
    ("months: 3", date(2025, 3, 8), date(2025, 6, 9)),  # 8 June 2025 is a Sunday
])
def test_due_date_on_the_production_calendar(deadline: str, accepted: date, due: date) -> None:
    catalog, service = compile_service(DEADLINE_FIELDS, deadline=deadline)
    result = fill(service, {}, today=accepted)
    assert due_date(result.deadline, accepted, calendar_for(catalog)) == due


def test_due_date_uses_the_catalog_calendar_overrides() -> None:
    files = {"calendar.yaml": "overrides:\n  - {date: 2026-06-16, working: false, reason: тест}\n"}
    catalog, service = compile_service(DEADLINE_FIELDS, deadline="working_days: 1", files=files)
    assert catalog.calendar_overrides == {date(2026, 6, 16): False}
    deadline = fill(service, {}).deadline
    assert due_date(deadline, date(2026, 6, 15), calendar_for(catalog)) == date(2026, 6, 17)
    assert due_date(deadline, date(2026, 6, 15), ProductionCalendar()) == date(2026, 6, 16)


# --- documents checklist ----------------------------------------------------------------------

DOC_FIELDS = """
- {id: reason, kind: choice, label: Причина, options: [age14, age20, loss]}
- {id: married, kind: boolean, label: Состою в браке}
- {id: by_representative, kind: boolean, label: Через представителя}
"""
DOCS = """
- {doc: birth-certificate, originals: 1, when: "reason == 'age14'"}
- {doc: old-passport, originals: 1, when: "reason == 'age20'"}
- {doc: photo-35x45, originals: 2}
- {doc: marriage-certificate, originals: 1, copies: 1, required: "married == true"}
- {doc: power-of-attorney, originals: 1, copies: 1, required: "by_representative == true"}
- {doc: fee-receipt, originals: 1, required: false, note: проверяется по ГИС ГМП}
- {doc: egrn-extract, originals: 1, by_request: true}
"""


def checklist_of(result: Any) -> dict[str, bool]:
    return {item.requirement.doc: item.required for item in result.checklist}


def test_checklist_when_and_required_expression() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    result = fill(service, {"reason": "age14", "married": False})
    assert checklist_of(result) == {"birth-certificate": True, "photo-35x45": True, "marriage-certificate": False,
                                    "power-of-attorney": False, "fee-receipt": False, "egrn-extract": True}
    result = fill(service, {"reason": "age20", "married": True})
    assert checklist_of(result) == {"old-passport": True, "photo-35x45": True, "marriage-certificate": True,
                                    "power-of-attorney": False, "fee-receipt": False, "egrn-extract": True}
    assert [i.requirement.note for i in result.checklist if i.requirement.doc == "fee-receipt"] == [
        "проверяется по ГИС ГМП"]


def test_presented_documents_complete() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    presented = [{"doc": "old-passport", "originals": 1}, {"doc": "photo-35x45", "originals": 2}]
    result = fill(service, {"reason": "age20"}, presented=presented)
    assert result.ok, texts(result.issues)


def test_presented_rows_missing_are_errors_but_by_request_is_not_demanded() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    result = fill(service, {"reason": "age20", "married": True}, presented=[{"doc": "photo-35x45", "originals": 2}])
    assert sorted(error_texts(result)) == [
        "Документы: не представлен документ «marriage-certificate»",
        "Документы: не представлен документ «old-passport»",
    ]
    assert {i.path for i in result.errors} == {"documents.old-passport", "documents.marriage-certificate"}
    assert {i.field for i in result.errors} == {"documents"}


def test_fewer_originals_or_copies_than_needed() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    presented = [{"doc": "old-passport", "originals": 1}, {"doc": "photo-35x45", "originals": 1},
                 {"doc": "power-of-attorney", "originals": 1}]
    result = fill(service, {"reason": "age20", "by_representative": True}, presented=presented)
    assert sorted(error_texts(result)) == ["Документы: «photo-35x45»: нужно оригиналов: 2",
                                           "Документы: «power-of-attorney»: нужно копий: 1"]


def test_presented_rows_of_the_same_document_add_up() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    presented = [{"doc": "old-passport", "originals": "1"}, {"doc": "photo-35x45", "originals": 1},
                 {"doc": "photo-35x45", "originals": 1, "copies": "много"}]
    assert fill(service, {"reason": "age20"}, presented=presented).ok


def test_documents_are_not_checked_without_presented() -> None:
    _, service = compile_service(DOC_FIELDS, documents=DOCS)
    assert fill(service, {"reason": "age20", "married": True}).ok


# --- unknown keys, context names ---------------------------------------------------------------


def test_unknown_answer_keys_are_errors() -> None:
    _, service = compile_service("- {id: surname, kind: text, label: Фамилия}")
    result = fill(service, {"surname": "Иванов", "surnmae": "Иванов", "office_type": "palace"})
    assert sorted((i.path, i.text) for i in result.errors) == [
        ("office_type", "office_type: такого поля нет в форме услуги"),
        ("surnmae", "surnmae: такого поля нет в форме услуги"),
    ]
    assert result.answers == {"surname": "Иванов"}


CONTEXT_FIELDS = """
- {id: vip_note, kind: text, label: Отметка для дворца, required: true, visible_if: "office_type == 'palace'"}
- {id: visit_address, kind: address, label: Адрес выезда, required: "channel == 'home_visit'"}
- {id: large_family_id, kind: text, label: Номер удостоверения многодетной семьи,
   visible_if: "'large-family' in privileges", required: true}
"""


def test_office_type_in_expressions() -> None:
    _, service = compile_service(CONTEXT_FIELDS)
    assert error_texts(fill(service, {}, office_type="palace")) == ["Отметка для дворца: заполните поле"]
    assert fill(service, {}, office_type="district").ok
    assert fill(service, {}).ok  # unknown office type: the condition does not hold


def test_channel_in_expressions() -> None:
    _, service = compile_service(CONTEXT_FIELDS)
    assert error_texts(fill(service, {}, channel="home_visit")) == ["Адрес выезда: заполните поле"]
    assert fill(service, {}).ok  # the default channel is the window


def test_privileges_in_expressions() -> None:
    _, service = compile_service(CONTEXT_FIELDS, fee="""
        - {when: "'large-family' in privileges", tariff: passport-rf-loss}
        - {tariff: passport-rf}
    """)
    result = fill(service, {}, privileges={"large-family", "pensioner"})
    assert error_texts(result) == ["Номер удостоверения многодетной семьи: заполните поле"]
    assert result.fee.tariff == "passport-rf-loss"
    assert fill(service, {"large_family_id": "123"}, privileges={"pensioner"}).answers == {}


def test_today_in_expressions_comes_from_the_context() -> None:
    _, service = compile_service(
        "- {id: visit_date, kind: date, label: Дата визита}",
        rules="""
            - id: within-a-month
              check: "days_between(today(), visit_date) <= 30"
              message: запись возможна не далее чем на 30 дней вперёд
              field: visit_date
        """)
    answers = {"visit_date": "20.07.2025"}
    assert fill(service, answers, today=date(2025, 6, 16)).errors
    assert fill(service, answers, today=date(2025, 7, 1)).ok


def test_evaluate_does_not_change_the_answers() -> None:
    _, service = compile_service(RELEVANCE)
    answers = {"reason": "loss", "circumstances": "  потерял  ", "police_report": "да", "report_date": "01.06.2025"}
    before = {**answers}
    fill(service, answers)
    assert answers == before


# --- evaluate never raises ----------------------------------------------------------------------

MANY_KINDS = """
- {id: applicant, kind: person, label: ФИО, required: true}
- {id: birth_date, kind: date, label: Дата рождения, past_only: true}
- {id: note, kind: text, label: Примечание, max_length: 20, mask: "99-99"}
- {id: story, kind: textarea, label: Обстоятельства}
- {id: count, kind: integer, label: Количество, min: 0, max: 10}
- {id: area, kind: decimal, label: Площадь, places: 2}
- {id: amount, kind: money, label: Сумма}
- {id: agree, kind: boolean, label: Согласие}
- {id: okrug, kind: choice, label: Округ, options: [cao, sao]}
- {id: district, kind: choice, label: Район, depends_on: okrug, options: {cao: [arbat], sao: [airport]}}
- {id: ways, kind: multichoice, label: Способы, options: [sms, email], max_selected: 1}
- {id: address, kind: address, label: Адрес}
- {id: phone, kind: phone, label: Телефон}
- {id: email, kind: email, label: Почта}
- {id: identity, kind: identity_document, label: Документ, kinds: [passport-rf, birth-certificate]}
- {id: snils, kind: snils, label: СНИЛС}
- {id: inn, kind: inn, label: ИНН}
- {id: ogrn, kind: ogrn, label: ОГРН}
- {id: ogrnip, kind: ogrnip, label: ОГРНИП}
- {id: oms, kind: oms, label: ОМС}
- {id: birth_cert, kind: birth_certificate, label: Свидетельство}
- {id: cadastral, kind: cadastral, label: Кадастровый номер}
- {id: licence, kind: driving_licence, label: ВУ}
- {id: car, kind: vehicle, label: ТС}
- {id: bank, kind: bank_account, label: Счёт}
- id: children
  kind: group
  label: Дети
  min_items: 1
  max_items: 3
  fields:
    - {id: child, kind: person, label: ФИО, required: true}
    - {id: child_birth_date, kind: date, label: Дата рождения, visible_if: "agree == true"}
  rules:
    - {id: young, check: "age(child_birth_date) < 18", message: только дети, field: child_birth_date}
"""
MANY_RULES = """
- {id: r1, check: "identity.issue_date > birth_date", message: дата выдачи, field: identity}
- {id: r2, check: "count * area < amount", message: сумма, field: amount, severity: warning}
- {id: r3, check: "contains(ways, 'sms') or empty(phone)", message: телефон, field: phone}
- {id: r4, check: "sum(children, 'child_birth_date') == 0", message: странное, field: children}
"""
MANY_FEE = "[{when: \"okrug == 'cao'\", tariff: apostille, times: count}, {tariff: passport-rf, times: 'len(ways)'}]"
MANY_DOCS = "- {doc: passport-rf, originals: 1, when: \"filled(identity)\", required: \"age >= 14\"}"
MANY_CALC = """
- {id: age, label: Возраст, expr: "age(birth_date)"}
- {id: total, label: Итого, expr: "amount + area * count"}
"""

json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**12), max_value=10**12)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
                | st.sampled_from(["", " ", "да", "cao", "arbat", "sms", "31.02.2025", "01.02.2015",
                                   "2015-02-01", "112-233-445 95", "8 916 123-45-67", "1e5", "1 500,50"]))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["surname", "name", "sex", "series", "number", "issue_date", "kind", "vin", "plate",
                         "year", "bik", "account", "child", "child_birth_date", "city", "street", "house", "x"]),
        children, max_size=5),
    max_leaves=12,
)
FIELD_IDS = ["applicant", "birth_date", "note", "story", "count", "area", "amount", "agree", "okrug",
             "district", "ways", "address", "phone", "email", "identity", "snils", "inn", "ogrn", "ogrnip",
             "oms", "birth_cert", "cadastral", "licence", "car", "bank", "children"]
answers_strategy = st.dictionaries(st.sampled_from([*FIELD_IDS, "unknown", "age"]), json_values, max_size=10)
presented_strategy = st.none() | st.lists(st.dictionaries(
    st.sampled_from(["doc", "originals", "copies"]), json_scalars, max_size=3), max_size=3)


@pytest.fixture(scope="module")
def many_kinds_service() -> Any:
    catalog, service = compile_service(MANY_KINDS, rules=MANY_RULES, fee=MANY_FEE, documents=MANY_DOCS,
                                       calculated=MANY_CALC, exemptions=["disabled-1"])
    return catalog, service


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, presented=presented_strategy,
       today=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       channel=st.sampled_from(["window", "home_visit"]),
       privileges=st.frozensets(st.sampled_from(["disabled-1", "pensioner"])))
def test_evaluate_never_raises(many_kinds_service: Any, answers: dict[str, Any], presented: Any, today: date,
                               channel: str, privileges: frozenset[str]) -> None:
    catalog, service = many_kinds_service
    result = fill(service, answers, today=today, channel=channel, privileges=privileges, presented=presented,
                  tariffs=catalog.tariffs)
    for issue in result.issues:
        assert issue.text.startswith(f"{issue.label}: ")
        assert issue.message
    assert set(result.answers) <= set(FIELD_IDS)
    assert result.fee.amount >= 0
    assert result.deadline is not None


def test_evaluate_accepts_the_example_of_a_full_service() -> None:
    """The example block is checked by the compiler, so the inline service compiles only if it passes."""
    catalog, service = compile_service(
        MANY_KINDS, rules=MANY_RULES, fee=MANY_FEE, documents=MANY_DOCS, calculated=MANY_CALC,
        example="""
            applicant: {surname: Иванова, name: Анна, sex: female}
            birth_date: 1980-03-14
            okrug: cao
            district: arbat
            count: 2
            children:
              - {child: {surname: Иванов, name: Петр}}
        """)
    result = fill(service, example_answers(service), tariffs=catalog.tariffs)
    assert result.ok, texts(result.issues)
    assert result.answers["birth_date"] == "1980-03-14"
    assert result.fee.amount == Decimal(10000)  # okrug cao: apostille × count 2
    assert result.calculated["age"] == 45
