"""Shared set-up for the store tests: the OS keyring of tests/conftest.py for every test, and
`from storekit import ...`. (The refusal test runs for real without any keyring: it starts a
child process that has none.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session", autouse=True)
def _store_keyring(os_keyring: str) -> str:
    """Every store test runs with the OS keyring of tests/conftest.py."""
    return os_keyring


@pytest.fixture
def clock() -> object:
    from storekit import Clock

    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: object) -> Iterator[object]:
    """An encrypted store in a temp data folder, configured as office 0101, window 001."""
    from storekit import open_configured

    from workstation.core import keys

    opened = open_configured(tmp_path / "data", clock)  # type: ignore[arg-type]
    try:
        yield opened
    finally:
        opened.close()
        keys.forget_key(tmp_path / "data")
