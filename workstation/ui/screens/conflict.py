"""The conflict view on a case card: each field changed in two places, this workstation's value
beside the server's, a choice per field, «Сохранить выбор».

Keys in the table: ↑/↓ move between fields, 1 or ← choose «На этом рабочем месте», 2 or → «На
сервере», space switches, Enter saves. The choice goes to `cards.resolve_conflict` on the store
lane as `{path: "local" | "server"}`; the store takes the values from its own conflict data.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as tb

from workstation.ui import texts as t

LOCAL, SERVER = "local", "server"
COLUMNS = (("field", t.CONFLICT_COL_FIELD, 200), ("local", t.CONFLICT_COL_LOCAL, 170),
           ("server", t.CONFLICT_COL_SERVER, 150), ("choice", t.CONFLICT_COL_CHOICE, 150))
_CHOICE_TEXT = {LOCAL: t.CONFLICT_CHOSEN_LOCAL, SERVER: t.CONFLICT_CHOSEN_SERVER, None: t.CONFLICT_NOT_CHOSEN}


class ConflictPanel(tb.Frame):
    """Shown on the card while the case is in conflict; `on_save(choices)` is the screen's."""

    def __init__(self, master: tk.Misc, on_save: Callable[[dict[str, str]], None]) -> None:
        super().__init__(master, padding=(0, 4, 0, 8))
        self.on_save = on_save
        self.badge = tb.Label(self, text=f"⚠ {t.CONFLICT_TITLE}", style="Badge.TLabel")
        self.badge.pack(anchor="w")
        self.hint = tb.Label(self, text=t.CONFLICT_HINT, style="Small.TLabel", wraplength=720, justify="left")
        self.hint.pack(anchor="w", pady=(2, 4))
        self.tree = tb.Treeview(self, columns=[c[0] for c in COLUMNS], show="headings", height=3,
                                selectmode="browse")
        for key, label, width in COLUMNS:
            self.tree.heading(key, text=label, anchor="w")
            self.tree.column(key, width=width, anchor="w", stretch=key in ("local", "server"))
        self.tree.pack(fill="x")
        self.message = tb.Label(self, text="", style="Error.TLabel")
        buttons = tb.Frame(self)
        buttons.pack(fill="x", pady=(6, 0))
        self.save_button = tb.Button(buttons, text=t.CONFLICT_SAVE, bootstyle="warning", command=self.save)
        self.save_button.pack(side="left")
        self.message.pack(anchor="w", pady=(4, 0))
        self.rows: dict[str, dict[str, Any]] = {}  # tree item -> conflict row
        self.choices: dict[str, str | None] = {}  # path -> LOCAL / SERVER / None
        for seq, side in (("1", LOCAL), ("<KP_1>", LOCAL), ("<Left>", LOCAL), ("2", SERVER), ("<KP_2>", SERVER),
                          ("<Right>", SERVER)):
            self.tree.bind(seq, lambda _e, s=side: self._choose(s))
        self.tree.bind("<space>", lambda _e: self._choose(None, toggle=True))
        for seq in ("<Return>", "<KP_Enter>"):
            self.tree.bind(seq, lambda _e: self._save_key())

    # --- filling -------------------------------------------------------------------------------
    def show(self, rows: list[dict[str, Any]], *, allowed: bool) -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows, self.choices = {}, {}
        for row in rows:
            local = row.get("local_text", "—")
            if row.get("other_device"):
                local = t.CONFLICT_OTHER_DEVICE.format(value=local, device=row["other_device"])
            iid = self.tree.insert("", "end", values=[row["label"], local, row.get("server_text", "—"),
                                                      _CHOICE_TEXT[None]])
            self.rows[iid] = row
            self.choices[row["path"]] = None
        self.tree.configure(height=max(1, min(len(rows), 6)))
        children = self.tree.get_children()
        if children:
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
        self.save_button.configure(state="normal" if allowed else "disabled")
        self.message.configure(text="" if allowed else t.CONFLICT_NOT_YOURS)
        self.allowed = allowed

    def focus_table(self) -> None:
        self.tree.focus_set()

    # --- choosing ------------------------------------------------------------------------------
    def _current(self) -> str | None:
        focused = self.tree.focus() or next(iter(self.tree.selection()), "")
        return focused if focused in self.rows else None

    def _choose(self, side: str | None, *, toggle: bool = False) -> str:
        iid = self._current()
        if iid is None:
            return "break"
        path = self.rows[iid]["path"]
        if toggle:
            side = SERVER if self.choices.get(path) == LOCAL else LOCAL
        self.choose(path, side)
        return "break"

    def choose(self, path: str, side: str | None) -> None:
        self.choices[path] = side
        for iid, row in self.rows.items():
            if row["path"] == path:
                self.tree.set(iid, "choice", _CHOICE_TEXT[side])
        self.message.configure(text="")

    def _save_key(self) -> str:
        self.save()
        return "break"

    def save(self) -> None:
        if not getattr(self, "allowed", False):
            self.message.configure(text=t.CONFLICT_NOT_YOURS)
            return
        missing = [p for p, side in self.choices.items() if side is None]
        if missing:
            self.message.configure(text=t.CONFLICT_CHOOSE_ALL.format(n=len(missing)))
            first = next(iid for iid, row in self.rows.items() if row["path"] == missing[0])
            self.tree.selection_set(first)
            self.tree.focus(first)
            self.tree.focus_set()
            return
        self.on_save({p: side for p, side in self.choices.items() if side is not None})
