"""Tests for forms.expressions: the safe expression language of the service catalog."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forms import expressions
from forms.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LIST_ITEMS,
    MAX_SOURCE_LENGTH,
    TODAY_KEY,
    EvaluationError,
    Expression,
    ExpressionError,
    FunctionSpec,
    parse,
    truthy,
)

TODAY = date(2025, 3, 15)


def ev(source: str, env: Mapping[str, Any] | None = None, **names: Any) -> Any:
    """Parse and evaluate with a fixed today."""
    scope: dict[str, Any] = {TODAY_KEY: TODAY}
    scope.update(env or {})
    scope.update(names)
    return parse(source).evaluate(scope)


def compile_error(source: str, functions: Mapping[str, FunctionSpec] | None = None) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(source, functions)
    return info.value


def eval_error(source: str, **names: Any) -> EvaluationError:
    with pytest.raises(EvaluationError) as info:
        ev(source, **names)
    return info.value


# ------------------------------------------------------------------------------------------
# Literals
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("14", 14),
        ("007", 7),
        ("1500.50", Decimal("1500.50")),
        ("'loss'", "loss"),
        ('"loss"', "loss"),
        ("'утрата паспорта'", "утрата паспорта"),
        (r"'it\'s'", "it's"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'back\\slash'", "back\\slash"),
        ("'say \"hi\"'", 'say "hi"'),
        ("''", ""),
        ("true", True),
        ("false", False),
        ("null", None),
        ("[]", []),
        ("['loss', 'damage']", ["loss", "damage"]),
        ("[1, 2,]", [1, 2]),
        ("[[1], [2, 3]]", [[1], [2, 3]]),
        ("[-1, 2.5]", [-1, Decimal("2.5")]),
        ("  \n\t 14 \n", 14),
        ("\u00a014", 14),  # a non-breaking space pasted from a document is whitespace
    ],
)
def test_literals(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


def test_decimal_literal_is_exact() -> None:
    assert ev("0.1 + 0.2") == Decimal("0.3")


def test_constant_list_result_is_fresh_each_time() -> None:
    expr = parse("[1, 2]")
    first = expr.evaluate({})
    first.append(3)
    assert expr.evaluate({}) == [1, 2]


def test_list_with_names() -> None:
    assert ev("[a, b + 1, 'x']", a=1, b=2) == [1, 3, "x"]


# ------------------------------------------------------------------------------------------
# Precedence and associativity
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),  # left associative
        ("10 - (4 - 3)", 9),
        ("2 * 3 - 4 * 5", -14),
        ("12 / 2 / 3", Decimal(2)),  # left associative
        ("12 / (2 / 3)", Decimal(18)),
        ("-2 * 3", -6),
        ("-(2 + 3) * 2", -10),
        ("2 * -3", -6),
        ("2 - -3", 5),
        ("- -3", 3),
        ("1 + 2 == 3", True),
        ("1 + 2 * 3 > 6 and 1 < 2", True),
        ("not 1 == 2", True),  # not binds looser than comparison
        ("not true or true", True),  # (not true) or true
        ("not (true or true)", False),
        ("true or false and false", True),  # and binds tighter than or
        ("(true or false) and false", False),
        ("false and false or true", True),
        ("not not true", True),
        ("'a' in ['a', 'b'] and 1 == 1", True),
        ("1 + 1 in [2, 3]", True),  # arithmetic binds tighter than in
        ("x not in [1, 2] or false", True),
    ],
)
def test_precedence(source: str, expected: Any) -> None:
    assert ev(source, x=5) == expected


def test_chained_comparison_is_rejected() -> None:
    error = compile_error("1 < x < 3")
    assert error.message == "сравнения нельзя объединять в цепочку; используйте «and»"
    assert error.position == 6
    assert compile_error("a == b in c").position == 7


# ------------------------------------------------------------------------------------------
# Operators
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2 + 3", 5),
        ("2 + 0.5", Decimal("2.5")),
        ("0.5 + 2", Decimal("2.5")),
        ("5 - 7", -2),
        ("1500.50 - 500", Decimal("1000.50")),
        ("6 * 7", 42),
        ("1.5 * 2", Decimal("3.0")),
        ("7 / 2", Decimal("3.5")),
        ("6 / 3", Decimal(2)),
        ("1500.50 / 2", Decimal("750.25")),
        ("'Иванов' + ' ' + 'Иван'", "Иванов Иван"),
        ("-5", -5),
        ("-x", -4),
        ("-1.5", Decimal("-1.5")),
    ],
)
def test_arithmetic(source: str, expected: Any) -> None:
    result = ev(source, x=4)
    assert result == expected
    assert type(result) is type(expected)


def test_division_by_zero() -> None:
    assert eval_error("1 / 0").message == "деление на ноль"
    assert eval_error("1 / 0.0").message == "деление на ноль"
    assert eval_error("x / y", x=1, y=0).message == "деление на ноль"


def test_date_arithmetic() -> None:
    d1, d2 = date(2025, 1, 10), date(2024, 12, 31)
    assert ev("a - b", a=d1, b=d2) == 10
    assert ev("b - a", a=d1, b=d2) == -10
    assert ev("a + 5", a=d1) == date(2025, 1, 15)
    assert ev("5 + a", a=d1) == date(2025, 1, 15)
    assert ev("a - 10", a=d1) == date(2024, 12, 31)
    assert ev("a - b", a=datetime(2025, 1, 10, 23, 59), b=d2) == 10


@pytest.mark.parametrize(
    ("source", "names", "message"),
    [
        ("'a' - 1", {}, "нельзя применить «-» к значениям: строка и число"),
        ("'a' + 1", {}, "нельзя применить «+» к значениям: строка и число"),
        ("d + 'x'", {"d": date(2025, 1, 1)}, "нельзя применить «+» к значениям: дата и строка"),
        ("d + d", {"d": date(2025, 1, 1)}, "нельзя применить «+» к значениям: дата и дата"),
        ("d + 1.5", {"d": date(2025, 1, 1)}, "нельзя применить «+» к значениям: дата и число"),
        ("'a' * 3", {}, "нельзя применить «*» к значениям: строка и число"),
        ("true + 1", {}, "нельзя применить «+» к значениям: логическое значение и число"),
        ("[1] + [2]", {}, "нельзя применить «+» к значениям: список и список"),
        ("r / 2", {"r": {"a": 1}}, "нельзя применить «/» к значениям: запись и число"),
        ("-'a'", {}, "нельзя применить «-» к значению: строка"),
        ("-true", {}, "нельзя применить «-» к значению: логическое значение"),
        ("1 < 'a'", {}, "нельзя сравнить значения: число и строка"),
        ("d < 1", {"d": date(2025, 1, 1)}, "нельзя сравнить значения: дата и число"),
        ("true < false", {}, "нельзя сравнить значения: логическое значение и логическое значение"),
        ("[1] < [2]", {}, "нельзя сравнить значения: список и список"),
        ("1 in 5", {}, "справа от «in» должен быть список или строка, а получено: число"),
        ("1 in 'abc'", {}, "искать в строке можно только строку, а получено: число"),
    ],
)
def test_type_errors(source: str, names: dict[str, Any], message: str) -> None:
    error = eval_error(source, **names)
    assert error.message == message
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 == 1", True),
        ("1 == 1.0", True),  # int and Decimal mix
        ("1 != 1.0", False),
        ("'a' == 'a'", True),
        ("'a' == 'A'", False),
        ("true == 1", False),  # unlike Python, booleans never equal numbers
        ("false == 0", False),
        ("false != 0", True),
        ("true == true", True),
        ("null == null", True),
        ("null != null", False),
        ("x == null", True),  # x is missing
        ("1 == null", False),
        ("[1, 2] == [1, 2]", True),
        ("1 < 2", True),
        ("2 <= 2", True),
        ("3 > 2.5", True),
        ("2.5 >= 3", False),
        ("'а' < 'б'", True),
        ("'b' > 'a'", True),
    ],
)
def test_comparisons(source: str, expected: bool) -> None:
    assert ev(source) is expected


def test_date_comparisons() -> None:
    assert ev("a < b", a=date(2025, 1, 1), b=date(2025, 1, 2)) is True
    assert ev("a >= b", a=date(2025, 1, 1), b=date(2025, 1, 2)) is False
    assert ev("a == b", a=date(2025, 1, 1), b=date(2025, 1, 1)) is True
    assert ev("a <= b", a=datetime(2025, 1, 1, 12), b=date(2025, 1, 1)) is True
    assert ev("a == '2025-01-01'", a=date(2025, 1, 1)) is False


@pytest.mark.parametrize(
    ("source", "names", "expected"),
    [
        ("reason in ['loss', 'damage']", {"reason": "loss"}, True),
        ("reason in ['loss', 'damage']", {"reason": "theft"}, False),
        ("reason not in ['loss', 'damage']", {"reason": "theft"}, True),
        ("reason not in ['loss', 'damage']", {"reason": "loss"}, False),
        ("reason in ['loss']", {}, None),
        ("reason not in ['loss']", {}, None),
        ("null in ['loss']", {}, None),
        ("1 in [1.0, 2]", {}, True),
        ("1 in ['1']", {}, False),
        ("true in [1]", {}, False),
        ("1 in [true]", {}, False),
        ("true in [true]", {}, True),
        ("n in [a, b]", {"n": 3, "a": 1, "b": 3}, True),
        ("n in items", {"n": 3, "items": [1, 2]}, False),
        ("n in items", {"n": 3}, None),
        ("'ван' in 'Иван'", {}, True),
        ("'x' not in 'Иван'", {}, True),
        ("'a' in rec", {"rec": {"a": 1}}, True),
        ("'b' in rec", {"rec": {"a": 1}}, False),
        ("[1] in [[1], [2]]", {}, True),
    ],
)
def test_membership(source: str, names: dict[str, Any], expected: bool | None) -> None:
    assert ev(source, **names) is expected


# ------------------------------------------------------------------------------------------
# Kleene logic
# ------------------------------------------------------------------------------------------

T, F, U = True, False, None
AND_TABLE = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}  # fmt: skip
OR_TABLE = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}  # fmt: skip
VALUES3 = [T, F, U]


@pytest.mark.parametrize(("a", "b"), list(AND_TABLE))
def test_and_truth_table(a: bool | None, b: bool | None) -> None:
    assert ev("a and b", a=a, b=b) is AND_TABLE[a, b]


@pytest.mark.parametrize(("a", "b"), list(OR_TABLE))
def test_or_truth_table(a: bool | None, b: bool | None) -> None:
    assert ev("a or b", a=a, b=b) is OR_TABLE[a, b]


@pytest.mark.parametrize(("a", "expected"), [(T, F), (F, T), (U, U)])
def test_not_truth_table(a: bool | None, expected: bool | None) -> None:
    assert ev("not a", a=a) is expected


@pytest.mark.parametrize("a", VALUES3)
@pytest.mark.parametrize("b", VALUES3)
@pytest.mark.parametrize("c", VALUES3)
def test_long_chains_match_the_tables(a: bool | None, b: bool | None, c: bool | None) -> None:
    assert ev("a and b and c", a=a, b=b, c=c) is AND_TABLE[AND_TABLE[a, b], c]
    assert ev("a or b or c", a=a, b=b, c=c) is OR_TABLE[OR_TABLE[a, b], c]
    assert ev("a and b or c", a=a, b=b, c=c) is OR_TABLE[AND_TABLE[a, b], c]


def test_logic_with_the_literal_null() -> None:
    assert ev("false and null") is False
    assert ev("true and null") is None
    assert ev("true or null") is True
    assert ev("false or null") is None
    assert ev("not null") is None


def test_logic_on_non_booleans_uses_truthiness_and_returns_booleans() -> None:
    assert ev("'x' and 5") is True
    assert ev("'' or 0") is False
    assert ev("not ''") is True
    assert ev("items and true", items=[]) is False


def test_logic_short_circuits() -> None:
    assert ev("false and 1 / 0") is False
    assert ev("true or 1 / 0") is True
    assert ev("false and false and 1 / 0") is False
    with pytest.raises(EvaluationError):
        ev("null and 1 / 0")  # unknown does not decide: the right side is needed


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (True, True), (False, False), (0, False), (3, True), (Decimal(0), False),
     ("", False), ("x", True), ([], False), ([0], True), ({}, False), (TODAY, True)],
)  # fmt: skip
def test_truthy(value: Any, expected: bool | None) -> None:
    assert truthy(value) is expected


# ------------------------------------------------------------------------------------------
# Missing values and paths
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("missing", None),
        ("missing + 1", None),
        ("1 + missing", None),
        ("'a' + missing", None),  # None wins over the type mismatch
        ("missing * 2 + 3", None),
        ("missing / 0", None),
        ("-missing", None),
        ("missing < 1", None),
        ("1 >= missing", None),
        ("missing == null", True),
        ("missing != 1", True),
        ("missing in [1]", None),
        ("1 in missing", None),
        ("applicant.surname", None),
        ("applicant.surname == null", True),
    ],
)
def test_missing_values(source: str, expected: Any) -> None:
    assert ev(source) is expected


def test_dotted_paths() -> None:
    env = {
        "identity": {"issue_date": date(2024, 6, 1), "series": "4510"},
        "applicant": {"address": {"city": "Москва"}},
        "birth_date": date(2010, 5, 1),
        "name": "Иван",
        "nothing": None,
    }
    assert ev("identity.issue_date >= birth_date", env) is True
    assert ev("identity.series", env) == "4510"
    assert ev("applicant.address.city", env) == "Москва"
    assert ev("applicant.address.zip", env) is None
    assert ev("applicant.phone.number", env) is None
    assert ev("nothing.x.y", env) is None
    assert ev("name.length", env) is None  # a path through a non-mapping is missing
    assert ev("identity.series.x", env) is None


def test_paths_through_any_mapping() -> None:
    env = MappingProxyType({"a": MappingProxyType({"b": {"c": 1}})})
    assert parse("a.b.c").evaluate(env) == 1
    assert parse("a.b").evaluate(env) == {"c": 1}


# ------------------------------------------------------------------------------------------
# Safety
# ------------------------------------------------------------------------------------------


class _Secretive:
    surname = "Петров"
    __slots__ = ()

    def __getitem__(self, key: str) -> str:  # not a Mapping: must not be consulted either
        return "leaked"


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "eval('1')",
        "exec('x = 1')",
        "open('/etc/passwd')",
        "getattr(x, 'y')",
        "os.system('ls')",
        "type(1)",
    ],
)
def test_only_registered_functions_can_be_called(source: str) -> None:
    assert compile_error(source).message.startswith("неизвестная функция «")


@pytest.mark.parametrize(
    "source",
    [
        "().__class__",
        "''.__class__",
        "x[0]",
        "x['__class__']",
        "lambda: 1",
        "import os",
        "a; b",
        "x.__class__.__bases__[0]",
        "f'{x}'",
        "1 if x else 2",
        "x ** 2",
        "(1).real",
    ],
)
def test_python_syntax_is_not_accepted(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


def test_names_never_reach_python_attributes() -> None:
    env = {"applicant": _Secretive(), "d": {"k": 1}}
    assert ev("applicant.surname", env) is None
    assert ev("applicant.__class__", env) is None
    assert ev("applicant.__slots__", env) is None
    assert ev("d.__class__", env) is None
    assert ev("d.keys", env) is None
    assert ev("d.k", env) == 1
    assert ev("__builtins__", env) is None


def test_module_does_not_use_dynamic_code() -> None:
    source = Path(expressions.__file__).read_text(encoding="utf-8")
    patterns = (r"\beval\(", r"\bexec\(", r"(?<![.\w])compile\(", r"__import__", r"importlib", r"getattr\(")
    for pattern in patterns:
        assert not re.search(pattern, source), pattern


# ------------------------------------------------------------------------------------------
# names / roots / functions
# ------------------------------------------------------------------------------------------


def test_dependency_sets() -> None:
    expr = parse("identity.issue_date >= birth_date and age(birth_date) >= 14 and identity.series != ''")
    assert expr.names == {"identity.issue_date", "birth_date", "identity.series"}
    assert expr.roots == {"identity", "birth_date"}
    assert expr.functions == {"age"}
    assert expr.source.startswith("identity")


def test_dependency_sets_include_lazy_branches_and_nested_calls() -> None:
    expr = parse("if(a, coalesce(b.c, d), sum(children, 'income')) + len(today() - e)")
    assert expr.names == {"a", "b.c", "d", "children", "e"}
    assert expr.roots == {"a", "b", "d", "children", "e"}
    assert expr.functions == {"if", "coalesce", "sum", "len", "today"}


def test_constant_expression_has_no_names() -> None:
    expr = parse("1 + 2")
    assert expr.names == expr.roots == expr.functions == frozenset()
    assert isinstance(expr, Expression)


def test_expressions_compare_by_source() -> None:
    assert parse("a + 1") == parse("a + 1")
    assert hash(parse("a + 1")) == hash(parse("a + 1"))
    assert "a + 1" in repr(parse("a + 1"))


# ------------------------------------------------------------------------------------------
# Functions
# ------------------------------------------------------------------------------------------


def test_today_reads_the_environment() -> None:
    assert ev("today()") == TODAY
    assert parse("today()").evaluate({TODAY_KEY: datetime(2030, 1, 2, 3, 4)}) == date(2030, 1, 2)
    assert parse("today()").evaluate({}) == date.today()
    with pytest.raises(EvaluationError, match="__today__"):
        parse("today()").evaluate({TODAY_KEY: "2025-01-01"})


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2011, 3, 15), 14),  # birthday today
        (date(2011, 3, 16), 13),  # birthday tomorrow
        (date(2011, 3, 14), 14),
        (date(2025, 3, 15), 0),
        (date(1950, 12, 31), 74),
        (datetime(2011, 3, 15, 23, 0), 14),
    ],
)
def test_age_at_today(born: date, expected: int) -> None:
    assert ev("age(b)", b=born) == expected


@pytest.mark.parametrize(
    ("born", "at", "expected"),
    [
        (date(2008, 2, 29), date(2009, 2, 27), 0),
        (date(2008, 2, 29), date(2009, 2, 28), 1),  # 29 Feb → 28 Feb in common years
        (date(2008, 2, 29), date(2012, 2, 28), 3),
        (date(2008, 2, 29), date(2012, 2, 29), 4),
        (date(2000, 1, 1), date(1999, 12, 31), 0),  # before birth: less than a full year
        (date(2000, 1, 1), date(1998, 12, 31), -1),
    ],
)
def test_age_at_a_date(born: date, at: date, expected: int) -> None:
    assert ev("age(b, at)", b=born, at=at) == expected


def test_age_none_and_errors() -> None:
    assert ev("age(b)") is None
    assert ev("age(b, at)", b=date(2000, 1, 1)) is None
    assert ev("age(b) >= 14") is None
    error = eval_error("age('2000-01-01')")
    assert error.message == "функция «age»: аргумент №1 должен быть датой, а получено: строка"
    assert eval_error("age(b, 5)", b=TODAY).message.startswith("функция «age»: аргумент №2")


def test_date_function() -> None:
    assert ev("date('2025-01-01')") == date(2025, 1, 1)
    assert ev("date('31.12.2024')") == date(2024, 12, 31)
    assert ev("date(' 2025-01-01 ')") == date(2025, 1, 1)
    assert ev("date(d)", d=datetime(2025, 1, 1, 10)) == date(2025, 1, 1)
    assert ev("date(null)") is None
    assert ev("date('')") is None
    assert eval_error("date('2025-02-30')").message == (
        "функция «date»: неверная дата «2025-02-30» (нужно ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"
    )
    assert "неверная дата" in eval_error("date('вчера')").message
    assert "неверная дата" in eval_error("date('20250101')").message
    assert eval_error("date(1)").message == (
        "функция «date»: аргумент №1 должен быть датой или строкой с датой, а получено: число"
    )


def test_years_and_days_between() -> None:
    a, b = date(2020, 6, 1), date(2025, 5, 31)
    assert ev("years_between(a, b)", a=a, b=b) == 4
    assert ev("years_between(b, a)", a=a, b=b) == -4
    assert ev("years_between(a, a)", a=a) == 0
    assert ev("days_between(a, b)", a=date(2025, 1, 1), b=date(2025, 3, 1)) == 59
    assert ev("days_between(b, a)", a=date(2025, 1, 1), b=date(2025, 3, 1)) == -59
    assert ev("years_between(a, null)", a=a) is None
    assert ev("days_between(null, a)", a=a) is None
    assert "аргумент №2 должен быть датой" in eval_error("days_between(a, 1)", a=a).message


def test_add_years_and_days() -> None:
    assert ev("add_years(d, 14)", d=date(2010, 5, 1)) == date(2024, 5, 1)
    assert ev("add_years(d, 1)", d=date(2008, 2, 29)) == date(2009, 2, 28)
    assert ev("add_years(d, 4)", d=date(2008, 2, 29)) == date(2012, 2, 29)
    assert ev("add_years(d, -1)", d=date(2008, 2, 29)) == date(2007, 2, 28)
    assert ev("add_years(d, 1.0)", d=date(2008, 1, 1)) == date(2009, 1, 1)
    assert ev("add_days(d, 30)", d=date(2025, 1, 15)) == date(2025, 2, 14)
    assert ev("add_days(d, -15)", d=date(2025, 1, 15)) == date(2024, 12, 31)
    assert ev("add_days(null, 1)") is None
    assert ev("add_years(d, null)", d=TODAY) is None
    assert eval_error("add_days(d, 1)", d=date(9999, 12, 31)).message == "дата выходит за допустимый диапазон"
    assert eval_error("add_days(d, 99999999999)", d=TODAY).message == "дата выходит за допустимый диапазон"
    assert eval_error("add_years(d, 8000)", d=TODAY).message == "дата выходит за допустимый диапазон"
    assert "целым числом" in eval_error("add_years(d, 1.5)", d=TODAY).message
    assert "целым числом" in eval_error("add_days(d, '1')", d=TODAY).message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len('Иван')", 4),
        ("len([1, 2, 3])", 3),
        ("len(rec)", 2),
        ("len(null)", 0),
        ("len('')", 0),
        ("count([1, null, 3])", 2),
        ("count([])", 0),
        ("count(null)", 0),
        ("empty(null)", True),
        ("empty('')", True),
        ("empty('   ')", True),
        ("empty([])", True),
        ("empty(empty_rec)", True),
        ("empty(0)", False),
        ("empty(false)", False),
        ("empty('x')", False),
        ("empty([null])", False),
        ("filled(null)", False),
        ("filled('x')", True),
        ("filled(0)", True),
        ("filled(rec)", True),
    ],
)
def test_collection_functions(source: str, expected: Any) -> None:
    assert ev(source, rec={"a": 1, "b": 2}, empty_rec={}) == expected


def test_len_and_count_errors() -> None:
    assert eval_error("len(5)").message == (
        "функция «len»: аргумент №1 должен быть списком, строкой или записью, а получено: число"
    )
    assert eval_error("count('abc')").message == (
        "функция «count»: аргумент №1 должен быть списком, а получено: строка"
    )


CHILDREN = [
    {"name": "Аня", "income": Decimal("1000.50"), "relation": "daughter", "school": {"grade": 5}},
    None,
    {"name": "Петя", "income": 2000, "relation": "son", "school": {"grade": 9}},
    {"name": "Вася", "income": None, "relation": "son"},
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sum(children, 'income')", Decimal("3000.50")),
        ("sum(children, 'school.grade')", 14),
        ("sum(children, 'missing')", 0),
        ("sum(null, 'income')", 0),
        ("sum([], 'income')", 0),
        ("sum([1, 2, null, 3.5])", Decimal("6.5")),
        ("any(children, 'relation', 'son')", True),
        ("any(children, 'relation', 'wife')", False),
        ("any(children, 'income', null)", True),
        ("any(null, 'relation', 'son')", False),
        ("count_if(children, 'relation', 'son')", 2),
        ("count_if(children, 'relation', 'wife')", 0),
        ("count_if(null, 'relation', 'son')", 0),
        ("count(children)", 3),
    ],
)
def test_repeat_group_functions(source: str, expected: Any) -> None:
    assert ev(source, children=CHILDREN) == expected


def test_repeat_group_errors() -> None:
    assert eval_error("sum(children, 'name')", children=CHILDREN).message == (
        "функция «sum»: складывать можно только числа, а встретилось: строка"
    )
    assert eval_error("sum(children, 1)", children=CHILDREN).message == (
        "функция «sum»: аргумент №2 должен быть названием поля в кавычках, а получено: число"
    )
    assert eval_error("any([1], 'a', 1)").message == (
        "функция «any»: элементы списка должны быть записями, а встретилось: число"
    )
    assert "аргумент №1 должен быть списком" in eval_error("count_if('x', 'a', 1)").message
    assert "складывать можно только числа" in eval_error("sum([true])").message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("min(3, 1, 2)", 1),
        ("max(3, 1, 2)", 3),
        ("min(2, 1.5)", Decimal("1.5")),
        ("max(7)", 7),
        ("min([4, 2, 8])", 2),
        ("max([])", None),
        ("min(3, null, 1)", 1),  # None values are skipped
        ("max(null, null)", None),
        ("min('б', 'а')", "а"),
        ("max(d1, d2)", date(2025, 2, 1)),
        ("min(d1, d2)", date(2025, 1, 1)),
    ],
)
def test_min_max(source: str, expected: Any) -> None:
    assert ev(source, d1=date(2025, 1, 1), d2=date(2025, 2, 1)) == expected


def test_min_max_errors() -> None:
    assert eval_error("min(1, 'a')").message == "функция «min»: нельзя сравнить значения: число и строка"
    assert eval_error("max(d, 1)", d=TODAY).message == "функция «max»: нельзя сравнить значения: дата и число"
    assert eval_error("max(true, false)").message.startswith("функция «max»: нельзя сравнить")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("round(2.5)", 3),  # half away from zero, not banker's rounding
        ("round(3.5)", 4),
        ("round(-2.5)", -3),
        ("round(2.4)", 2),
        ("round(7)", 7),
        ("round(1.005, 2)", Decimal("1.01")),
        ("round(1500.555, 2)", Decimal("1500.56")),
        ("round(2, 2)", 2),
        ("round(1234, -2)", 1200),
        ("round(1250, -2)", 1300),
        ("round(1234.5, 0)", 1235),
        ("round(10 / 3, 2)", Decimal("3.33")),
        ("round(null)", None),
        ("round(1.5, null)", None),
    ],
)
def test_round(source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


def test_round_errors() -> None:
    assert eval_error("round('1')").message == (
        "функция «round»: аргумент №1 должен быть числом, а получено: строка"
    )
    assert eval_error("round(1.5, 1.5)").message.startswith("функция «round»: аргумент №2")
    assert eval_error("round(1.5, 100000000)").message == "функция «round»: не удалось округлить число"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("lower('ИВАНОВ Ivan')", "иванов ivan"),
        ("upper('иванов')", "ИВАНОВ"),
        ("lower(null)", None),
        ("upper(null)", None),
        ("contains(['a', 'b'], 'b')", True),
        ("contains(['a', 'b'], 'c')", False),
        ("contains('Москва', 'осква')", True),
        ("contains(rec, 'a')", True),
        ("contains(null, 'a')", False),  # a missing list is empty
        ("contains(['a'], null)", None),
        ("contains([1, 2], 2.0)", True),
        ("startswith('77 01', '77')", True),
        ("startswith('77 01', '01')", False),
        ("startswith(null, '77')", None),
        ("startswith('77', null)", None),
    ],
)
def test_string_functions(source: str, expected: Any) -> None:
    result = ev(source, rec={"a": 1})
    assert result == expected
    assert type(result) is type(expected)


def test_string_function_errors() -> None:
    assert eval_error("lower(1)").message == (
        "функция «lower»: аргумент №1 должен быть строкой, а получено: число"
    )
    assert eval_error("upper([])").message.startswith("функция «upper»: аргумент №1 должен быть строкой")
    assert eval_error("startswith('a', 1)").message.startswith("функция «startswith»: аргумент №2")
    assert eval_error("contains(5, 1)").message.startswith("функция «contains»: аргумент №1")
    assert eval_error("contains('abc', 1)").message.startswith("функция «contains»: аргумент №2")


def test_if_is_lazy() -> None:
    assert ev("if(x > 1, 'big', 'small')", x=5) == "big"
    assert ev("if(x > 1, 'big', 'small')", x=0) == "small"
    assert ev("if(true, 1, 1 / 0)") == 1
    assert ev("if(false, 1 / 0, 2)") == 2
    assert ev("if(x > 1, 1 / 0, 'unknown')") == "unknown"  # a None condition takes the else branch
    with pytest.raises(EvaluationError):
        ev("if(1 / 0, 1, 2)")


def test_coalesce_is_lazy() -> None:
    assert ev("coalesce(a, b, 'default')", b="b") == "b"
    assert ev("coalesce(a, 'default')") == "default"
    assert ev("coalesce(a, b)") is None
    assert ev("coalesce('', 'x')") == ""  # only None is skipped
    assert ev("coalesce(1, 1 / 0)") == 1


def test_every_builtin_is_tested() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for name in FUNCTIONS:
        assert re.search(rf"\b{name}\(", source), name


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        FUNCTIONS["evil"] = FUNCTIONS["len"]  # type: ignore[index]
    assert FUNCTIONS["age"].min_args == 1 and FUNCTIONS["age"].max_args == 2
    assert all(spec.description for spec in FUNCTIONS.values())


def test_custom_registry() -> None:
    def double(x: Any) -> Any:
        return None if x is None else x * 2

    def broken(x: Any) -> Any:
        raise TypeError("boom")

    def stamp(env: Mapping[str, Any]) -> Any:
        return env.get("stamp")

    registry = {
        **FUNCTIONS,
        "double": FunctionSpec("double", 1, 1, double),
        "broken": FunctionSpec("broken", 1, 1, broken),
        "stamp": FunctionSpec("stamp", 0, 0, stamp, needs_env=True),
    }
    assert parse("double(x) + 1", registry).evaluate({"x": 4}) == 9
    assert parse("stamp()", registry).evaluate({"stamp": "s"}) == "s"
    with pytest.raises(EvaluationError) as info:
        parse("broken(1)", registry).evaluate({})
    assert info.value.message == "не удалось вычислить выражение"
    assert isinstance(info.value.__cause__, TypeError)
    # the default registry is unaffected, and a restricted one hides built-ins
    assert compile_error("double(1)").message == "неизвестная функция «double»"
    assert compile_error("len('x')", {"double": registry["double"]}).message == "неизвестная функция «len»"


def test_function_names_are_not_reserved_as_field_names() -> None:
    assert ev("count + len", count=1, len=2) == 3
    assert ev("if", {"if": "x"}) == "x"


# ------------------------------------------------------------------------------------------
# Compile-time errors: messages and positions
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ("", "пустое выражение", 0),
        ("   ", "пустое выражение", 0),
        ("foo(1)", "неизвестная функция «foo»", 0),
        ("1 + foo()", "неизвестная функция «foo»", 4),
        ("a.b(1)", "неизвестная функция «a.b»", 0),
        ("age()", "функция «age» принимает от 1 до 2 аргументов, а передано: 0", 0),
        ("x + age(a, b, c)", "функция «age» принимает от 1 до 2 аргументов, а передано: 3", 4),
        ("today(1)", "функция «today» не принимает аргументов, а передано: 1", 0),
        ("lower()", "функция «lower» принимает 1 аргумент, а передано: 0", 0),
        ("add_days(d)", "функция «add_days» принимает 2 аргумента, а передано: 1", 0),
        ("min()", "функция «min» принимает не менее 1 аргумента, а передано: 0", 0),
        ("x == 'abc", "незакрытая строка", 5),
        ("'abc\\", "незакрытая строка", 0),
        ("'a\\n'", "недопустимая экранирующая последовательность «\\n»", 2),
        ("(1 + 2", "ожидалась «)»", 6),
        ("((a)", "ожидалась «)»", 4),
        ("(a b)", "ожидалась «)»", 3),
        ("age(a b)", "ожидалась «,» или «)»", 6),
        ("age(a", "ожидалась «,» или «)»", 5),
        ("[1 2]", "ожидалась «,» или «]»", 3),
        ("[1, 2", "ожидалась «,» или «]»", 5),
        ("1 2", "лишний фрагмент «2»", 2),
        ("(a))", "лишний фрагмент «)»", 3),
        ("a not b", "лишний фрагмент «not»", 2),
        ("true(1)", "лишний фрагмент «(»", 4),
        ("a.", "лишний фрагмент «.»", 1),
        ("age(a).b", "лишний фрагмент «.»", 6),
        ("a $ b", "неожиданный символ «$»", 2),
        ("a ? b : c", "неожиданный символ «?»", 2),
        ("a = 1", "неожиданный символ «=»: для сравнения используйте «==»", 2),
        ("!a", "неожиданный символ «!»: используйте «not» или «!=»", 0),
        ("a && b", "неожиданный символ «&»: используйте «and»", 2),
        ("a || b", "неожиданный символ «|»: используйте «or»", 2),
        ("x == «да»", "неожиданный символ ««»: строки заключаются в прямые кавычки ' или \"", 5),
        ("возраст > 1", "неожиданный символ «в»: имена полей пишутся латиницей, а текст — в кавычках", 0),
        ("a == True", "«True» — пишите «true»", 5),
        ("a == None", "«None» — пишите «null»", 5),
        ("a AND b", "«AND» — пишите «and»", 2),
        ("1.2.3", "неверное число «1.2.3»", 0),
        ("x > 14years", "неверное число «14years»", 4),
        ("1.", "неверное число «1.»", 0),
        ("1 +", "выражение оборвалось: ожидалось значение", 3),
        ("not", "выражение оборвалось: ожидалось значение", 3),
        ("1 + * 2", "ожидалось значение вместо «*»", 4),
        ("()", "ожидалось значение вместо «)»", 1),
        ("+1", "ожидалось значение вместо «+»", 0),
        ("x in", "выражение оборвалось: ожидалось значение", 4),
    ],
)
def test_compile_errors(source: str, message: str, position: int) -> None:
    error = compile_error(source)
    assert error.message == message
    assert error.position == position
    assert isinstance(error, ValueError)
    assert str(error) == f"{message} (символ {position + 1})"


def test_non_text_source() -> None:
    assert compile_error(14).message == "выражение должно быть текстом"  # type: ignore[arg-type]


def test_source_length_limit() -> None:
    at_limit = "1" + " " * (MAX_SOURCE_LENGTH - 1)
    assert parse(at_limit).evaluate({}) == 1
    error = compile_error(at_limit + " ")
    assert error.message == "выражение длиннее 2000 символов"
    assert error.position == MAX_SOURCE_LENGTH


def _nested(kind: str, depth: int) -> str:
    return {
        "paren": "(" * depth + "1" + ")" * depth,
        "list": "[" * depth + "]" * depth,
        "call": "len(" * depth + "1" + ")" * depth,
        "neg": "-" * depth + "x",
        "not": "not " * depth + "x",
    }[kind]


@pytest.mark.parametrize("kind", ["paren", "list", "call", "neg", "not"])
def test_depth_limit(kind: str) -> None:
    parse(_nested(kind, MAX_DEPTH))  # the limit itself is fine
    source = _nested(kind, MAX_DEPTH + 1)
    error = compile_error(source)
    assert error.message == "слишком глубокая вложенность (больше 40 уровней)"
    assert error.position == {"paren": 40, "list": 40, "call": 160, "neg": 40, "not": 160}[kind]


def test_pathological_nesting_never_raises_recursion_error() -> None:
    for opener in ("(", "[", "-", "not ", "len(", "(-", "if(true, 1, "):
        with pytest.raises(ExpressionError, match="слишком глубокая вложенность"):
            parse(opener * (MAX_SOURCE_LENGTH // len(opener)))


def test_deepest_allowed_expression_evaluates() -> None:
    # Every part adds 10 levels and mixes constructs, so each level compiles into several closures.
    part = "a or (b and (not (c == (d + (e * (-(count_if(items, 'f', "
    source = part * 4 + "x" + ")" * 8 * 4
    expr = parse(source)
    env = {"x": True, "items": [{"f": True}], "a": False, "b": True, "c": 0, "d": 1, "e": 2}
    assert expr.evaluate(env) is True
    with pytest.raises(ExpressionError, match="слишком глубокая"):
        parse("(" + source + ")")


def test_flat_chains_do_not_grow_the_stack() -> None:
    terms = 999
    assert ev("+".join(["1"] * terms)) == terms
    assert ev("-".join(["1"] * terms)) == 2 - terms
    assert ev("*".join(["1"] * terms)) == 1
    assert ev(" and ".join(["true"] * 200)) is True
    assert ev(" or ".join(["x"] * 400)) is None


def test_list_length_limit() -> None:
    items = ", ".join(["1"] * MAX_LIST_ITEMS)
    assert len(ev(f"[{items}]")) == MAX_LIST_ITEMS
    error = compile_error(f"[{items}, 2]")
    assert error.message == "в списке больше 200 элементов"
    assert error.position == len(f"[{items}, ")


# ------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------

# A negative literal is a unary minus, which counts as one nesting level.
_leaves = st.integers(min_value=-30, max_value=30).map(lambda n: (str(n), int(n < 0)))


def _combine(children: st.SearchStrategy[tuple[str, int]]) -> st.SearchStrategy[tuple[str, int]]:
    """Nodes carry (source, parenthesis depth); parentheses are random so precedence is exercised."""

    def binary(op: str, left: tuple[str, int], right: tuple[str, int], wrap: bool) -> tuple[str, int]:
        text = f"{left[0]} {op} {right[0]}"
        depth = max(left[1], right[1])
        return (f"({text})", depth + 1) if wrap else (text, depth)

    def negate(operand: tuple[str, int]) -> tuple[str, int]:
        return f"-({operand[0]})", operand[1] + 2

    return st.one_of(
        st.builds(binary, st.sampled_from(["+", "-", "*"]), children, children, st.booleans()),
        st.builds(negate, children),
    )


_arithmetic = st.recursive(_leaves, _combine, max_leaves=16)


@settings(max_examples=300, deadline=None)
@given(_arithmetic)
def test_integer_arithmetic_matches_python(tree: tuple[str, int]) -> None:
    source, depth = tree
    assume(depth <= MAX_DEPTH)
    # The oracle is Python itself on generated arithmetic only (no names, no builtins).
    expected = eval(source, {"__builtins__": {}}, {})
    result = parse(source).evaluate({})
    assert result == expected
    assert type(result) is int


@settings(max_examples=200, deadline=None)
@given(
    st.integers(-5, 5),
    st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
    st.integers(-5, 5),
)
def test_integer_comparisons_match_python(left: int, op: str, right: int) -> None:
    source = f"{left} {op} {right}"
    assert parse(source).evaluate({}) is eval(source, {"__builtins__": {}}, {})


_SOUP = [
    "a", "b.c", "d", "items", "1", "0", "2.5", "-", "+", "*", "/", "(", ")", "[", "]", ",", ".",
    "'x'", "''", '"y"', "true", "false", "null", "and", "or", "not", "in", "==", "!=", "<", "<=",
    ">", ">=", "age", "today", "date", "len", "sum", "min", "max", "if", "coalesce", "round",
    "'2025-01-01'", "count_if", "any", "empty", "contains", "lower", "add_days", "add_years",
    "years_between", "days_between", "startswith", "upper", "count", "filled", "'field'",
]  # fmt: skip
_SOUP_ENV = {
    TODAY_KEY: TODAY,
    "a": 3,
    "b": {"c": date(2020, 1, 1)},
    "d": "текст",
    "items": [{"field": 1}, None, {"field": Decimal("2.5")}],
}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_SOUP), max_size=14).map(" ".join))
def test_token_soup_fails_only_with_language_errors(source: str) -> None:
    try:
        expr = parse(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)
        assert error.message
        return
    try:
        expr.evaluate(_SOUP_ENV)
    except EvaluationError as error:
        assert error.message


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=120),
        st.text(alphabet="()[],.'\"\\ ab_1.9+-*/=<>!notandorin\n«$", max_size=80),
    )
)
def test_parse_raises_only_expression_error(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)


# ------------------------------------------------------------------------------------------
# Speed
# ------------------------------------------------------------------------------------------


def test_a_sixty_rule_form_evaluates_well_within_budget() -> None:
    rules = [
        "age(birth_date) >= 14",
        "identity.issue_date >= birth_date",
        "reason in ['loss', 'damage']",
        "filled(applicant.surname) and len(applicant.surname) <= 100",
        "sum(children, 'income') < 100000",
        "if(reason == 'loss', filled(loss_place), true)",
    ] * 10
    compiled = [parse(rule) for rule in rules]
    env = {
        TODAY_KEY: TODAY,
        "birth_date": date(2010, 5, 1),
        "identity": {"issue_date": date(2024, 6, 1)},
        "reason": "loss",
        "applicant": {"surname": "Иванов"},
        "children": CHILDREN,
        "loss_place": "Москва",
    }
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        for expr in compiled:
            expr.evaluate(env)
        best = min(best, time.perf_counter() - start)
    assert best < 0.002, f"60 rules took {best * 1000:.3f} ms"


# --- the fast tokenizer agrees with the precise one -------------------------------------------

from forms.expressions import _tokenize, _tokenize_fast  # noqa: E402


def _catalog_expressions() -> list[str]:
    from forms.compiler import compile_folder
    from forms.loader import builtin_folder

    catalog = compile_folder(builtin_folder()).catalog
    assert catalog is not None
    found: list[str] = []
    for service in catalog.services.values():
        found += [r.check.source for r in service.rules] + [c.expr.source for c in service.calculated]
        for f in service.fields:
            found += [x.source for x in (f.visible_if, f.required) if hasattr(x, "source")]
            found += [r.check.source for r in f.rules]
        found += [d.when.source for d in service.documents if d.when is not None]
        found += [r.when.source for r in service.fee if r.when is not None]
    return found


def test_fast_tokens_equal_precise_tokens_on_the_whole_catalog() -> None:
    sources = _catalog_expressions()
    assert len(sources) > 100
    for source in sources:
        assert _tokenize_fast(source) == _tokenize(source), source


@given(st.text(alphabet="ab_1.9 '\"()[],<>=!+-*/notandorinrue", max_size=40))
def test_fast_tokenizer_agrees_or_defers(source: str) -> None:
    try:
        expected = _tokenize(source)
    except ExpressionError as exc:
        with pytest.raises(ExpressionError) as caught:
            _tokenize_fast(source)
        assert (caught.value.message, caught.value.position) == (exc.message, exc.position)
        return
    assert _tokenize_fast(source) == expected
