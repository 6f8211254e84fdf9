"""Small input widgets the field editors are made of: a date with a calendar, a choice with
type-ahead, a multi-line text that reports changes.

Each calls `on_change(value)` when the specialist changes it and never when the program sets
it (`set_value`), so loading a draft does not look like typing.
"""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import ttkbootstrap as tb

from forms.fields import parse_date
from forms.model import Option
from workstation.ui import texts as t
from workstation.ui.form import masks
from workstation.ui.keys import text_tab_moves_focus
from workstation.ui.widgets.calendar import CalendarPopup
from workstation.ui.widgets.masked import MaskedEntry


def date_to_text(value: Any) -> str:
    """A stored value (ISO or as typed) as the field shows it: «14.03.1980»."""
    if value is None:
        return ""
    day = parse_date(value)
    return f"{day:%d.%m.%Y}" if day is not None else str(value)


def text_to_date_value(text: str) -> str | None:
    """What a date field gives the form: ISO when the date is complete and real, else as typed."""
    text = text.strip()
    if not text:
        return None
    day = parse_date(text)
    return day.isoformat() if day is not None and len(text) == 10 else text


class DateInput(tb.Frame):
    """`дд.мм.гггг` with a mask; F4, Alt+Down or the button open the calendar."""

    def __init__(self, master: tk.Misc, on_change: Callable[[str | None, bool], None], today: date,
                 width: int = 12) -> None:
        super().__init__(master)
        self.on_change = on_change
        self.today = today
        self.entry = MaskedEntry(self, masks.DATE, self._typed, width=width)
        self.entry.pack(side="left")
        self.button = tb.Button(self, text="▾", width=2, takefocus=False, command=self.open_calendar,
                                bootstyle="secondary-outline", padding=(4, 2))
        self.button.pack(side="left", padx=(2, 0))
        for seq in ("<F4>", "<Alt-Down>"):
            self.entry.bind(seq, lambda _e: (self.open_calendar(), "break")[1])
        self.popup: CalendarPopup | None = None

    def _typed(self, text: str) -> None:
        self.on_change(text_to_date_value(text), self.entry.complete)

    def set_value(self, value: Any) -> None:
        self.entry.set_value(date_to_text(value))

    @property
    def value(self) -> str | None:
        return text_to_date_value(self.entry.value)

    def open_calendar(self) -> None:
        if self.popup is not None and self.popup.winfo_exists():
            return
        current = parse_date(self.entry.value) if self.entry.complete else None
        self.popup = CalendarPopup(self.entry, current, self.today, self._picked, self._closed)

    def _picked(self, day: date) -> None:
        self.entry.set_value(f"{day:%d.%m.%Y}")
        self.on_change(day.isoformat(), True)

    def _closed(self) -> None:
        self.popup = None
        if self.winfo_exists():
            # The popup took the window-manager focus with focus_force; take it back the same way,
            # or, with no window manager (or a pointer outside the window), nobody has the focus.
            self.entry.focus_force()
            self.entry.icursor("end")


class ChoiceInput(tb.Combobox):
    """A read-only list showing labels; typing letters jumps to the option that starts so."""

    def __init__(self, master: tk.Misc, options: Sequence[Option], on_change: Callable[[str | None], None],
                 width: int = 30, blank: bool = True) -> None:
        super().__init__(master, state="readonly", width=width)
        self.on_change = on_change
        self.blank = blank
        self._choices: list[Option] = []
        self._typed = ""
        self._typed_at = 0.0
        self.set_options(options)
        self.bind("<<ComboboxSelected>>", self._selected)
        self.bind("<KeyPress>", self._type_ahead)
        self.bind("<BackSpace>", self._clear)
        self.bind("<Delete>", self._clear)
        # Arrows step through the options without opening the list (as on Windows); Alt+Down or
        # F4 open it.
        self.bind("<Down>", lambda _e: self._step(1))
        self.bind("<Up>", lambda _e: self._step(-1))
        self.bind("<Alt-Down>", self._post)
        self.bind("<F4>", self._post)

    def _step(self, delta: int) -> str:
        if not self._choices or str(self.cget("state")) == "disabled":
            return "break"
        labels = [o.label for o in self._choices]
        current = self.get()
        index = labels.index(current) + delta if current in labels else (0 if delta > 0 else len(labels) - 1)
        index = max(0, min(len(labels) - 1, index))
        if labels[index] != current:
            self.set(labels[index])
            self.on_change(self._choices[index].value)
        return "break"

    def _post(self, _event: tk.Event) -> str:
        self.tk.call("ttk::combobox::Post", self._w)
        return "break"

    @property
    def options(self) -> list[Option]:
        return self._choices

    def set_options(self, options: Sequence[Option]) -> None:
        self._choices = list(options)
        labels = [o.label for o in self._choices]
        self.configure(values=([t.FORM_EMPTY_CHOICE] if self.blank else []) + labels)

    @property
    def value(self) -> str | None:
        label = self.get()
        return next((o.value for o in self._choices if o.label == label), None)

    def set_value(self, value: Any) -> None:
        label = next((o.label for o in self._choices if o.value == value), "")
        self.set(label if label else ("" if value is None else str(value)))

    def _selected(self, _event: tk.Event) -> None:
        if self.get() == t.FORM_EMPTY_CHOICE:
            self.set("")
        self.selection_clear()
        self.on_change(self.value)

    def _clear(self, _event: tk.Event) -> str:
        if self.get():
            self.set("")
            self.on_change(None)
        return "break"

    def _type_ahead(self, event: tk.Event) -> str | None:
        char = event.char
        if not char or not char.isprintable() or int(event.state) & 0x000C:
            return None
        now = time.monotonic()
        self._typed = (self._typed if now - self._typed_at < 1.0 else "") + char.casefold()
        self._typed_at = now
        for option in self._choices:
            if option.label.casefold().startswith(self._typed):
                if option.label != self.get():
                    self.set(option.label)
                    self.on_change(option.value)
                break
        return "break"


class TextArea(tb.Text):
    """A multi-line field: Enter starts a line, Tab leaves; reports changes like the entries."""

    def __init__(self, master: tk.Misc, on_change: Callable[[str], None], height: int = 3, width: int = 60) -> None:
        super().__init__(master, height=height, width=width, wrap="word", undo=True)
        self.on_change = on_change
        self._silent = 0
        text_tab_moves_focus(self)
        self.bind("<<Modified>>", self._modified)

    def _modified(self, _event: tk.Event) -> None:
        if not self.edit_modified():
            return
        self.edit_modified(False)
        if not self._silent:
            self.on_change(self.value)

    @property
    def value(self) -> str:
        return self.get("1.0", "end-1c")

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text == self.value:
            return
        self._silent += 1
        try:
            self.delete("1.0", "end")
            self.insert("1.0", text)
            self.edit_modified(False)  # any <<Modified>> still queued then finds the flag clear
        finally:
            self._silent -= 1
