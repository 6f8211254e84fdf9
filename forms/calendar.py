"""Russian production calendar (производственный календарь) for service deadlines.

Service deadlines in the catalog are «N рабочих дней», «N календарных дней» or months. They are
counted on the official production calendar: public holidays, days off moved by the annual
Government decree (e.g. 2025-12-31, 2026-01-09 and 2026-12-31 are days off) and working
Saturdays (2025-11-01). The data comes from the ``holidays`` package (country ``RU``), which
carries the decree transfers as "substituted" holidays and exposes working weekends through
``weekend_workdays``/``is_working_day``. Decrees published after the installed package release
are patched with a local override table (see :func:`load_overrides`).

Counting rules follow the Civil Code: a period starts the day after the starting date
(art. 191) and a deadline that falls on a day off moves to the next working day (art. 193).

Performance: the calendar is consulted on every form change, so each year is turned once into
a flat table (one flag and one running count of working days per day of the year). After that
``is_working_day`` is a dict lookup plus a tuple index, and the deadline arithmetic uses binary
search over the running counts instead of walking day by day.

Years the package has no decree data for (after the last known decree, or outside its range)
still work: they get weekends plus whatever fixed holidays the package still yields, and the
override table can fill in the rest. Nothing here raises for lack of calendar data; only
arithmetic that runs past ``date.max`` raises ``OverflowError``, like ``date`` itself.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import holidays

__all__ = ["ProductionCalendar", "load_overrides"]

_log = logging.getLogger(__name__)

# --- User-facing messages (Russian). -------------------------------------------------------------
# Override rows: «запись №N» is 1-based for people editing the table; the 0-based index is given
# too, so a developer can find the row in the parsed list.
MSG_ROW_NOT_MAPPING = "Запись №{number} (индекс {index}): ожидается набор полей date, working, reason"
MSG_DATE_MISSING = "Запись №{number} (индекс {index}), поле «date»: дата не указана"
MSG_DATE_INVALID = (
    "Запись №{number} (индекс {index}), поле «date»: некорректная дата {value!r}, "
    "ожидается дата в формате ГГГГ-ММ-ДД"
)
MSG_DATE_DUPLICATE = (
    "Запись №{number} (индекс {index}), поле «date»: дата {value} уже указана в записи №{first}"
)
MSG_WORKING_MISSING = "Запись №{number} (индекс {index}), поле «working»: не указано, рабочий ли день"
MSG_WORKING_INVALID = (
    "Запись №{number} (индекс {index}), поле «working»: ожидается true (рабочий день) "
    "или false (выходной), получено {value!r}"
)
MSG_REASON_INVALID = (
    "Запись №{number} (индекс {index}), поле «reason»: ожидается текст (основание), получено {value!r}"
)
MSG_NEGATIVE_AMOUNT = "Срок не может быть отрицательным: {n}"

_COUNTRY = "RU"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _YearTable:
    """One year of the calendar, flattened for O(1) look-ups.

    ``working[i]`` tells whether day ``i`` of the year (0 = 1 January) is a working day;
    ``running[i]`` is the number of working days among days ``0..i`` inclusive, so it is
    non-decreasing and ``running[-1]`` is the year's total.
    """

    first_ordinal: int
    working: tuple[bool, ...]
    running: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.running[-1]

    def day_at(self, index: int) -> date:
        return date.fromordinal(self.first_ordinal + index)


def _year_length(year: int) -> int:
    if year == date.max.year:
        return 365  # 9999 is not a leap year; avoids building date(10000, 1, 1)
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


@lru_cache(maxsize=256)
def _package_flags(year: int) -> tuple[bool, ...]:
    """Working-day flags for ``year`` as the ``holidays`` package sees it (no local overrides).

    Shared by every :class:`ProductionCalendar` because it is the expensive part (the package
    builds its holiday tables in Python). A fresh package object is created per call, so
    concurrent callers never share its mutable state. The neighbouring years are populated too,
    so a transfer recorded under one year that touches a date of another still lands.
    """
    length = _year_length(year)
    first = date(year, 1, 1)
    try:
        years = range(max(year - 1, date.min.year), min(year + 1, date.max.year) + 1)
        source = holidays.country_holidays(_COUNTRY, years=years)
        return tuple(source.is_working_day(first + timedelta(days=i)) for i in range(length))
    except Exception:  # never let a package defect break deadline computation
        _log.warning("holidays: no data for %s in %d, using weekends only", _COUNTRY, year, exc_info=True)
        return tuple((first + timedelta(days=i)).weekday() < 5 for i in range(length))


def _build_year(year: int, overrides: Mapping[date, bool]) -> _YearTable:
    flags = list(_package_flags(year))
    first_ordinal = date(year, 1, 1).toordinal()
    for day, working in overrides.items():
        flags[day.toordinal() - first_ordinal] = working
    running: list[int] = []
    count = 0
    for flag in flags:
        count += flag
        running.append(count)
    return _YearTable(first_ordinal, tuple(flags), tuple(running))


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _plain_date(day: date) -> date:
    """``datetime`` is a ``date`` subclass; reduce it to the calendar day it falls on."""
    return day.date() if isinstance(day, datetime) else day


def _check_amount(n: int) -> None:
    if n < 0:
        raise ValueError(MSG_NEGATIVE_AMOUNT.format(n=n))


class ProductionCalendar:
    """The Russian production calendar with local overrides, for deadline arithmetic.

    All methods are pure functions of the package data and the overrides given at construction;
    an instance may be shared between threads (each year's table is built once, under a lock;
    reads take no lock). Arguments that are ``datetime`` are treated as their calendar day.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        """Create a calendar.

        ``overrides`` maps a date to ``True`` (working day) or ``False`` (day off); they win over
        the package, which lets a new decree take effect before a package update ships. Use
        :func:`load_overrides` to build it from catalog rows.
        """
        by_year: dict[int, dict[date, bool]] = {}
        for raw_day, working in (overrides or {}).items():
            if not isinstance(raw_day, date):
                raise TypeError(f"override key must be a date, got {raw_day!r}")
            if not isinstance(working, bool):
                raise TypeError(f"override for {raw_day} must be a bool, got {working!r}")
            day = _plain_date(raw_day)
            by_year.setdefault(day.year, {})[day] = working
        self._overrides_by_year = by_year
        self._years: dict[int, _YearTable] = {}
        self._lock = threading.Lock()

    # --- per-year tables ------------------------------------------------------------------------
    def _table(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            with self._lock:
                table = self._years.get(year)
                if table is None:
                    table = _build_year(year, self._overrides_by_year.get(year, {}))
                    self._years[year] = table
        return table

    def _running_through(self, day: date) -> int:
        """Working days from 1 January of ``day``'s year up to and including ``day``."""
        table = self._table(day.year)
        return table.running[day.toordinal() - table.first_ordinal]

    # --- queries --------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: O(1) once its year has been looked at."""
        day = _plain_date(day)
        table = self._years.get(day.year) or self._table(day.year)
        return table.working[day.toordinal() - table.first_ordinal]

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        day = _plain_date(day)
        if self.is_working_day(day):
            return day
        return self._nth_working_day_after(day, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The date ``n`` working days after ``start``.

        Counting starts the day after ``start`` (art. 191 of the Civil Code), so the result is
        the ``n``-th working day strictly after ``start`` and is always a working day:
        2025-10-30 + 3 = 2025-11-05 (the 1 November working Saturday counts, 3–4 November do
        not). ``n == 0`` gives ``start`` if it is a working day, else the next working day.
        Raises ``ValueError`` for negative ``n``.
        """
        _check_amount(n)
        start = _plain_date(start)
        if n == 0:
            return self.next_working_day(start)
        return self._nth_working_day_after(start, n)

    def _nth_working_day_after(self, start: date, n: int) -> date:
        # Binary search on the running counts: the first index whose count reaches the target is
        # exactly the n-th working day (the count only rises on working days).
        table = self._table(start.year)
        target = table.running[start.toordinal() - table.first_ordinal] + n
        year = start.year
        while target > table.total:
            target -= table.total
            year += 1
            if year > date.max.year:
                raise OverflowError("date value out of range")
            table = self._table(year)
        return table.day_at(bisect_left(table.running, target))

    def add_calendar_days(self, start: date, n: int, *, roll_to_working: bool = True) -> date:
        """``start`` + ``n`` calendar days.

        With ``roll_to_working`` a deadline falling on a day off moves to the next working day
        (art. 193 of the Civil Code); without it the raw date is returned. Raises ``ValueError``
        for negative ``n``.
        """
        _check_amount(n)
        end = _plain_date(start) + timedelta(days=n)
        return self.next_working_day(end) if roll_to_working else end

    def add_months(self, start: date, n: int, *, roll_to_working: bool = True) -> date:
        """The same day of the month ``n`` months after ``start``.

        A day that does not exist in the target month is clamped to its last day
        (31 January + 1 month = 28/29 February, art. 192 of the Civil Code); then, with
        ``roll_to_working``, a day off moves to the next working day. Raises ``ValueError``
        for negative ``n``.
        """
        _check_amount(n)
        start = _plain_date(start)
        months = start.year * 12 + (start.month - 1) + n
        year, month0 = divmod(months, 12)
        if year > date.max.year:
            raise OverflowError("date value out of range")
        month = month0 + 1
        last_day = _month_length(year, month)
        end = date(year, month, min(start.day, last_day))
        return self.next_working_day(end) if roll_to_working else end

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in the half-open interval (``start``, ``end``].

        This is the inverse of :meth:`add_working_days` for ``n >= 1``; it is 0 when
        ``end <= start``.
        """
        start, end = _plain_date(start), _plain_date(end)
        if end <= start:
            return 0
        count = self._running_through(end) - self._running_through(start)
        for year in range(start.year, end.year):
            count += self._table(year).total
        return count

    def days_off(self, year: int) -> list[date]:
        """Every non-working day of ``year`` in order, weekends included (for display and tests)."""
        table = self._table(year)
        return [table.day_at(i) for i, working in enumerate(table.working) if not working]


def _parse_date(value: Any, number: int, index: int) -> date:
    if isinstance(value, datetime):  # a timestamp is not a calendar day; refuse rather than guess
        raise ValueError(MSG_DATE_INVALID.format(number=number, index=index, value=value))
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(MSG_DATE_INVALID.format(number=number, index=index, value=value))


def load_overrides(rows: Iterable[Mapping[str, Any]]) -> dict[date, bool]:
    """Turn override rows into the mapping :class:`ProductionCalendar` takes.

    Each row looks like ``{"date": "2027-01-08", "working": False, "reason": "постановление ..."}``.
    ``date`` is a ``date`` or an ISO string; ``working`` must be a real boolean (a string such
    as ``"false"`` is refused, since it would silently read as true); ``reason`` is optional
    text. A date listed twice is an error. Any bad row raises ``ValueError`` with a Russian
    message naming the row (1-based number and 0-based index) and the field.
    """
    result: dict[date, bool] = {}
    first_seen: dict[date, int] = {}
    for index, row in enumerate(rows):
        number = index + 1
        if not isinstance(row, Mapping):
            raise ValueError(MSG_ROW_NOT_MAPPING.format(number=number, index=index))
        if row.get("date") is None:
            raise ValueError(MSG_DATE_MISSING.format(number=number, index=index))
        day = _parse_date(row["date"], number, index)
        if "working" not in row or row["working"] is None:
            raise ValueError(MSG_WORKING_MISSING.format(number=number, index=index))
        working = row["working"]
        if not isinstance(working, bool):
            raise ValueError(MSG_WORKING_INVALID.format(number=number, index=index, value=working))
        reason = row.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ValueError(MSG_REASON_INVALID.format(number=number, index=index, value=reason))
        if day in first_seen:
            raise ValueError(
                MSG_DATE_DUPLICATE.format(
                    number=number, index=index, value=day.isoformat(), first=first_seen[day]
                )
            )
        first_seen[day] = number
        result[day] = working
    return result
