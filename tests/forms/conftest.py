"""Shared set-up for the form engine tests: makes `from formkit import ...` work.

The tests folder has no __init__.py files (pytest's rootdir-relative module names), so the
helper module next to this file is put on sys.path explicitly.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
