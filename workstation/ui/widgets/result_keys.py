"""Moving between a search entry and its result list by keyboard (the picker, the applicant step).

↓ (or Enter) in the entry goes into the list, selecting the current row or the first one; ↑ on
the first row goes back to the entry. Both return "break" when they handled the key, so the
widget's own binding does not run as well.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk


def enter_list(results: ttk.Treeview) -> str:
    children = results.get_children()
    if children:
        results.focus_set()
        current = results.selection() or (children[0],)
        results.selection_set(current[0])
        results.focus(current[0])
    return "break"


def leave_list_at_top(results: ttk.Treeview, search: tk.Misc) -> str | None:
    children = results.get_children()
    selected = results.selection()
    if not children or (selected and selected[0] == children[0]):
        search.focus_set()
        return "break"
    return None
