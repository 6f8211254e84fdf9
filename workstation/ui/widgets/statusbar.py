"""The bottom line: connection, changes waiting to be sent, last sync, office and window, catalog.

Fed by `SyncState` values (through the task runner, on the Tk thread) and by the shell; it never
asks anything itself.
"""

from __future__ import annotations

import tkinter as tk
from datetime import datetime

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.ports import SyncState


def when_text(moment: datetime, now: datetime | None = None) -> str:
    now = now or datetime.now()
    if moment.date() == now.date():
        return f"сегодня в {moment:%H:%M}"
    return f"{moment:%d.%m.%Y %H:%M}"


class StatusBar(tb.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Chrome.TFrame", padding=(10, 3))
        self.connection = tb.Label(self, style="StatusError.TLabel")
        self.pending = tb.Label(self, style="Status.TLabel")
        self.last_sync = tb.Label(self, style="StatusMuted.TLabel")
        self.progress: tb.Progressbar | None = None  # made at the first sync that reports progress
        self.message = tb.Label(self, style="Status.TLabel")
        self.catalog = tb.Label(self, style="StatusMuted.TLabel", text=t.STATUS_CATALOG_LOADING)
        self.office = tb.Label(self, style="Status.TLabel")
        for widget in (self.connection, self.pending, self.last_sync):
            widget.pack(side="left", padx=(0, 16))
        self.message.pack(side="left", padx=(0, 16))
        for widget in (self.office, self.catalog):
            widget.pack(side="right", padx=(16, 0))
        self.state: SyncState | None = None
        self._shown: dict[str, object] = {}  # what show_sync last put on screen
        self.bind("<Configure>", lambda _e: self.after_idle(self.fit), add="+")

    def fit(self) -> None:
        """Large fonts: the catalog version gives way first, then the last sync time; the connection
        state, the pending count, the office and the last message always stay."""
        if not self.winfo_exists():
            return
        room = self.winfo_width() - 24
        for widget in (self.connection, self.pending, self.message, self.office):
            room -= widget.winfo_reqwidth() + 16
        for widget, pack in ((self.last_sync, {"side": "left", "padx": (0, 16), "after": self.pending}),
                             (self.catalog, {"side": "right", "padx": (16, 0), "after": self.office})):
            need = widget.winfo_reqwidth() + 16
            if need <= room:
                room -= need
                if not widget.winfo_manager():  # packed (the packer may have unmapped it for lack of room)
                    widget.pack(**pack)
            elif widget.winfo_manager():
                widget.pack_forget()

    def show_sync(self, state: SyncState) -> None:
        """Called for every status the sync worker reports (dozens a sync): only what changed is
        configured, so an update costs a few Tcl calls on the Tk thread while the worker competes
        for the GIL (a ttkbootstrap `configure(style=…)` re-parses the style every time)."""
        self.state = state
        if not state.enrolled:
            connection = (f"● {t.SYNC_NOT_ENROLLED}", "StatusError.TLabel")
        elif state.online:
            connection = (f"● {t.STATUS_ONLINE}", "StatusOk.TLabel")
        else:
            connection = (f"● {t.STATUS_OFFLINE}", "StatusError.TLabel")
        if self._shown.get("connection") != connection:
            self._shown["connection"] = connection
            self.connection.configure(text=connection[0], style=connection[1])
        self._text(self.pending, "pending", t.STATUS_PENDING.format(n=state.pending))
        self._text(self.last_sync, "last_sync", t.STATUS_NEVER_SYNCED if state.last_sync is None
                   else t.STATUS_LAST_SYNC.format(when=when_text(state.last_sync)))
        if state.progress is None:
            if self.progress is not None and self._shown.get("progress") is not None:
                self.progress.pack_forget()
                self._shown["progress"] = None
        else:
            if self.progress is None:
                self.progress = tb.Progressbar(self, length=140, maximum=1.0, mode="determinate")
            value = round(max(0.0, min(1.0, state.progress)), 2)  # a step of 1 % is what 140 px show
            if self._shown.get("progress") != value:
                self.progress.configure(value=value)
                if self._shown.get("progress") is None:
                    self.progress.pack(side="left", padx=(0, 16), after=self.pending)
                self._shown["progress"] = value
        if state.notice:
            self.say(state.notice)

    def _text(self, widget: tk.Misc, key: str, text: str) -> None:
        if self._shown.get(key) != text:
            self._shown[key] = text
            widget.configure(text=text)  # type: ignore[call-arg]

    def say(self, text: str) -> None:
        """A short line that stays until the next one («Черновик сохранён в 10:15.»)."""
        self.message.configure(text=text)
        self.after_idle(self.fit)

    def show_office(self, office: str | None, window: str) -> None:
        if not office:
            self.office.configure(text=t.STATUS_NO_OFFICE)
        elif window:
            self.office.configure(text=t.STATUS_OFFICE.format(office=office, window=window))
        else:
            self.office.configure(text=t.STATUS_OFFICE_NO_WINDOW.format(office=office))

    def show_catalog(self, version: str | None) -> None:
        self.catalog.configure(text=t.STATUS_CATALOG.format(version=version) if version else t.STATUS_CATALOG_LOADING)
