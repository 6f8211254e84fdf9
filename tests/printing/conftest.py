"""Shared set-up for the printing tests: makes `from printkit import ...` work.

The tests folder has no __init__.py files, so the helper module next to this file is put on
sys.path explicitly (as tests/forms does for its formkit).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from printkit import builtin_catalog  # noqa: E402


@pytest.fixture(scope="session")
def catalog():
    return builtin_catalog()
