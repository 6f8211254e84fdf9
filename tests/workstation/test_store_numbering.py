"""Case numbers: unique across simulated workstations and days, and under concurrent writers."""

from __future__ import annotations

import os
import re
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from storekit import MSK, Clock, accept_new, open_configured

from workstation.core import cases, device, keys, numbering
from workstation.core.database import open_database
from workstation.core.errors import InvalidOperation
from workstation.core.models import DayCounter

NUMBER = re.compile(r"^\d{4}-\d{3}-\d{6}-\d{4}$")


def test_unique_across_many_workstations_and_days(tmp_path: Path) -> None:
    seen: set[str] = set()
    start = datetime(2025, 12, 28, 9, 0, tzinfo=MSK)  # across a year boundary
    for office in ("0101", "0102", "0201", "0300"):
        for window in ("001", "002", "017", "120"):
            store = open_database(tmp_path / f"{office}-{window}.db", os.urandom(32), clock=Clock(start))
            try:
                with store.unit_of_work() as s:
                    device.configure_device(s, office, window)
                for day in range(6):
                    with store.unit_of_work() as s:
                        made = [numbering.next_number(s, (start + timedelta(days=day)).date()) for _ in range(7)]
                    assert [int(n[-4:]) for n in made] == list(range(1, 8))
                    assert all(NUMBER.match(n) for n in made)
                    assert not seen.intersection(made)
                    seen.update(made)
            finally:
                store.close()
    assert len(seen) == 4 * 4 * 6 * 7
    assert "0300-120-260102-0007" in seen


def test_accepted_cases_get_consecutive_numbers_per_day(store, clock) -> None:
    first = [accept_new(store).number for _ in range(3)]
    clock.advance(days=1)
    second = accept_new(store).number
    assert first == ["0101-001-251120-0001", "0101-001-251120-0002", "0101-001-251120-0003"]
    assert second == "0101-001-251121-0001"


def test_concurrent_writers_on_one_workstation(tmp_path: Path) -> None:
    """Eight threads over two engines on one file (as two app windows would be): no duplicates."""
    root = tmp_path / "data"
    stores = [open_configured(root), open_configured(root)]
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        store = stores[n % 2]
        try:
            for _ in range(6):
                accepted = accept_new(store, specialist=f"s{n}")
                with lock:
                    numbers.append(accepted.number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert errors == []
        assert len(numbers) == 48 and len(set(numbers)) == 48
        assert sorted(int(n[-4:]) for n in numbers) == list(range(1, 49))
        with stores[0].reading() as s:
            assert s.get(DayCounter, "0101-001-251120").last == 48
    finally:
        for store in stores:
            store.close()
        keys.forget_key(root)


def test_scanned_number_without_hyphens_finds_the_case(store) -> None:
    number = accept_new(store).number
    scanned = number.replace("-", "")
    assert numbering.canonical(scanned) == number
    assert numbering.canonical(f" {number} ") == number
    assert numbering.canonical("0101-001-251120") is None
    assert numbering.canonical("a1010012511200001") is None
    with store.reading() as s:
        assert cases.get(s, scanned).number == number


def test_day_limit_and_bad_codes(store) -> None:
    with store.unit_of_work() as s:
        s.add(DayCounter(prefix="0101-001-251120", last=9999))
    with pytest.raises(InvalidOperation, match="9999"), store.unit_of_work() as s:
        numbering.next_number(s, store.now().date())
    for office, window in (("101", "001"), ("0101", "1"), ("01a1", "001")):
        with pytest.raises(InvalidOperation), store.unit_of_work() as s:
            device.configure_device(s, office, window)
