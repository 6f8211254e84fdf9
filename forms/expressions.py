"""A small, safe expression language for the service catalog.

The catalog YAML is edited by non-programmers. Conditions (``reason == 'loss'``), calculated
values (``age(birth_date)``) and cross-field rules (``identity.issue_date >= birth_date``) are
written in this language, parsed once when the catalog loads and evaluated on every keystroke.

What is promised
----------------
* Safety. The source is never handed to Python's ``eval``/``exec``/``compile``. A hand-written
  tokenizer and recursive-descent parser accept only the grammar below; names are looked up as
  *keys* of the environment mapping (and of nested mappings for dotted paths), never as Python
  attributes; only functions from the registry can be called. There is no way to import,
  subscript or reach ``__class__`` and friends.
* Bounded work at parse time: source length ≤ ``MAX_SOURCE_LENGTH``, nesting depth ≤
  ``MAX_DEPTH`` (parentheses, brackets, calls and prefix operators each add one level), list
  literals ≤ ``MAX_LIST_ITEMS`` items. Violations raise ``ExpressionError``, never
  ``RecursionError``. Long flat chains such as ``a + b + c + …`` or ``x and y and …`` are kept
  flat, so they cost no extra stack depth.
* Speed. The AST is compiled once into nested Python closures; ``Expression.evaluate`` is a plain
  call of the outermost closure — no tree walking, no dispatch on node types. A typical rule
  takes a few microseconds.
* Errors. Compile-time problems raise ``ExpressionError`` (Russian ``message`` + 0-based
  ``position``); run-time type problems raise ``EvaluationError`` (Russian ``message``). Nothing
  else escapes ``parse`` or the built-in functions.

Grammar (lowest precedence first)::

    expr       := or
    or         := and ('or' and)*
    and        := not ('and' not)*
    not        := 'not' not | comparison
    comparison := additive [('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in') additive]
    additive   := term (('+' | '-') term)*
    term       := unary (('*' | '/') unary)*
    unary      := '-' unary | primary
    primary    := INTEGER | DECIMAL | STRING | 'true' | 'false' | 'null'
                | '[' [expr (',' expr)* [',']] ']' | '(' expr ')'
                | NAME ('.' NAME)*  | FUNCTION '(' [expr (',' expr)*] ')'

Comparisons do not chain: ``a < b < c`` is rejected with a hint to use ``and``.

Values and missing data
-----------------------
Values are None, bool, int, Decimal, str, datetime.date, list and dict. Forms are often
half-filled, so a name absent from the environment, or a path through None or through anything
that is not a mapping, evaluates to None, and None propagates:

* arithmetic with None gives None; ordering comparisons with None give None;
* ``==``/``!=`` compare normally (``x == null`` is the way to test for a missing value);
* ``in``/``not in`` with None on either side give None;
* ``and``/``or``/``not`` follow Kleene three-valued logic and always return True/False/None;
* functions document their own choice (see each ``_fn_*`` docstring and ``FunctionSpec.description``).

The caller decides what None means: a rule whose check is None is not violated; a condition that
is None does not hold.

Other semantics worth knowing: ``true``/``false`` are never equal to numbers (unlike Python);
``int`` and ``Decimal`` mix freely; ``/`` always gives a Decimal; strings concatenate with ``+``;
``date ± int`` shifts by days; ``date - date`` gives days (int). ``today()`` and the default
"at" of ``age`` read the reserved environment key ``"__today__"`` so tests are deterministic.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LIST_ITEMS",
    "MAX_SOURCE_LENGTH",
    "TODAY_KEY",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "FunctionSpec",
    "parse",
    "truthy",
]

# --------------------------------------------------------------------------------------------
# Limits and reserved names
# --------------------------------------------------------------------------------------------

MAX_SOURCE_LENGTH = 2000
MAX_DEPTH = 40
MAX_LIST_ITEMS = 200
#: Environment key holding "today" (a datetime.date); read by today() and age().
TODAY_KEY = "__today__"

# --------------------------------------------------------------------------------------------
# User-facing messages (Russian). Catalog editors see them next to the offending expression.
# --------------------------------------------------------------------------------------------

# Compile time (ExpressionError)
MSG_NOT_TEXT = "выражение должно быть текстом"
MSG_EMPTY = "пустое выражение"
MSG_TOO_LONG = "выражение длиннее {limit} символов"
MSG_TOO_DEEP = "слишком глубокая вложенность (больше {limit} уровней)"
MSG_LIST_TOO_LONG = "в списке больше {limit} элементов"
MSG_UNEXPECTED_CHAR = "неожиданный символ «{char}»"
MSG_HINT_EQUALS = "неожиданный символ «=»: для сравнения используйте «==»"
MSG_HINT_BANG = "неожиданный символ «!»: используйте «not» или «!=»"
MSG_HINT_AMPERSAND = "неожиданный символ «&»: используйте «and»"
MSG_HINT_PIPE = "неожиданный символ «|»: используйте «or»"
MSG_HINT_FANCY_QUOTE = "неожиданный символ «{char}»: строки заключаются в прямые кавычки ' или \""
MSG_HINT_NON_ASCII = "неожиданный символ «{char}»: имена полей пишутся латиницей, а текст — в кавычках"
MSG_HINT_KEYWORD_CASE = "«{word}» — пишите «{keyword}»"
MSG_UNCLOSED_STRING = "незакрытая строка"
MSG_BAD_ESCAPE = "недопустимая экранирующая последовательность «\\{char}»"
MSG_BAD_NUMBER = "неверное число «{text}»"
MSG_EXPECTED = "ожидалась «{token}»"
MSG_EXPECTED_EITHER = "ожидалась «{first}» или «{second}»"
MSG_EXPECTED_VALUE = "ожидалось значение вместо «{token}»"
MSG_UNEXPECTED_END = "выражение оборвалось: ожидалось значение"
MSG_STRAY_TOKEN = "лишний фрагмент «{token}»"
MSG_CHAINED_COMPARISON = "сравнения нельзя объединять в цепочку; используйте «and»"
MSG_UNKNOWN_FUNCTION = "неизвестная функция «{name}»"
MSG_ARITY = "функция «{name}» {expected}, а передано: {got}"
MSG_ARITY_NONE = "не принимает аргументов"
MSG_ARITY_EXACT = "принимает {count} {noun}"
MSG_ARITY_AT_LEAST = "принимает не менее {count} {noun}"
MSG_ARITY_RANGE = "принимает от {low} до {high} {noun}"

# Run time (EvaluationError)
MSG_BAD_OPERANDS = "нельзя применить «{op}» к значениям: {left} и {right}"
MSG_BAD_OPERAND = "нельзя применить «{op}» к значению: {kind}"
MSG_NOT_COMPARABLE = "нельзя сравнить значения: {left} и {right}"
MSG_BAD_CONTAINER = "справа от «in» должен быть список или строка, а получено: {kind}"
MSG_BAD_SUBSTRING = "искать в строке можно только строку, а получено: {kind}"
MSG_DIVISION_BY_ZERO = "деление на ноль"
MSG_DATE_RANGE = "дата выходит за допустимый диапазон"
MSG_BAD_DATE = "функция «date»: неверная дата «{text}» (нужно ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"
MSG_BAD_TODAY = "значение «__today__» в окружении должно быть датой"
MSG_ARGUMENT = "функция «{name}»: аргумент №{index} должен быть {expected}, а получено: {kind}"
MSG_ROW_NOT_RECORD = "функция «{name}»: элементы списка должны быть записями, а встретилось: {kind}"
MSG_NOT_A_NUMBER = "функция «{name}»: складывать можно только числа, а встретилось: {kind}"
MSG_MIXED_VALUES = "функция «{name}»: нельзя сравнить значения: {left} и {right}"
MSG_ROUND_FAILED = "функция «round»: не удалось округлить число"
MSG_EVALUATION_FAILED = "не удалось вычислить выражение"

# Value kinds used in run-time messages (nominative case).
KIND_NONE = "пустое значение"
KIND_BOOL = "логическое значение"
KIND_NUMBER = "число"
KIND_STRING = "строка"
KIND_DATE = "дата"
KIND_LIST = "список"
KIND_RECORD = "запись"
KIND_OTHER = "неподдерживаемое значение"

# Expected argument kinds (instrumental case: "должен быть датой").
EXPECT_DATE = "датой"
EXPECT_NUMBER = "числом"
EXPECT_INTEGER = "целым числом"
EXPECT_STRING = "строкой"
EXPECT_DATE_TEXT = "датой или строкой с датой"
EXPECT_LIST = "списком"
EXPECT_COLLECTION = "списком, строкой или записью"
EXPECT_FIELD_NAME = "названием поля в кавычках"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ExpressionError(ValueError):
    """A compile-time problem: syntax, unknown function, wrong arity, too long or too deep.

    ``message`` is Russian and meant for the catalog editor; ``position`` is the 0-based offset
    into the source where the problem was noticed (``len(source)`` when the text ended too
    early). ``str(error)`` adds a human 1-based column for log lines.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (символ {position + 1})")
        self.message = message
        self.position = position


class EvaluationError(ValueError):
    """A run-time problem, such as ``'a' - 1`` or a date plus a string; ``message`` is Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------
# Value helpers shared by operators and functions
# --------------------------------------------------------------------------------------------

Env = Mapping[str, Any]
Thunk = Callable[[Env], Any]

# Exact types, so that bool (a subclass of int) is NOT a number here.
_NUMBER_TYPES = frozenset({int, Decimal})
_ORDERABLE_TYPES = frozenset({int, Decimal, str, date})
_UNSET: Any = object()


def truthy(value: Any) -> bool | None:
    """Kleene truth of a value: None → None, a bool → itself, anything else → Python truth."""
    if value is None or value is True or value is False:
        return value
    return bool(value)


def _kind(value: Any) -> str:
    """Russian name of a value's kind, for error messages."""
    if value is None:
        return KIND_NONE
    if isinstance(value, bool):
        return KIND_BOOL
    if isinstance(value, int | Decimal):
        return KIND_NUMBER
    if isinstance(value, str):
        return KIND_STRING
    if isinstance(value, date):
        return KIND_DATE
    if isinstance(value, list | tuple):
        return KIND_LIST
    if isinstance(value, Mapping):
        return KIND_RECORD
    return KIND_OTHER


def _is_number(value: Any) -> bool:
    return type(value) in _NUMBER_TYPES


def _as_date(value: date) -> date:
    """Drop the time part of a datetime so dates and datetimes never meet in arithmetic."""
    return value.date() if isinstance(value, datetime) else value


def _lookup(value: Any, segments: tuple[str, ...]) -> Any:
    """Follow dict keys; None or a non-mapping on the way gives None. Never touches attributes."""
    for segment in segments:
        if type(value) is dict or isinstance(value, Mapping):
            value = value.get(segment)
        else:
            return None
    return value


def _equal(left: Any, right: Any) -> bool:
    """Equality as the language defines it: Python's, except that booleans equal only booleans."""
    if left is right:
        return True
    if type(left) is bool or type(right) is bool:
        return False  # True/False are singletons, so "is" above already caught equal booleans
    return bool(left == right)


def _shift_days(day: date, days: int) -> date:
    try:
        return _as_date(day) + timedelta(days=days)
    except OverflowError:
        raise EvaluationError(MSG_DATE_RANGE) from None


def _shift_years(day: date, years: int) -> date:
    """Same month and day ``years`` later; 29 February becomes 28 February in common years."""
    year = day.year + years
    if not 1 <= year <= 9999:
        raise EvaluationError(MSG_DATE_RANGE)
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return _as_date(day).replace(year=year)


def _full_years(start: date, end: date) -> int:
    """Whole years from start to end (end >= start): the largest n with start + n years <= end."""
    years = end.year - start.year
    if _shift_years(start, years) > end:
        years -= 1
    return years


def _years_between(start: date, end: date) -> int:
    start, end = _as_date(start), _as_date(end)
    if end >= start:
        return _full_years(start, end)
    return -_full_years(end, start)


# --------------------------------------------------------------------------------------------
# Operators. Fast paths check exact types; the slow paths handle the rest or raise.
# --------------------------------------------------------------------------------------------


def _bad_operands(op: str, left: Any, right: Any) -> EvaluationError:
    return EvaluationError(MSG_BAD_OPERANDS.format(op=op, left=_kind(left), right=_kind(right)))


def _add(left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    lt, rt = type(left), type(right)
    if (lt in _NUMBER_TYPES and rt in _NUMBER_TYPES) or (lt is str and rt is str):
        return left + right
    if isinstance(left, date) and rt is int:
        return _shift_days(left, right)
    if lt is int and isinstance(right, date):
        return _shift_days(right, left)
    raise _bad_operands("+", left, right)


def _sub(left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES:
        return left - right
    if isinstance(left, date):
        if isinstance(right, date):
            return (_as_date(left) - _as_date(right)).days
        if type(right) is int:
            return _shift_days(left, -right)
    raise _bad_operands("-", left, right)


def _mul(left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES:
        return left * right
    raise _bad_operands("*", left, right)


def _div(left: Any, right: Any) -> Any:
    """Division always yields a Decimal, so money and shares stay exact-ish and never float."""
    if left is None or right is None:
        return None
    if type(left) in _NUMBER_TYPES and type(right) in _NUMBER_TYPES:
        if right == 0:
            raise EvaluationError(MSG_DIVISION_BY_ZERO)
        return Decimal(left) / Decimal(right)
    raise _bad_operands("/", left, right)


def _neg(value: Any) -> Any:
    if value is None:
        return None
    if type(value) in _NUMBER_TYPES:
        return -value
    raise EvaluationError(MSG_BAD_OPERAND.format(op="-", kind=_kind(value)))


def _make_ordering(symbol: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    """Build <, <=, >, >=: numbers with numbers, strings with strings, dates with dates."""

    def ordering(left: Any, right: Any) -> bool | None:
        if left is None or right is None:
            return None
        lt, rt = type(left), type(right)
        if lt is rt:
            if lt in _ORDERABLE_TYPES:
                return compare(left, right)
        elif lt in _NUMBER_TYPES and rt in _NUMBER_TYPES:
            return compare(left, right)
        if isinstance(left, date) and isinstance(right, date):
            return compare(_as_date(left), _as_date(right))
        raise EvaluationError(MSG_NOT_COMPARABLE.format(left=_kind(left), right=_kind(right)))

    ordering.__name__ = f"ordering_{symbol}"
    return ordering


_lt = _make_ordering("<", lambda a, b: a < b)
_le = _make_ordering("<=", lambda a, b: a <= b)
_gt = _make_ordering(">", lambda a, b: a > b)
_ge = _make_ordering(">=", lambda a, b: a >= b)


def _ne(left: Any, right: Any) -> bool:
    return not _equal(left, right)


def _member(item: Any, items: Any) -> bool:
    return any(_equal(item, candidate) for candidate in items)


def _in(item: Any, container: Any) -> bool | None:
    if item is None or container is None:
        return None
    if type(container) is list or type(container) is tuple:
        return _member(item, container)
    if isinstance(container, str):
        if isinstance(item, str):
            return item in container
        raise EvaluationError(MSG_BAD_SUBSTRING.format(kind=_kind(item)))
    if isinstance(container, Mapping):
        return isinstance(item, str) and item in container
    if isinstance(container, list | tuple):
        return _member(item, container)
    raise EvaluationError(MSG_BAD_CONTAINER.format(kind=_kind(container)))


def _not_in(item: Any, container: Any) -> bool | None:
    result = _in(item, container)
    return None if result is None else not result


_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _equal,
    "!=": _ne,
    "<": _lt,
    "<=": _le,
    ">": _gt,
    ">=": _ge,
    "in": _in,
    "not in": _not_in,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {"+": _add, "-": _sub, "*": _mul, "/": _div}


# --------------------------------------------------------------------------------------------
# Functions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """A callable function of the language.

    Calling convention of ``impl``:
    * plain: ``impl(*values)``;
    * ``needs_env``: ``impl(env, *values)`` (e.g. today() reads ``__today__``);
    * ``lazy``: ``impl(env, *thunks)`` where each thunk is ``thunk(env) -> value`` and is called
      only when needed (``if``, ``coalesce``). ``lazy`` implies the env is passed.
    ``max_args`` None means "any number". ``impl`` should raise EvaluationError for bad input;
    other ValueError/TypeError/ArithmeticError/LookupError are converted by ``evaluate``.
    """

    name: str
    min_args: int
    max_args: int | None
    impl: Callable[..., Any]
    needs_env: bool = False
    lazy: bool = False
    description: str = ""


def _arg_error(name: str, index: int, expected: str, value: Any) -> EvaluationError:
    return EvaluationError(MSG_ARGUMENT.format(name=name, index=index, expected=expected, kind=_kind(value)))


def _need_date(name: str, index: int, value: Any) -> date:
    if isinstance(value, date):
        return _as_date(value)
    raise _arg_error(name, index, EXPECT_DATE, value)


def _need_int(name: str, index: int, value: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is Decimal and value == value.to_integral_value():
        return int(value)
    raise _arg_error(name, index, EXPECT_INTEGER, value)


def _need_str(name: str, index: int, value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _arg_error(name, index, EXPECT_STRING, value)


def _need_list(name: str, index: int, value: Any) -> list[Any] | tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return value
    raise _arg_error(name, index, EXPECT_LIST, value)


def _field_path(name: str, index: int, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        return tuple(value.split("."))
    raise _arg_error(name, index, EXPECT_FIELD_NAME, value)


def _today(env: Env) -> date:
    value = env.get(TODAY_KEY)
    if value is None:
        return date.today()
    if isinstance(value, date):
        return _as_date(value)
    raise EvaluationError(MSG_BAD_TODAY)


def _fn_today(env: Env) -> date:
    """today(): the ``__today__`` date from the environment, else the system date."""
    return _today(env)


def _fn_age(env: Env, born: Any, at: Any = _UNSET) -> int | None:
    """age(d[, at]): full years from d to ``at`` (default today). None in → None out.

    Someone born on 29 February has a birthday on 28 February in common years.
    """
    if at is _UNSET:
        at = _today(env)
    if born is None or at is None:
        return None
    return _years_between(_need_date("age", 1, born), _need_date("age", 2, at))


def _fn_years_between(start: Any, end: Any) -> int | None:
    """years_between(a, b): whole years from a to b, negative when b < a; None in → None."""
    if start is None or end is None:
        return None
    return _years_between(_need_date("years_between", 1, start), _need_date("years_between", 2, end))


def _fn_days_between(start: Any, end: Any) -> int | None:
    """days_between(a, b): b - a in days; None in → None."""
    if start is None or end is None:
        return None
    return (_need_date("days_between", 2, end) - _need_date("days_between", 1, start)).days


def _fn_add_years(day: Any, years: Any) -> date | None:
    """add_years(d, n): 29 February lands on 28 February in common years; None in → None."""
    if day is None or years is None:
        return None
    return _shift_years(_need_date("add_years", 1, day), _need_int("add_years", 2, years))


def _fn_add_days(day: Any, days: Any) -> date | None:
    """add_days(d, n); None in → None."""
    if day is None or days is None:
        return None
    return _shift_days(_need_date("add_days", 1, day), _need_int("add_days", 2, days))


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_RU_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def _fn_date(value: Any) -> date | None:
    """date(text): 'ГГГГ-ММ-ДД' or 'ДД.ММ.ГГГГ'; a date passes through; None or '' → None."""
    if value is None:
        return None
    if isinstance(value, date):
        return _as_date(value)
    if not isinstance(value, str):
        raise _arg_error("date", 1, EXPECT_DATE_TEXT, value)
    text = value.strip()
    if not text:
        return None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _RU_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise EvaluationError(MSG_BAD_DATE.format(text=text[:40]))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise EvaluationError(MSG_BAD_DATE.format(text=text[:40])) from None


def _fn_len(value: Any) -> int:
    """len(x): length of a string, list or record; None → 0 (a missing value is empty)."""
    if value is None:
        return 0
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    raise _arg_error("len", 1, EXPECT_COLLECTION, value)


def _fn_count(items: Any) -> int:
    """count(list): number of items that are not None; None → 0."""
    if items is None:
        return 0
    return sum(1 for item in _need_list("count", 1, items) if item is not None)


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | Mapping):
        return len(value) == 0
    return False


def _fn_empty(value: Any) -> bool:
    """empty(x): true for None, '' (also whitespace only), [] and {}; 0 and false are filled."""
    return _is_empty(value)


def _fn_filled(value: Any) -> bool:
    """filled(x): not empty(x)."""
    return not _is_empty(value)


def _rows(name: str, items: Any) -> list[Any] | tuple[Any, ...]:
    """A repeat group: None means no rows."""
    if items is None:
        return ()
    return _need_list(name, 1, items)


def _row_value(name: str, row: Any, path: tuple[str, ...]) -> Any:
    if type(row) is dict or isinstance(row, Mapping):
        return _lookup(row, path)
    raise EvaluationError(MSG_ROW_NOT_RECORD.format(name=name, kind=_kind(row)))


def _fn_sum(items: Any, field_name: Any = _UNSET) -> Any:
    """sum(list) or sum(rows, 'field'): None rows, None values and a None list are skipped → 0."""
    path = None if field_name is _UNSET else _field_path("sum", 2, field_name)
    total: Any = 0
    for row in _rows("sum", items):
        if row is None:
            continue
        value = row if path is None else _row_value("sum", row, path)
        if value is None:
            continue
        if type(value) not in _NUMBER_TYPES:
            raise EvaluationError(MSG_NOT_A_NUMBER.format(name="sum", kind=_kind(value)))
        total += value
    return total


def _fn_any(items: Any, field_name: Any, value: Any) -> bool:
    """any(rows, 'field', value): some row has row[field] == value; None list → false."""
    path = _field_path("any", 2, field_name)
    return any(row is not None and _equal(_row_value("any", row, path), value) for row in _rows("any", items))


def _fn_count_if(items: Any, field_name: Any, value: Any) -> int:
    """count_if(rows, 'field', value): rows with row[field] == value; None list → 0."""
    path = _field_path("count_if", 2, field_name)
    return sum(
        1
        for row in _rows("count_if", items)
        if row is not None and _equal(_row_value("count_if", row, path), value)
    )


def _ordering_class(value: Any) -> str | None:
    if type(value) in _NUMBER_TYPES:
        return KIND_NUMBER
    if isinstance(value, str):
        return KIND_STRING
    if isinstance(value, date):
        return KIND_DATE
    return None


def _extreme(name: str, pick: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """min/max over arguments, or over a single list argument. None values are skipped (like SQL
    LEAST/GREATEST in PostgreSQL); when nothing is left the result is None."""
    values: Any = args[0] if len(args) == 1 and isinstance(args[0], list | tuple) else args
    present = [_as_date(v) if isinstance(v, date) else v for v in values if v is not None]
    if not present:
        return None
    first = present[0]
    kind = _ordering_class(first)
    for value in present:
        if kind is None or _ordering_class(value) != kind:
            raise EvaluationError(MSG_MIXED_VALUES.format(name=name, left=_kind(first), right=_kind(value)))
    return pick(present)


def _fn_min(*args: Any) -> Any:
    """min(a, b, …) or min(list); None skipped."""
    return _extreme("min", min, args)


def _fn_max(*args: Any) -> Any:
    """max(a, b, …) or max(list); None skipped."""
    return _extreme("max", max, args)


def _fn_round(value: Any, digits: Any = _UNSET) -> Any:
    """round(x[, n]): half away from zero (as in Russian accounting, not Python's banker's rounding).

    round(x) → int; round(x, n) with n > 0 → Decimal with n places (an int stays an int);
    n <= 0 → int rounded to tens, hundreds… None in → None.
    """
    if value is None or digits is None:
        return None
    if type(value) not in _NUMBER_TYPES:
        raise _arg_error("round", 1, EXPECT_NUMBER, value)
    places = 0 if digits is _UNSET else _need_int("round", 2, digits)
    if type(value) is int and places >= 0:
        return value
    try:
        quantum = Decimal(1).scaleb(-places)
        result = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    except (InvalidOperation, OverflowError, ValueError):
        raise EvaluationError(MSG_ROUND_FAILED) from None
    if places <= 0:
        return int(result)
    return result


def _fn_lower(value: Any) -> str | None:
    """lower(s); None → None."""
    return None if value is None else _need_str("lower", 1, value).lower()


def _fn_upper(value: Any) -> str | None:
    """upper(s); None → None."""
    return None if value is None else _need_str("upper", 1, value).upper()


def _fn_contains(container: Any, item: Any) -> bool | None:
    """contains(list_or_string, x): a None container is empty (→ false); a None x → None."""
    if container is None:
        return False
    if item is None:
        return None
    if not isinstance(container, str | list | tuple | Mapping):
        raise _arg_error("contains", 1, EXPECT_COLLECTION, container)
    if isinstance(container, str) and not isinstance(item, str):
        raise _arg_error("contains", 2, EXPECT_STRING, item)
    return _in(item, container)


def _fn_startswith(text: Any, prefix: Any) -> bool | None:
    """startswith(s, prefix); None in → None."""
    if text is None or prefix is None:
        return None
    return _need_str("startswith", 1, text).startswith(_need_str("startswith", 2, prefix))


def _fn_if(env: Env, condition: Thunk, then: Thunk, otherwise: Thunk) -> Any:
    """if(cond, a, b): lazy; a None condition does not hold, so b is taken (like SQL CASE)."""
    if truthy(condition(env)) is True:
        return then(env)
    return otherwise(env)


def _fn_coalesce(env: Env, *candidates: Thunk) -> Any:
    """coalesce(a, b, …): the first value that is not None (lazy: later ones are not evaluated)."""
    for candidate in candidates:
        value = candidate(env)
        if value is not None:
            return value
    return None


def _spec(
    name: str,
    min_args: int,
    max_args: int | None,
    impl: Callable[..., Any],
    description: str,
    *,
    needs_env: bool = False,
    lazy: bool = False,
) -> tuple[str, FunctionSpec]:
    return name, FunctionSpec(name, min_args, max_args, impl, needs_env, lazy, description)


#: The built-in registry. Pass your own (e.g. ``{**FUNCTIONS, "x": FunctionSpec(...)}``) to parse().
FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType(
    dict(
        [
            _spec("age", 1, 2, _fn_age, "полных лет на сегодня или на дату", needs_env=True),
            _spec("today", 0, 0, _fn_today, "сегодняшняя дата", needs_env=True),
            _spec("date", 1, 1, _fn_date, "дата из текста ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"),
            _spec("years_between", 2, 2, _fn_years_between, "полных лет между датами"),
            _spec("days_between", 2, 2, _fn_days_between, "дней между датами"),
            _spec("add_years", 2, 2, _fn_add_years, "дата через n лет"),
            _spec("add_days", 2, 2, _fn_add_days, "дата через n дней"),
            _spec("len", 1, 1, _fn_len, "длина текста или списка; пустое значение — 0"),
            _spec("count", 1, 1, _fn_count, "число заполненных элементов списка"),
            _spec("empty", 1, 1, _fn_empty, "значение не заполнено"),
            _spec("filled", 1, 1, _fn_filled, "значение заполнено"),
            _spec("sum", 1, 2, _fn_sum, "сумма списка или поля по строкам группы"),
            _spec("min", 1, None, _fn_min, "наименьшее из значений"),
            _spec("max", 1, None, _fn_max, "наибольшее из значений"),
            _spec("round", 1, 2, _fn_round, "округление (половина — вверх)"),
            _spec("lower", 1, 1, _fn_lower, "текст строчными буквами"),
            _spec("upper", 1, 1, _fn_upper, "текст прописными буквами"),
            _spec("contains", 2, 2, _fn_contains, "список или текст содержит значение"),
            _spec("startswith", 2, 2, _fn_startswith, "текст начинается с приставки"),
            _spec("if", 3, 3, _fn_if, "если условие, то a, иначе b", lazy=True),
            _spec("coalesce", 1, None, _fn_coalesce, "первое заполненное значение", lazy=True),
            _spec("any", 3, 3, _fn_any, "в какой-нибудь строке группы поле равно значению"),
            _spec("count_if", 3, 3, _fn_count_if, "число строк группы, где поле равно значению"),
        ]
    )
)


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

# Token kinds
_NUM, _STR, _NAME, _KW, _OP, _EOF = "number", "string", "name", "keyword", "operator", "end"

_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
# Words a user coming from Python/SQL/Excel may type in the wrong case.
_KEYWORD_HINTS = {word: word for word in _KEYWORDS} | {"none": "null"}
_TWO_CHAR_OPS = ("==", "!=", "<=", ">=")
_ONE_CHAR_OPS = frozenset("<>+-*/()[],.")
_CHAR_HINTS = {"=": MSG_HINT_EQUALS, "!": MSG_HINT_BANG, "&": MSG_HINT_AMPERSAND, "|": MSG_HINT_PIPE}
_FANCY_QUOTES = frozenset("«»“”„‘’‚")
_ESCAPES = frozenset("'\"\\")


class _Token(NamedTuple):
    """A token; a tuple because thousands are made per catalog compile (cheap to build)."""

    kind: str
    value: Any
    pos: int
    text: str  # as written, for messages


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or ("0" <= ch <= "9")


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    n = len(source)
    i = 0
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if _is_digit(ch):
            i = _scan_number(source, i, tokens)
        elif _is_name_start(ch):
            i = _scan_name(source, i, tokens)
        elif ch in "'\"":
            i = _scan_string(source, i, tokens)
        elif source.startswith(_TWO_CHAR_OPS, i):
            tokens.append(_Token(_OP, source[i : i + 2], start, source[i : i + 2]))
            i += 2
        elif ch in _ONE_CHAR_OPS:
            tokens.append(_Token(_OP, ch, start, ch))
            i += 1
        elif ch in _CHAR_HINTS:
            raise ExpressionError(_CHAR_HINTS[ch], start)
        elif ch in _FANCY_QUOTES:
            raise ExpressionError(MSG_HINT_FANCY_QUOTE.format(char=ch), start)
        elif ch.isalpha():
            raise ExpressionError(MSG_HINT_NON_ASCII.format(char=ch), start)
        else:
            shown = ch if ch.isprintable() else repr(ch)[1:-1]
            raise ExpressionError(MSG_UNEXPECTED_CHAR.format(char=shown), start)
    tokens.append(_Token(_EOF, None, n, ""))
    return tokens


# The common shapes of tokens in one regular expression: compiling a 300-service catalog parses
# thousands of expressions, and scanning them a character at a time in Python was half of it.
# Anything this does not recognise (escapes in strings, typos, hints) goes to `_tokenize`,
# which has the precise error messages.
_FAST_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d+)?)(?![A-Za-z0-9_.])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<str>'[^'\\]*'|"[^"\\]*")
    | (?P<op>==|!=|<=|>=|[<>+\-*/()\[\],])
    )""",
    re.VERBOSE,
)


def _tokenize_fast(source: str) -> list[_Token]:
    """Same tokens as `_tokenize` for well-formed input; defers to it for everything else."""
    tokens: list[_Token] = []
    n = len(source)
    pos = 0
    match = _FAST_TOKEN.match
    while True:
        found = match(source, pos)
        if found is None or found.end() == pos:
            if source[pos:].strip():
                return _tokenize(source)
            break
        kind = found.lastgroup
        text = found.group(kind)  # type: ignore[arg-type]
        start = found.start(kind)  # type: ignore[arg-type]
        if kind == "name":
            head = text.split(".", 1)[0]
            if text in _KEYWORDS:
                tokens.append(_Token(_KW, text, start, text))
            elif head in _KEYWORDS or head.lower() in _KEYWORD_HINTS:
                return _tokenize(source)  # a hint or an odd keyword use: let the slow path speak
            else:
                tokens.append(_Token(_NAME, text, start, text))
        elif kind == "num":
            tokens.append(_Token(_NUM, Decimal(text) if "." in text else int(text), start, text))
        elif kind == "str":
            tokens.append(_Token(_STR, text[1:-1], start, text))
        else:
            tokens.append(_Token(_OP, text, start, text))
        pos = found.end()
    tokens.append(_Token(_EOF, None, n, ""))
    return tokens


def _scan_number(source: str, i: int, tokens: list[_Token]) -> int:
    start, n = i, len(source)
    while i < n and _is_digit(source[i]):
        i += 1
    is_decimal = False
    if i + 1 < n and source[i] == "." and _is_digit(source[i + 1]):
        is_decimal = True
        i += 1
        while i < n and _is_digit(source[i]):
            i += 1
    if i < n and (_is_name_char(source[i]) or source[i] == "."):
        # "14years", "1.2.3", "1." — report the whole run rather than a confusing stray token
        end = i
        while end < n and (_is_name_char(source[end]) or source[end] == "."):
            end += 1
        raise ExpressionError(MSG_BAD_NUMBER.format(text=source[start:end]), start)
    text = source[start:i]
    tokens.append(_Token(_NUM, Decimal(text) if is_decimal else int(text), start, text))
    return i


def _scan_name(source: str, i: int, tokens: list[_Token]) -> int:
    """A name, or a dotted path written without spaces (``identity.issue_date``), or a keyword."""
    start, n = i, len(source)
    while i < n and _is_name_char(source[i]):
        i += 1
    first = source[start:i]
    if first in _KEYWORDS:
        tokens.append(_Token(_KW, first, start, first))
        return i
    hint = _KEYWORD_HINTS.get(first.lower())
    if hint is not None:
        raise ExpressionError(MSG_HINT_KEYWORD_CASE.format(word=first, keyword=hint), start)
    while i + 1 < n and source[i] == "." and _is_name_start(source[i + 1]):
        i += 2
        while i < n and _is_name_char(source[i]):
            i += 1
    text = source[start:i]
    tokens.append(_Token(_NAME, text, start, text))
    return i


def _scan_string(source: str, i: int, tokens: list[_Token]) -> int:
    start, n = i, len(source)
    quote = source[i]
    i += 1
    parts: list[str] = []
    while True:
        if i >= n:
            raise ExpressionError(MSG_UNCLOSED_STRING, start)
        ch = source[i]
        if ch == quote:
            i += 1
            break
        if ch == "\\":
            if i + 1 >= n:
                raise ExpressionError(MSG_UNCLOSED_STRING, start)
            escaped = source[i + 1]
            if escaped not in _ESCAPES:
                raise ExpressionError(MSG_BAD_ESCAPE.format(char=escaped), i)
            parts.append(escaped)
            i += 2
            continue
        parts.append(ch)
        i += 1
    tokens.append(_Token(_STR, "".join(parts), start, source[start:i]))
    return i


# --------------------------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Const:
    value: Any


@dataclass(frozen=True, slots=True)
class _Name:
    path: str


@dataclass(frozen=True, slots=True)
class _List:
    items: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: Any


@dataclass(frozen=True, slots=True)
class _Not:
    operand: Any


@dataclass(frozen=True, slots=True)
class _Logic:
    """A flat chain of ``and`` or of ``or`` operands (no stack growth for long chains)."""

    op: str
    operands: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Arith:
    """A flat left-associative chain: operands[0] ops[0] operands[1] ops[1] …"""

    operands: tuple[Any, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class _Call:
    spec: FunctionSpec
    args: tuple[Any, ...]


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

_COMPARISON_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _plural(count: int, one: str, few: str, many: str) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _arity_text(spec: FunctionSpec) -> str:
    low, high = spec.min_args, spec.max_args
    if high == 0:
        return MSG_ARITY_NONE
    if high == low:
        noun = _plural(low, "аргумент", "аргумента", "аргументов")
        return MSG_ARITY_EXACT.format(count=low, noun=noun)
    if high is None:
        noun = _plural(low, "аргумента", "аргументов", "аргументов")
        return MSG_ARITY_AT_LEAST.format(count=low, noun=noun)
    noun = _plural(high, "аргумента", "аргументов", "аргументов")
    return MSG_ARITY_RANGE.format(low=low, high=high, noun=noun)


class _Parser:
    """Recursive descent over the token list; records names and functions as it goes."""

    def __init__(self, tokens: list[_Token], functions: Mapping[str, FunctionSpec]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.functions = functions
        self.names: set[str] = set()
        self.called: set[str] = set()

    # -- token helpers ---------------------------------------------------------------------

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _at(self, kind: str, value: Any) -> bool:
        token = self.tokens[self.index]
        return token.kind == kind and token.value == value

    def _enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(MSG_TOO_DEEP.format(limit=MAX_DEPTH), token.pos)

    def _leave(self) -> None:
        self.depth -= 1

    def _expect_close(self, closer: str, separator: str | None = None) -> None:
        if self._at(_OP, closer):
            self._advance()
            return
        if separator is None:
            message = MSG_EXPECTED.format(token=closer)
        else:
            message = MSG_EXPECTED_EITHER.format(first=separator, second=closer)
        raise ExpressionError(message, self.token.pos)

    # -- grammar ---------------------------------------------------------------------------

    def parse(self) -> Any:
        if self.token.kind == _EOF:
            raise ExpressionError(MSG_EMPTY, 0)
        node = self._or()
        if self.token.kind != _EOF:
            raise ExpressionError(MSG_STRAY_TOKEN.format(token=self.token.text), self.token.pos)
        return node

    def _or(self) -> Any:
        first = self._and()
        if not self._at(_KW, "or"):
            return first  # the common case: no list, no node
        operands = [first]
        while self._at(_KW, "or"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else _Logic("or", tuple(operands))

    def _and(self) -> Any:
        first = self._not()
        if not self._at(_KW, "and"):
            return first
        operands = [first]
        while self._at(_KW, "and"):
            self._advance()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else _Logic("and", tuple(operands))

    def _not(self) -> Any:
        if self._at(_KW, "not"):
            self._enter(self._advance())
            operand = self._not()
            self._leave()
            return _Not(operand)
        return self._comparison()

    def _comparison_op(self) -> str | None:
        token = self.token
        if token.kind == _OP and token.value in _COMPARISON_OPS:
            return token.value
        if token.kind == _KW:
            if token.value == "in":
                return "in"
            following = self.tokens[self.index + 1]
            if token.value == "not" and following.kind == _KW and following.value == "in":
                return "not in"
        return None

    def _comparison(self) -> Any:
        left = self._additive()
        op = self._comparison_op()
        if op is None:
            return left
        self.index += 2 if op == "not in" else 1
        right = self._additive()
        if self._comparison_op() is not None:
            raise ExpressionError(MSG_CHAINED_COMPARISON, self.token.pos)
        return _Compare(op, left, right)

    def _additive(self) -> Any:
        return self._chain(self._term, ("+", "-"))

    def _term(self) -> Any:
        return self._chain(self._unary, ("*", "/"))

    def _chain(self, operand: Callable[[], Any], symbols: tuple[str, ...]) -> Any:
        first = operand()
        token = self.tokens[self.index]
        if token.kind != _OP or token.value not in symbols:
            return first
        operands = [first]
        ops: list[str] = []
        while self.token.kind == _OP and self.token.value in symbols:
            ops.append(self._advance().value)
            operands.append(operand())
        if not ops:
            return operands[0]
        return _Arith(tuple(operands), tuple(ops))

    def _unary(self) -> Any:
        if self._at(_OP, "-"):
            self._enter(self._advance())
            operand = self._unary()
            self._leave()
            if isinstance(operand, _Const) and _is_number(operand.value):
                return _Const(-operand.value)  # fold "-5" so constant lists stay constant
            return _Neg(operand)
        return self._primary()

    def _primary(self) -> Any:
        token = self.token
        kind = token.kind
        if kind in (_NUM, _STR):
            self._advance()
            return _Const(token.value)
        if kind == _KW and token.value in ("true", "false", "null"):
            self._advance()
            return _Const({"true": True, "false": False, "null": None}[token.value])
        if kind == _NAME:
            self._advance()
            if self._at(_OP, "("):
                return self._call(token)
            self.names.add(token.value)
            return _Name(token.value)
        if kind == _OP and token.value == "(":
            self._enter(self._advance())
            node = self._or()
            self._expect_close(")")
            self._leave()
            return node
        if kind == _OP and token.value == "[":
            return self._list()
        if kind == _EOF:
            raise ExpressionError(MSG_UNEXPECTED_END, token.pos)
        raise ExpressionError(MSG_EXPECTED_VALUE.format(token=token.text), token.pos)

    def _list(self) -> Any:
        self._enter(self._advance())
        items: list[Any] = []
        while not self._at(_OP, "]"):
            if len(items) == MAX_LIST_ITEMS:
                raise ExpressionError(MSG_LIST_TOO_LONG.format(limit=MAX_LIST_ITEMS), self.token.pos)
            items.append(self._or())
            if self._at(_OP, ","):
                self._advance()  # a trailing comma before "]" is tolerated
            elif not self._at(_OP, "]"):
                self._expect_close("]", ",")
        self._advance()
        self._leave()
        return _List(tuple(items))

    def _call(self, name_token: _Token) -> Any:
        name = name_token.value
        spec = self.functions.get(name) if "." not in name else None
        if spec is None:
            raise ExpressionError(MSG_UNKNOWN_FUNCTION.format(name=name), name_token.pos)
        self._advance()
        self._enter(name_token)
        args: list[Any] = []
        if not self._at(_OP, ")"):
            while True:
                args.append(self._or())
                if self._at(_OP, ","):
                    self._advance()
                    continue
                self._expect_close(")", ",")
                break
        else:
            self._advance()
        self._leave()
        count = len(args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            message = MSG_ARITY.format(name=name, expected=_arity_text(spec), got=count)
            raise ExpressionError(message, name_token.pos)
        self.called.add(name)
        return _Call(spec, tuple(args))


# --------------------------------------------------------------------------------------------
# Compiler: AST → closures. Runs once per expression; evaluation is then just calls.
# --------------------------------------------------------------------------------------------


def _compile(node: Any) -> Thunk:
    if isinstance(node, _Const):
        return _compile_const(node.value)
    if isinstance(node, _Name):
        return _compile_name(node.path)
    if isinstance(node, _Compare):
        return _compile_compare(node)
    if isinstance(node, _Logic):
        return _compile_logic(node)
    if isinstance(node, _Arith):
        return _compile_arith(node)
    if isinstance(node, _Call):
        return _compile_call(node)
    if isinstance(node, _Not):
        return _compile_not(node)
    if isinstance(node, _Neg):
        operand = _compile(node.operand)
        return lambda env: _neg(operand(env))
    if isinstance(node, _List):
        return _compile_list(node)
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover - parser bug


def _compile_const(value: Any) -> Thunk:
    return lambda env: value


def _compile_name(path: str) -> Thunk:
    segments = path.split(".")
    if len(segments) == 1:
        return lambda env: env.get(path)
    root, rest = segments[0], tuple(segments[1:])
    if len(rest) == 1:
        key = rest[0]

        def two_segments(env: Env) -> Any:
            value = env.get(root)
            if type(value) is dict:
                return value.get(key)
            return _lookup(value, rest) if isinstance(value, Mapping) else None

        return two_segments
    return lambda env: _lookup(env.get(root), rest)


def _constant_list(node: Any) -> tuple[Any, ...] | None:
    if isinstance(node, _List) and all(isinstance(item, _Const) for item in node.items):
        return tuple(item.value for item in node.items)
    return None


def _compile_list(node: _List) -> Thunk:
    constant = _constant_list(node)
    if constant is not None:
        return lambda env: list(constant)  # a fresh list: callers may mutate results
    items = tuple(_compile(item) for item in node.items)
    return lambda env: [item(env) for item in items]


def _compile_compare(node: _Compare) -> Thunk:
    left = _compile(node.left)
    constant = _constant_list(node.right) if node.op in ("in", "not in") else None
    if constant is not None:
        return _compile_membership(left, constant, negate=node.op == "not in")
    op = _COMPARISONS[node.op]
    return _compile_binary(op, node.left, left, node.right)


def _compile_binary(op: Callable[[Any, Any], Any], left_node: Any, left: Thunk, right_node: Any) -> Thunk:
    """Binary call with constant operands inlined (saves a closure call per evaluation)."""
    if isinstance(right_node, _Const):
        right_value = right_node.value
        return lambda env: op(left(env), right_value)
    right = _compile(right_node)
    if isinstance(left_node, _Const):
        left_value = left_node.value
        return lambda env: op(left_value, right(env))
    return lambda env: op(left(env), right(env))


def _compile_membership(left: Thunk, items: tuple[Any, ...], *, negate: bool) -> Thunk:
    """``x in ['loss', 'damage']``: a set lookup when the list holds only strings."""
    strings = frozenset(items) if all(type(item) is str for item in items) else None

    def member(env: Env) -> bool | None:
        value = left(env)
        if value is None:
            return None
        if strings is not None and type(value) is str:
            found = value in strings
        else:
            found = _member(value, items)
        return not found if negate else found

    return member


def _compile_logic(node: _Logic) -> Thunk:
    operands = tuple(_compile(operand) for operand in node.operands)
    # "and" stops at the first false, "or" at the first true; otherwise unknown wins over the rest.
    stop = node.op != "and"
    if len(operands) == 2:
        first, second = operands

        def pair(env: Env) -> bool | None:
            a = truthy(first(env))
            if a is stop:
                return stop
            b = truthy(second(env))
            if b is stop:
                return stop
            return None if a is None or b is None else not stop

        return pair

    def chain(env: Env) -> bool | None:
        unknown = False
        for operand in operands:
            value = truthy(operand(env))
            if value is stop:
                return stop
            if value is None:
                unknown = True
        return None if unknown else not stop

    return chain


def _compile_not(node: _Not) -> Thunk:
    operand = _compile(node.operand)

    def negation(env: Env) -> bool | None:
        value = truthy(operand(env))
        return None if value is None else not value

    return negation


def _compile_arith(node: _Arith) -> Thunk:
    if len(node.operands) == 2:
        op = _ARITHMETIC[node.ops[0]]
        return _compile_binary(op, node.operands[0], _compile(node.operands[0]), node.operands[1])
    first = _compile(node.operands[0])
    rest = tuple(
        (_ARITHMETIC[symbol], _compile(operand))
        for symbol, operand in zip(node.ops, node.operands[1:], strict=True)
    )

    def chain(env: Env) -> Any:
        value = first(env)
        for op, operand in rest:
            value = op(value, operand(env))
        return value

    return chain


def _compile_call(node: _Call) -> Thunk:
    spec = node.spec
    impl = spec.impl
    args = tuple(_compile(arg) for arg in node.args)
    if spec.lazy:
        return lambda env: impl(env, *args)
    if spec.needs_env:
        if not args:
            return lambda env: impl(env)
        if len(args) == 1:
            (a,) = args
            return lambda env: impl(env, a(env))
        return lambda env: impl(env, *[arg(env) for arg in args])
    if not args:
        return lambda env: impl()
    if len(args) == 1:
        (a,) = args
        return lambda env: impl(a(env))
    if len(args) == 2:
        a, b = args
        return lambda env: impl(a(env), b(env))
    return lambda env: impl(*[arg(env) for arg in args])


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed and compiled expression.

    ``names`` holds every field reference as written (dotted), ``roots`` their first segments
    (what a form must watch to know when to re-evaluate), ``functions`` the functions called.
    """

    source: str
    names: frozenset[str]
    roots: frozenset[str]
    functions: frozenset[str]
    _fn: Thunk = field(repr=False, compare=False)

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """Evaluate against ``env``. Returns a value (None when data is missing) or raises
        EvaluationError; stray Python errors from custom functions are converted to it too."""
        try:
            return self._fn(env)
        except EvaluationError:
            raise
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise EvaluationError(MSG_EVALUATION_FAILED) from exc


def parse(source: str, functions: Mapping[str, FunctionSpec] | None = None) -> Expression:
    """Parse and compile ``source``; raises only ExpressionError on bad input.

    ``functions`` replaces the registry (default ``FUNCTIONS``); unknown functions and wrong
    argument counts are reported here, at load time, not when a form is being filled.
    """
    if not isinstance(source, str):
        raise ExpressionError(MSG_NOT_TEXT, 0)
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(MSG_TOO_LONG.format(limit=MAX_SOURCE_LENGTH), MAX_SOURCE_LENGTH)
    parser = _Parser(_tokenize_fast(source), FUNCTIONS if functions is None else functions)
    tree = parser.parse()
    names = frozenset(parser.names)
    return Expression(
        source=source,
        names=names,
        roots=frozenset(name.split(".", 1)[0] for name in names),
        functions=frozenset(parser.called),
        _fn=_compile(tree),
    )
