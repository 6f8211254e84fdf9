"""Keyboard-first helpers: actions bound to keys, Enter moving to the next field.

An `Action` is a key, a Russian label and a callback; its button shows the key («F2
Сохранить черновик») so the key is learnt by looking. Shortcuts with letters are bound for
both keyboard layouts: with the Russian layout on, Ctrl+F arrives as Ctrl+А.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk

from workstation.ui import texts as t

# Our key names -> the Tk event sequences that mean them.
SEQUENCES: dict[str, tuple[str, ...]] = {
    "F2": ("<F2>",),
    "F3": ("<F3>",),
    "F5": ("<F5>",),
    "F6": ("<F6>",),
    "F7": ("<F7>",),
    "F8": ("<F8>",),
    "F9": ("<F9>",),
    "F12": ("<F12>",),
    "Escape": ("<Escape>",),
    "Control-f": ("<Control-f>", "<Control-F>", "<Control-Cyrillic_a>", "<Control-Cyrillic_A>"),
    "Control-p": ("<Control-p>", "<Control-P>", "<Control-Cyrillic_ze>", "<Control-Cyrillic_ZE>"),
    "Control-l": ("<Control-l>", "<Control-L>", "<Control-Cyrillic_de>", "<Control-Cyrillic_DE>"),
    "Control-Next": ("<Control-Next>", "<Control-Tab>"),
    "Control-Prior": ("<Control-Prior>", "<Control-Shift-Tab>", "<Control-ISO_Left_Tab>"),
}

# Widgets in which Enter means "next field" (a Text keeps Enter for new lines).
ENTER_MOVES_IN = ("TEntry", "TCombobox", "TSpinbox", "TCheckbutton", "TRadiobutton")


@dataclass(frozen=True, slots=True)
class Action:
    key: str  # a key of SEQUENCES
    label: str
    run: Callable[[], object]

    @property
    def caption(self) -> str:
        return f"{t.KEY_LABELS.get(self.key, self.key)}  {self.label}"


def focus_next(widget: tk.Misc, backwards: bool = False) -> tk.Misc | None:
    target = widget.tk_focusPrev() if backwards else widget.tk_focusNext()
    if target is not None:
        target.focus_set()
        if isinstance(target, tk.Entry | ttk.Entry) and not isinstance(target, ttk.Combobox):
            target.selection_range(0, "end")
            target.icursor("end")
    return target


def install_enter_moves_focus(root: tk.Misc) -> None:
    """Enter (and keypad Enter) in a one-line input moves the focus on, like Tab."""

    def on_enter(event: tk.Event) -> str:
        focus_next(event.widget)
        return "break"

    for class_name in ENTER_MOVES_IN:
        for seq in ("<Return>", "<KP_Enter>"):
            root.bind_class(class_name, seq, on_enter, add="+")


def text_tab_moves_focus(widget: tk.Text) -> None:
    """In a multi-line field Tab leaves the field (Enter still starts a new line)."""
    widget.bind("<Tab>", lambda e: (focus_next(e.widget), "break")[1])
    widget.bind("<Shift-Tab>", lambda e: (focus_next(e.widget, backwards=True), "break")[1])
    widget.bind("<ISO_Left_Tab>", lambda e: (focus_next(e.widget, backwards=True), "break")[1])
