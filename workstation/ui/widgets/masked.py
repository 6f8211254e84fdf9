"""Entries that report every change, and an entry with an input mask.

`WatchedEntry` calls `on_change(text)` whenever its text changes — by typing, pasting, a
scanner or code — except when the program itself sets the value (`set_value`).

`MaskedEntry` takes over the keys that edit text (printable characters, BackSpace, Delete,
paste, cut) and lets `workstation.ui.form.masks.Mask` decide the new text and cursor; all
other keys (arrows, Home/End, Tab, Enter, F-keys, Ctrl shortcuts) keep their usual meaning.
With no mask it behaves like a `WatchedEntry`.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as tb

from workstation.ui.form.masks import Mask

# X11 modifier bits: Control and Alt (Mod1); a key with either is a shortcut, not typing.
_SHORTCUT_STATE = 0x0004 | 0x0008


class WatchedEntry(tb.Entry):
    def __init__(self, master: tk.Misc, on_change: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        self.var = tk.StringVar(master)
        super().__init__(master, textvariable=self.var, **kwargs)
        self.on_change = on_change
        self._silent = 0
        self.var.trace_add("write", self._written)

    def _written(self, *_args: object) -> None:
        if not self._silent and self.on_change is not None:
            self.on_change(self.value)

    @property
    def value(self) -> str:
        return self.var.get()

    def set_value(self, value: object) -> None:
        """Show `value` without reporting it as typed."""
        text = "" if value is None else str(value)
        if text == self.var.get():
            return
        self._silent += 1
        try:
            self.var.set(text)
        finally:
            self._silent -= 1
        self.icursor("end")

    def type_text(self, text: str) -> None:
        """Insert at the cursor as if typed (for scanners, tests and programmatic fills)."""
        self.insert("insert", text)


class MaskedEntry(WatchedEntry):
    def __init__(
        self,
        master: tk.Misc,
        mask: Mask | None,
        on_change: Callable[[str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(master, on_change, **kwargs)
        self.mask = mask
        self._chars = ""
        self.bind("<KeyPress>", self._on_key)
        self.bind("<<Paste>>", self._on_paste)
        self.bind("<<Cut>>", self._on_cut)

    def _written(self, *args: object) -> None:
        # Text put in some other way (a class binding, a test's insert): bring it under the mask.
        if not self._silent and self.mask is not None:
            self._chars = self.mask.extract(self.var.get())
            rendered = self.mask.render(self._chars)
            if rendered != self.var.get():
                self._silent += 1
                try:
                    self.var.set(rendered)
                finally:
                    self._silent -= 1
                self.icursor("end")
        super()._written(*args)

    # --- value -------------------------------------------------------------------------------
    @property
    def chars(self) -> str:
        return self._chars if self.mask is not None else self.value

    @property
    def complete(self) -> bool:
        return self.mask is not None and self.mask.complete(self._chars)

    def set_value(self, value: object) -> None:
        if self.mask is None:
            super().set_value(value)
            return
        self._chars = self.mask.extract("" if value is None else str(value))
        super().set_value(self.mask.render(self._chars))

    def set_mask(self, mask: Mask | None) -> None:
        """Switch masks (a different kind of document); the typed text is kept as well as fits."""
        current = self.value
        self.mask = mask
        self._chars = ""
        self.set_value(current)

    def type_text(self, text: str) -> None:
        if self.mask is None:
            super().type_text(text)
            return
        self._apply(self.mask.insert(self._chars, self.index("insert"), text, self._selection()))

    # --- editing -----------------------------------------------------------------------------
    def _selection(self) -> tuple[int, int] | None:
        if self.selection_present():
            return (self.index("sel.first"), self.index("sel.last"))
        return None

    def _apply(self, edit: Any) -> None:
        changed = edit.text != self.value
        self._chars = edit.chars
        self._silent += 1
        try:
            self.var.set(edit.text)
        finally:
            self._silent -= 1
        self.selection_clear()
        self.icursor(edit.cursor)
        if changed and self.on_change is not None:
            self.on_change(self.value)

    def _on_key(self, event: tk.Event) -> str | None:
        mask = self.mask
        if mask is None or str(self.cget("state")) in ("disabled", "readonly"):
            return None
        pos = self.index("insert")
        if event.keysym == "BackSpace":
            self._apply(mask.backspace(self._chars, pos, self._selection()))
            return "break"
        if event.keysym in ("Delete", "KP_Delete"):
            self._apply(mask.delete(self._chars, pos, self._selection()))
            return "break"
        if int(event.state) & _SHORTCUT_STATE:
            return None
        char = event.char
        if char and char.isprintable():
            self._apply(mask.insert(self._chars, pos, char, self._selection()))
            return "break"
        return None

    def _on_paste(self, _event: tk.Event) -> str | None:
        if self.mask is None:
            return None
        try:
            text = self.clipboard_get()
        except tk.TclError:
            return "break"
        self._apply(self.mask.insert(self._chars, self.index("insert"), text, self._selection()))
        return "break"

    def _on_cut(self, _event: tk.Event) -> str | None:
        selection = self._selection()
        if self.mask is None or selection is None:
            return None
        self.clipboard_clear()
        self.clipboard_append(self.value[min(selection) : max(selection)])
        self._apply(self.mask.backspace(self._chars, self.index("insert"), selection))
        return "break"
