"""The lock screen: covers the work after idle time or Ctrl+L; the password unlocks it.

The screen behind is only hidden, never destroyed, so a half-filled form is exactly where it
was. «Сменить пользователя» logs out instead (drafts are autosaved on the way).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.ports import StaffInfo
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell


class LockScreen(Screen):
    name = "lock"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        staff = shell.staff
        card = tb.Frame(self, padding=28, bootstyle="bordered")
        card.place(relx=0.5, rely=0.42, anchor="center")
        tb.Label(card, text=t.LOCK_TITLE, style="Title.TLabel").grid(row=0, column=0, columnspan=2,
                                                                         sticky="w")
        tb.Label(card, text=t.LOCK_WHO.format(name=staff.full_name if staff else ""), style="Bold.TLabel").grid(
            row=1, column=0, columnspan=2, sticky="w", pady=(8, 0)
        )
        tb.Label(card, text=t.LOCK_HINT, style="Muted.TLabel", wraplength=420, justify="left").grid(
            row=2, column=0, columnspan=2, sticky="w", pady=(4, 16)
        )
        tb.Label(card, text=t.LOGIN_PASSWORD).grid(row=3, column=0, sticky="w", padx=(0, 12))
        self.password_entry = tb.Entry(card, width=28, show="•")
        self.password_entry.grid(row=3, column=1, sticky="ew")
        self.button = tb.Button(card, text=t.LOCK_BUTTON, command=self.submit, bootstyle="primary")
        self.button.grid(row=4, column=1, sticky="ew", pady=(12, 4))
        self.message = tb.Label(card, style="Error.TLabel")
        self.message.grid(row=5, column=0, columnspan=2, sticky="w")
        self.other_user = tb.Button(card, text=t.LOCK_OTHER_USER, command=shell.logout, bootstyle="secondary-link",
                                    takefocus=False)
        self.other_user.grid(row=6, column=0, columnspan=2, sticky="w", pady=(10, 0))
        self.password_entry.bind("<Return>", lambda _e: (self.submit(), "break")[1])
        self.password_entry.bind("<KP_Enter>", lambda _e: (self.submit(), "break")[1])
        self.busy = False

    def actions(self) -> Sequence[Action]:
        return ()

    def first_focus(self) -> tk.Misc | None:
        return self.password_entry

    def cancel(self) -> bool:
        return True  # Esc never leaves the lock screen

    def submit(self) -> None:
        staff = self.shell.staff
        password = self.password_entry.get()
        if self.busy or staff is None or not password:
            return
        self.busy = True
        self.shell.runner.submit(
            Lane.STORE, self.shell.backends.accounts.authenticate, staff.login, password,
            on_done=self._checked, label="unlock",
        )

    def _checked(self, who: StaffInfo | None) -> None:
        self.busy = False
        if not self.winfo_exists():
            return
        staff = self.shell.staff
        if who is None or staff is None or who.login != staff.login:
            self.message.configure(text=t.LOCK_FAILED)
            self.password_entry.delete(0, "end")
            self.password_entry.focus_set()
            return
        self.shell.unlock()
