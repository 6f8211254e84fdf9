"""Log-in: login and password, checked on the store lane (argon2 is slow on purpose)."""

from __future__ import annotations

import tkinter as tk
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.login_card import bind_enter, build_login_card
from workstation.ui.ports import StaffInfo
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell


class LoginScreen(Screen):
    name = "login"
    needs_staff = False

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        parts = build_login_card(self, tb, command=self.submit)
        card = parts.card
        self.login_entry, self.password_entry = parts.login_entry, parts.password_entry
        self.button, self.message = parts.button, parts.message
        self.demo_box = tb.Frame(card, style="Card.TFrame", padding=(12, 8))
        self.demo_title = tb.Label(self.demo_box, text=t.LOGIN_DEMO_TITLE, style="CardMuted.TLabel")
        self.demo_title.pack(anchor="w")
        self.demo = tb.Label(self.demo_box, style="CardHeading.TLabel")
        self.demo.pack(anchor="w")
        tb.Label(self.demo_box, text=t.LOGIN_DEMO_NOTE, style="CardMuted.TLabel", wraplength=400,
                 justify="left").pack(anchor="w")
        bind_enter(parts, self.submit)
        self.busy = False
        self._mapped_once = False
        self.bind("<Map>", self._first_map, add="+")

    def _first_map(self, _event: tk.Event) -> None:
        if not self._mapped_once:
            self._mapped_once = True
            self.after_idle(self.shell.start_background)

    def first_focus(self) -> tk.Misc | None:
        return self.password_entry if self.login_entry.get() else self.login_entry

    def on_show(self) -> None:
        self.password_entry.delete(0, "end")
        self.message.configure(text="")
        self.busy = False
        self.button.configure(state="normal")
        self.shell.runner.submit(Lane.STORE, self.shell.backends.accounts.demo_account, on_done=self._show_demo,
                                 label="demo account")

    def _show_demo(self, account: tuple[str, str] | None) -> None:
        if not self.winfo_exists():
            return
        if account is None:
            self.demo.configure(text="")
            self.demo_box.grid_remove()
        else:
            self.demo.configure(text=t.LOGIN_DEMO.format(login=account[0], password=account[1]))
            self.demo_box.grid(row=6, column=0, columnspan=2, sticky="ew", pady=(14, 0))

    def submit(self) -> None:
        if self.busy:
            return
        login = self.login_entry.get().strip()
        password = self.password_entry.get()
        if not login or not password:
            self.message.configure(text=t.LOGIN_EMPTY)
            (self.login_entry if not login else self.password_entry).focus_set()
            return
        self.busy = True
        self.button.configure(state="disabled")
        self.message.configure(text=t.LOGIN_CHECKING, style="Muted.TLabel")
        self.shell.runner.submit(
            Lane.STORE,
            self.shell.backends.accounts.authenticate,
            login,
            password,
            on_done=self._checked,
            on_error=self._failed,
            label="authenticate",
        )

    def _checked(self, staff: StaffInfo | None) -> None:
        if not self.winfo_exists():
            return
        self.busy = False
        self.button.configure(state="normal")
        if staff is None:
            self.message.configure(text=t.LOGIN_FAILED, style="Error.TLabel")
            self.password_entry.delete(0, "end")
            self.password_entry.focus_set()
            return
        self.message.configure(text="")
        self.password_entry.delete(0, "end")
        self.shell.login(staff)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if self.winfo_exists():
            self.button.configure(state="normal")
            self.message.configure(text="", style="Error.TLabel")
        self.shell.reporter.report(exc, "authenticate")
