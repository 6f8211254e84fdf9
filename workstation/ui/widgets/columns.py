"""Fixed list columns that grow with the font (large-font mode).

The lists give their columns widths in pixels chosen for the normal 10 pt font; at 13 pt those
cut case numbers («0101-001-261121-00»), headings («Состояни») and masked numbers. The widths a
column was made with are its base; `scale_columns` sets every fixed column under a widget to
base × factor (stretching columns take whatever is left anyway). The shell calls it for the screen
it shows and for every screen when the font size changes; a screen already at the factor is
skipped, so with normal fonts this costs nothing. A list whose cells have a known longest shape
(a masked passport, a phone) can name a sample text per column (`set_samples`): those columns are
measured in the fonts in use instead (heading or sample, whichever is wider), so the stretching
column (a name) keeps the rest.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import font as tkfont
from tkinter import ttk

PADDING = 16  # a cell's padding and a little air, in pixels


def _trees(widget: tk.Misc) -> list[ttk.Treeview]:
    found = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, ttk.Treeview):
            found.append(w)
        stack.extend(w.winfo_children())
    return found


def scale_columns(widget: tk.Misc, factor: float) -> None:
    """Fixed (non-stretching) columns of every list under `widget` to their base width × factor."""
    if getattr(widget, "_mfc_column_factor", 1.0) == factor:
        return
    for tree in _trees(widget):
        base: dict[str, int] | None = getattr(tree, "_mfc_base_widths", None)
        if base is None:
            base = {c: int(tree.column(c, "width")) for c in tree["columns"]
                    if not int(tree.column(c, "stretch"))}
            tree._mfc_base_widths = base  # type: ignore[attr-defined]
        samples: dict[str, str] = getattr(tree, "_mfc_samples", {})
        for column, width in base.items():
            if column in samples:
                width = _measured(tree, column, samples[column])
            else:
                width = round(width * factor)
            tree.column(column, width=width)
    widget._mfc_column_factor = factor  # type: ignore[attr-defined]


def set_samples(tree: ttk.Treeview, samples: dict[str, str]) -> None:
    """The longest cell text of these columns; their width is measured from it (and the heading)."""
    tree._mfc_samples = dict(samples)  # type: ignore[attr-defined]


def _measured(tree: ttk.Treeview, column: str, sample: str) -> int:
    heading = str(tree.heading(column, "text"))
    cells = tkfont.nametofont("TkDefaultFont", root=tree)
    headings = tkfont.nametofont("TkHeadingFont", root=tree)
    return max(cells.measure(sample), headings.measure(heading)) + PADDING
