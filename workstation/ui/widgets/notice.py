"""A strip above the screen for what the specialist must read: errors, warnings, confirmations.

In the window rather than a modal dialog, so it never steals the keyboard in the middle of an
intake. An error's reference («E-3F9A2C») sits in a read-only field that can be selected and
copied. Info notices go away by themselves; errors stay until closed or the screen changes.
"""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as tb

from workstation.ui import texts as t

KINDS = ("error", "warning", "info")


class NoticeBar(tb.Frame):
    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="NoticeInfo.TFrame", padding=(12, 6))
        self.kind = "info"
        self.text = tk.StringVar(self)
        self.reference = tk.StringVar(self)
        self.label = tb.Label(self, textvariable=self.text, style="NoticeInfo.TLabel", wraplength=1000,
                              justify="left")
        self.label.pack(side="left", fill="x", expand=True)
        self.close_button = tb.Button(self, text=f"✕ {t.NOTICE_CLOSE}", command=self.hide, takefocus=False,
                                      bootstyle="secondary-link")
        self.close_button.pack(side="right")
        self.ref_entry = tb.Entry(self, textvariable=self.reference, width=10, state="readonly", takefocus=False)
        self._timer: str | None = None
        self.visible = False
        self.bind("<Configure>", lambda e: self.label.configure(wraplength=max(200, e.width - 260)), add="+")

    def show(self, text: str, kind: str = "info", *, reference: str | None = None,
             timeout_ms: int | None = None) -> None:
        kind = kind if kind in KINDS else "info"
        self.kind = kind
        style = kind.capitalize()
        self.configure(style=f"Notice{style}.TFrame")
        self.label.configure(style=f"Notice{style}.TLabel")
        self.text.set(text)
        if reference:
            self.reference.set(reference)
            self.ref_entry.pack(side="right", padx=(8, 0), before=self.close_button)
        else:
            self.reference.set("")
            self.ref_entry.pack_forget()
        if self._timer is not None:
            self.after_cancel(self._timer)
            self._timer = None
        if timeout_ms is None and kind == "info":
            timeout_ms = 6000
        if timeout_ms:
            self._timer = self.after(timeout_ms, self.hide)
        self.visible = True
        self.grid()  # the shell grids it once and removes it; grid() brings it back in place

    def hide(self) -> None:
        if self._timer is not None:
            self.after_cancel(self._timer)
            self._timer = None
        self.visible = False
        self.text.set("")
        self.grid_remove()
