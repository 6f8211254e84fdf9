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
                             (self.catalog, {"side": "right", "padx": (16, 0), "before": self.office})):
            need = widget.winfo_reqwidth() + 16
            if need <= room:
                room -= need
                if not widget.winfo_ismapped():
                    widget.pack(**pack)
            elif widget.winfo_ismapped():
                widget.pack_forget()

    def show_sync(self, state: SyncState) -> None:
        self.state = state
        if not state.enrolled:
            self.connection.configure(text=f"● {t.SYNC_NOT_ENROLLED}", style="StatusError.TLabel")
        elif state.online:
            self.connection.configure(text=f"● {t.STATUS_ONLINE}", style="StatusOk.TLabel")
        else:
            self.connection.configure(text=f"● {t.STATUS_OFFLINE}", style="StatusError.TLabel")
        self.pending.configure(text=t.STATUS_PENDING.format(n=state.pending))
        if state.last_sync is None:
            self.last_sync.configure(text=t.STATUS_NEVER_SYNCED)
        else:
            self.last_sync.configure(text=t.STATUS_LAST_SYNC.format(when=when_text(state.last_sync)))
        if state.progress is None:
            if self.progress is not None:
                self.progress.pack_forget()
        else:
            if self.progress is None:
                self.progress = tb.Progressbar(self, length=140, maximum=1.0, mode="determinate")
            self.progress.configure(value=max(0.0, min(1.0, state.progress)))
            if not self.progress.winfo_ismapped():
                self.progress.pack(side="left", padx=(0, 16), after=self.pending)
        if state.notice:
            self.say(state.notice)

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
