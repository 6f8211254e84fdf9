"""Tests for forms.calendar: the production calendar and deadline arithmetic.

Where the expected facts come from
----------------------------------
2025: Government decree No. 1335 of 04.10.2024 «О переносе выходных дней в 2025 году» moved
  Sat 4 Jan -> Fri 2 May, Sun 5 Jan -> Wed 31 Dec, Sun 23 Feb -> Thu 8 May,
  Sat 8 Mar -> Fri 13 Jun, Sat 1 Nov -> Mon 3 Nov. With the holidays of Labour Code art. 112
  (1–8 Jan, 23 Feb, 8 Mar, 1 May, 9 May, 12 Jun, 4 Nov) this gives the official 2025 calendar:
  days off 1–8 Jan, 23 Feb, 8 Mar, 1–4 May, 8–11 May, 12–15 Jun, 2–4 Nov, 31 Dec; working
  Saturday 1 Nov; 247 working days. NB: 24 Feb and 10 Mar 2025 were ordinary working days
  (the weekend-coinciding 23 Feb and 8 Mar were moved by the decree, not to the next Monday).
2026: Government decree of 24.09.2025 (No. 1466) moved Sat 3 Jan -> Fri 9 Jan and
  Sun 4 Jan -> Thu 31 Dec; art. 112 part 2 moves Sun 8 Mar -> Mon 9 Mar and
  Sat 9 May -> Mon 11 May. Official 2026 calendar: days off 1–11 Jan, 21–23 Feb, 7–9 Mar,
  1–3 May, 9–11 May, 12–14 Jun, 4 Nov, 31 Dec; no working Saturdays; 247 working days.
Both years were checked against `holidays` 0.108 (country "RU") and agree day for day; these
tests pin that, so a package upgrade that changes either year fails here.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forms.calendar as calendar_module
from forms.calendar import ProductionCalendar, load_overrides

CAL = ProductionCalendar()


def _weekday_days_off(cal: ProductionCalendar, year: int) -> list[date]:
    return [d for d in cal.days_off(year) if d.weekday() < 5]


def _working_weekend_days(cal: ProductionCalendar, year: int) -> list[date]:
    day, found = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() >= 5 and cal.is_working_day(day):
            found.append(day)
        day += timedelta(days=1)
    return found


def _working_days_in_year(cal: ProductionCalendar, year: int) -> int:
    return cal.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))


# --- official calendars --------------------------------------------------------------------------


def test_2025_matches_official_calendar() -> None:
    expected_weekday_off = [
        date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3),  # New Year holidays (art. 112)
        date(2025, 1, 6), date(2025, 1, 7), date(2025, 1, 8),  # New Year holidays, Christmas 7 Jan
        date(2025, 5, 1),  # Labour Day
        date(2025, 5, 2),  # moved from Sat 4 Jan (decree 1335)
        date(2025, 5, 8),  # moved from Sun 23 Feb (decree 1335)
        date(2025, 5, 9),  # Victory Day
        date(2025, 6, 12),  # Russia Day
        date(2025, 6, 13),  # moved from Sat 8 Mar (decree 1335)
        date(2025, 11, 3),  # moved from Sat 1 Nov (decree 1335)
        date(2025, 11, 4),  # Unity Day
        date(2025, 12, 31),  # moved from Sun 5 Jan (decree 1335)
    ]  # fmt: skip
    assert _weekday_days_off(CAL, 2025) == expected_weekday_off
    assert _working_weekend_days(CAL, 2025) == [date(2025, 11, 1)]  # the working Saturday
    assert _working_days_in_year(CAL, 2025) == 247
    # Not days off in 2025, despite the holidays falling on the weekend before them.
    assert CAL.is_working_day(date(2025, 2, 24))
    assert CAL.is_working_day(date(2025, 3, 10))


def test_2026_matches_official_calendar() -> None:
    expected_weekday_off = [
        date(2026, 1, 1), date(2026, 1, 2),  # New Year holidays (art. 112)
        date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7), date(2026, 1, 8),  # idem, Christmas
        date(2026, 1, 9),  # moved from Sat 3 Jan (decree of 24.09.2025)
        date(2026, 2, 23),  # Defender of the Fatherland Day
        date(2026, 3, 9),  # Sun 8 Mar moved to the next working day (art. 112 part 2)
        date(2026, 5, 1),  # Labour Day
        date(2026, 5, 11),  # Sat 9 May moved to the next working day (art. 112 part 2)
        date(2026, 6, 12),  # Russia Day
        date(2026, 11, 4),  # Unity Day
        date(2026, 12, 31),  # moved from Sun 4 Jan (decree of 24.09.2025)
    ]  # fmt: skip
    assert _weekday_days_off(CAL, 2026) == expected_weekday_off
    assert _working_weekend_days(CAL, 2026) == []
    assert _working_days_in_year(CAL, 2026) == 247


def test_days_off_includes_weekends_and_is_sorted() -> None:
    off = CAL.days_off(2025)
    assert off == sorted(off)
    assert date(2025, 1, 4) in off  # Saturday
    assert date(2025, 11, 1) not in off  # working Saturday
    assert len(off) == 365 - 247


# --- working days --------------------------------------------------------------------------------


def test_working_saturday_counts() -> None:
    # Fri 31 Oct, Sat 1 Nov (working), then 2–4 Nov off, Wed 5 Nov.
    assert CAL.add_working_days(date(2025, 10, 30), 3) == date(2025, 11, 5)


def test_counting_across_new_year() -> None:
    # Tue 30 Dec, 31 Dec–11 Jan off, Mon 12 Jan, Tue 13 Jan.
    assert CAL.add_working_days(date(2025, 12, 29), 3) == date(2026, 1, 13)
    assert CAL.add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 12)
    assert CAL.working_days_between(date(2025, 12, 29), date(2026, 1, 13)) == 3
    # A span of several whole years adds up the per-year totals.
    assert CAL.working_days_between(date(2024, 12, 31), date(2026, 12, 31)) == 247 + 247


def test_zero_working_days() -> None:
    assert CAL.add_working_days(date(2025, 10, 30), 0) == date(2025, 10, 30)  # working Thursday
    assert CAL.add_working_days(date(2025, 11, 1), 0) == date(2025, 11, 1)  # working Saturday
    assert CAL.add_working_days(date(2026, 1, 5), 0) == date(2026, 1, 12)  # holiday -> next
    assert CAL.add_working_days(date(2025, 12, 31), 0) == date(2026, 1, 12)


def test_start_on_day_off_counts_from_next_day() -> None:
    # Starting inside the New Year holidays: the 1st working day after 3 Jan is Mon 12 Jan.
    assert CAL.add_working_days(date(2026, 1, 3), 1) == date(2026, 1, 12)


def test_next_working_day() -> None:
    assert CAL.next_working_day(date(2025, 11, 1)) == date(2025, 11, 1)
    assert CAL.next_working_day(date(2025, 11, 2)) == date(2025, 11, 5)
    assert CAL.next_working_day(date(2026, 12, 31)).year == 2027


def test_working_days_between_edges() -> None:
    d = date(2025, 10, 30)
    assert CAL.working_days_between(d, d) == 0
    assert CAL.working_days_between(d, d - timedelta(days=5)) == 0
    assert CAL.working_days_between(date(2025, 11, 1), date(2025, 11, 4)) == 0  # 2–4 Nov off
    assert CAL.working_days_between(date(2025, 10, 31), date(2025, 11, 1)) == 1  # end included


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="отрицательным"):
        CAL.add_working_days(date(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        CAL.add_calendar_days(date(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        CAL.add_months(date(2025, 1, 1), -1)


def test_datetime_is_treated_as_its_day() -> None:
    assert CAL.is_working_day(datetime(2025, 11, 1, 15, 30))
    assert not CAL.is_working_day(datetime(2025, 12, 31, 9, 0))
    assert CAL.add_working_days(datetime(2025, 10, 30, 18, 0), 3) == date(2025, 11, 5)


# --- overrides -----------------------------------------------------------------------------------


def test_overrides_win_over_package() -> None:
    cal = ProductionCalendar(
        {
            date(2025, 10, 30): False,  # a working Thursday made a day off
            date(2025, 11, 8): True,  # an ordinary Saturday made working
            date(2025, 12, 31): True,  # a package day off made working
        }
    )
    assert not cal.is_working_day(date(2025, 10, 30))
    assert cal.is_working_day(date(2025, 11, 8))
    assert cal.is_working_day(date(2025, 12, 31))
    # Thu 30 Oct off: from Wed 29 Oct the working days are 31 Oct, 1 Nov, 5 Nov.
    assert cal.add_working_days(date(2025, 10, 29), 3) == date(2025, 11, 5)
    assert CAL.add_working_days(date(2025, 10, 29), 3) == date(2025, 11, 1)
    # Sat 8 Nov working: Fri 7 Nov + 1 = Sat 8 Nov.
    assert cal.add_working_days(date(2025, 11, 7), 1) == date(2025, 11, 8)
    assert cal.add_working_days(date(2025, 12, 30), 1) == date(2025, 12, 31)
    # The default calendar is not affected by another instance's overrides.
    assert CAL.is_working_day(date(2025, 10, 30))
    assert not CAL.is_working_day(date(2025, 11, 8))


def test_override_types_are_checked() -> None:
    with pytest.raises(TypeError):
        ProductionCalendar({"2025-01-01": False})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ProductionCalendar({date(2025, 1, 1): "false"})  # type: ignore[dict-item]


# --- calendar-day and month deadlines ------------------------------------------------------------


def test_calendar_days_roll_off_holiday() -> None:
    # 21 Dec + 10 = Wed 31 Dec 2025, a day off; next working day is Mon 12 Jan 2026 (CC art. 193).
    assert CAL.add_calendar_days(date(2025, 12, 21), 10) == date(2026, 1, 12)
    assert CAL.add_calendar_days(date(2025, 12, 21), 10, roll_to_working=False) == date(2025, 12, 31)
    # Lands on Mon 23 Feb 2026 (holiday) -> Tue 24 Feb.
    assert CAL.add_calendar_days(date(2026, 2, 13), 10) == date(2026, 2, 24)
    # Lands on a working day: unchanged.
    assert CAL.add_calendar_days(date(2025, 10, 22), 10) == date(2025, 11, 1)
    assert CAL.add_calendar_days(date(2025, 10, 22), 0) == date(2025, 10, 22)


def test_months_roll_off_holiday() -> None:
    # 5 Dec 2025 + 1 month = Mon 5 Jan 2026, inside the New Year holidays -> 12 Jan.
    assert CAL.add_months(date(2025, 12, 5), 1) == date(2026, 1, 12)
    assert CAL.add_months(date(2025, 12, 5), 1, roll_to_working=False) == date(2026, 1, 5)
    assert CAL.add_months(date(2025, 10, 15), 12) == date(2026, 10, 15)


def test_month_end_clamping() -> None:
    assert CAL.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert CAL.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert CAL.add_months(date(2025, 3, 31), 1) == date(2025, 4, 30)
    assert CAL.add_months(date(2025, 12, 31), 2, roll_to_working=False) == date(2026, 2, 28)
    # Clamped to Sat 28 Feb 2026, then rolled to Mon 2 Mar.
    assert CAL.add_months(date(2026, 1, 31), 1) == date(2026, 3, 2)
    assert CAL.add_months(date(2026, 1, 31), 1, roll_to_working=False) == date(2026, 2, 28)
    assert CAL.add_months(date(2025, 11, 30), 1, roll_to_working=False) == date(2025, 12, 30)


# --- years without decree data -------------------------------------------------------------------


@pytest.mark.parametrize("year", [1, 1985, 2101, 2500, 9998])
def test_years_outside_package_fall_back_to_weekends(year: int) -> None:
    off = set(CAL.days_off(year))
    weekends = {d for d in off if d.weekday() >= 5}
    assert weekends  # weekends are days off
    assert all(d.weekday() >= 5 for d in off)  # the package knows no holidays these years
    assert CAL.add_working_days(date(year, 6, 1), 5).year == year


def test_year_beyond_decrees_keeps_fixed_holidays() -> None:
    # The package has fixed holidays up to its end year even without transfer data.
    assert not CAL.is_working_day(date(2030, 1, 1))
    assert not CAL.is_working_day(date(2030, 6, 12))  # Wednesday, Russia Day
    assert not CAL.is_working_day(date(2100, 1, 1))  # Friday; last year the package knows


def test_end_of_date_range() -> None:
    assert CAL.is_working_day(date.max)  # a Friday; the package knows no holidays in 9999
    assert CAL.add_working_days(date.max, 0) == date.max
    with pytest.raises(OverflowError):
        CAL.add_working_days(date(9999, 12, 30), 5)


# --- load_overrides ------------------------------------------------------------------------------


def test_load_overrides_accepts_strings_and_dates() -> None:
    rows = [
        {"date": "2027-01-08", "working": False, "reason": "постановление № 1"},
        {"date": date(2027, 1, 9), "working": True},
        {"date": " 2027-01-10 ", "working": True, "reason": None},
    ]
    assert load_overrides(rows) == {
        date(2027, 1, 8): False,
        date(2027, 1, 9): True,
        date(2027, 1, 10): True,
    }
    assert load_overrides([]) == {}
    cal = ProductionCalendar(load_overrides(rows))
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday made working


@pytest.mark.parametrize(
    ("rows", "number", "field"),
    [
        ([{"date": "2027-01-08", "working": False}, "2027-01-09"], 2, None),
        ([{"working": False}], 1, "date"),
        ([{"date": None, "working": False}], 1, "date"),
        ([{"date": "2027-02-30", "working": False}], 1, "date"),
        ([{"date": "8 января", "working": False}], 1, "date"),
        ([{"date": 20270108, "working": False}], 1, "date"),
        ([{"date": datetime(2027, 1, 8, 10, 0), "working": False}], 1, "date"),
        ([{"date": "2027-01-08"}], 1, "working"),
        ([{"date": "2027-01-08", "working": "false"}], 1, "working"),
        ([{"date": "2027-01-08", "working": 0}], 1, "working"),
        ([{"date": "2027-01-08", "working": False, "reason": 5}], 1, "reason"),
        (
            [
                {"date": "2027-01-08", "working": False},
                {"date": "2027-01-09", "working": True},
                {"date": date(2027, 1, 8), "working": True},
            ],
            3,
            "date",
        ),
    ],
)
def test_load_overrides_rejects_bad_rows(rows: list, number: int, field: str | None) -> None:
    with pytest.raises(ValueError) as excinfo:
        load_overrides(rows)
    message = str(excinfo.value)
    assert f"Запись №{number} (индекс {number - 1})" in message
    if field is not None:
        assert f"поле «{field}»" in message
    assert re.search("[а-яё]", message)  # Russian, for the person fixing the table


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=600),
)
def test_add_working_days_inverse_of_between(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert end > start
    assert CAL.working_days_between(start, end) == n
    # Nothing earlier would do: the day before the result has one working day fewer.
    assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31)))
def test_next_working_day_is_first_working_day(start: date) -> None:
    result = CAL.next_working_day(start)
    assert CAL.is_working_day(result)
    day = start
    while day < result:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
def test_matches_package_without_overrides(start: date) -> None:
    assert CAL.is_working_day(start) == holidays.country_holidays("RU").is_working_day(start)


# --- caching -------------------------------------------------------------------------------------


def test_year_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = holidays.country_holidays

    def counting(*args: object, **kwargs: object) -> holidays.HolidayBase:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    calendar_module._package_flags.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", counting)
    cal = ProductionCalendar()
    day = date(2025, 1, 1)
    for _ in range(365):
        cal.is_working_day(day)
        day += timedelta(days=1)
    cal.add_working_days(date(2025, 3, 1), 20)
    assert len(calls) == 1
    # A second calendar (other overrides) reuses the package data.
    ProductionCalendar({date(2025, 5, 5): False}).is_working_day(date(2025, 5, 5))
    assert len(calls) == 1

    started = time.perf_counter()
    for _ in range(10_000):
        cal.is_working_day(date(2025, 6, 13))
    assert time.perf_counter() - started < 1.0  # microseconds each; generous for slow CI


def test_package_failure_falls_back_to_weekends(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> holidays.HolidayBase:
        raise RuntimeError("simulated package defect")

    calendar_module._package_flags.cache_clear()
    monkeypatch.setattr(holidays, "country_holidays", broken)
    try:
        cal = ProductionCalendar({date(2025, 1, 1): False})
        assert not cal.is_working_day(date(2025, 1, 1))  # overrides still apply
        assert cal.is_working_day(date(2025, 1, 2))  # a holiday, but the package is unavailable
        assert not cal.is_working_day(date(2025, 1, 4))  # Saturday
    finally:
        calendar_module._package_flags.cache_clear()  # don't leak weekend-only data to other tests
