"""Reading a child app's widget tree, for the test scripts run in a child process.

Those scripts get this folder on their PYTHONPATH (`CHILD_PATH`) and import from here instead of
carrying their own copies of the walk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
CHILD_PATH = os.pathsep.join([str(_HERE.parents[1]), str(_HERE)])  # the project, then this folder


def descendants(root: Any) -> Iterator[Any]:
    """Every widget under `root`, depth first, in stacking order."""
    for child in root.winfo_children():
        yield child
        yield from descendants(child)


def of_class(root: Any, class_name: str) -> list[Any]:
    return [w for w in descendants(root) if w.winfo_class() == class_name]


def texts_of(root: Any) -> list[str]:
    """The `text` option of every widget that has one (empty ones included)."""
    found = []
    for widget in descendants(root):
        try:
            found.append(str(widget.cget("text")))
        except Exception:  # a widget without a text option (entries, frames, canvases)
            continue
    return found
