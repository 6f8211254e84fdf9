"""A month calendar that pops up under a date field; driven by keys first, the mouse too.

Keys: arrows move by a day or a week, PageUp/PageDown by a month, Ctrl+PageUp/PageDown by a
year, Home jumps to today, Enter or Space picks, Esc closes without picking. Weeks start on
Monday and month names are Russian. The popup is borderless and modal-free: picking calls
`on_pick(date)`; closing in any way calls `on_close()` so the field gets the focus back.
"""

from __future__ import annotations

import calendar
import tkinter as tk
from collections.abc import Callable
from datetime import date, timedelta

import ttkbootstrap as tb

from workstation.ui import texts as t


def add_months(day: date, n: int) -> date:
    month = day.month - 1 + n
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class CalendarPopup(tb.Toplevel):
    def __init__(
        self,
        anchor: tk.Misc,
        initial: date | None,
        today: date,
        on_pick: Callable[[date], None],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(master=anchor, iconphoto=None)
        self.withdraw()
        self.overrideredirect(True)
        self.today = today
        self.current = initial or today
        self.on_pick = on_pick
        self.on_close = on_close
        frame = tb.Frame(self, padding=6, bootstyle="bordered")
        frame.pack(fill="both", expand=True)
        head = tb.Frame(frame)
        head.pack(fill="x")
        tb.Button(head, text="‹", width=3, command=lambda: self.move(months=-1), takefocus=False,
                  bootstyle="secondary").pack(side="left")
        self.title_label = tb.Label(head, style="CalHead.TLabel", anchor="center")
        self.title_label.pack(side="left", fill="x", expand=True)
        tb.Button(head, text="›", width=3, command=lambda: self.move(months=1), takefocus=False,
                  bootstyle="secondary").pack(side="right")
        grid = tb.Frame(frame)
        grid.pack(fill="both", expand=True, pady=(4, 4))
        for col, name in enumerate(t.WEEKDAYS):
            tb.Label(grid, text=name, style="CalHead.TLabel", width=3).grid(row=0, column=col, sticky="nsew")
        self.cells: list[tb.Label] = []
        for n in range(42):
            cell = tb.Label(grid, style="CalDay.TLabel", width=3)
            cell.grid(row=1 + n // 7, column=n % 7, sticky="nsew")
            cell.bind("<Button-1>", lambda _e, k=n: self._click(k))
            self.cells.append(cell)
        tb.Button(frame, text=f"{t.FORM_CALENDAR_TODAY} (Home)", command=lambda: self.pick(self.today),
                  takefocus=False, bootstyle="link").pack(anchor="e")
        self._days: list[date] = []
        for seq, handler in (
            ("<Left>", lambda _e: self.move(days=-1)),
            ("<Right>", lambda _e: self.move(days=1)),
            ("<Up>", lambda _e: self.move(days=-7)),
            ("<Down>", lambda _e: self.move(days=7)),
            ("<Prior>", lambda _e: self.move(months=-1)),
            ("<Next>", lambda _e: self.move(months=1)),
            ("<Control-Prior>", lambda _e: self.move(months=-12)),
            ("<Control-Next>", lambda _e: self.move(months=12)),
            ("<Home>", lambda _e: self.set_day(self.today)),
            ("<Return>", lambda _e: self.pick(self.current)),
            ("<KP_Enter>", lambda _e: self.pick(self.current)),
            ("<space>", lambda _e: self.pick(self.current)),
            ("<Escape>", lambda _e: self.close()),
        ):
            self.bind(seq, lambda e, h=handler: (h(e), "break")[1])
        self.bind("<FocusOut>", self._focus_out)
        self._render()
        self._place(anchor)
        self.deiconify()
        self.lift()
        self.focus_force()

    def _place(self, anchor: tk.Misc) -> None:
        self.update_idletasks()
        x = anchor.winfo_rootx()
        y = anchor.winfo_rooty() + anchor.winfo_height()
        width, height = self.winfo_reqwidth(), self.winfo_reqheight()
        screen_w, screen_h = self.winfo_screenwidth(), self.winfo_screenheight()
        if y + height > screen_h:
            y = max(0, anchor.winfo_rooty() - height)
        x = max(0, min(x, screen_w - width))
        self.geometry(f"+{x}+{y}")

    def _render(self) -> None:
        first = self.current.replace(day=1)
        start = first - timedelta(days=first.weekday())
        self._days = [start + timedelta(days=n) for n in range(42)]
        self.title_label.configure(text=f"{t.MONTHS[self.current.month - 1]} {self.current.year}")
        for cell, day in zip(self.cells, self._days, strict=True):
            if day == self.current:
                style = "CalPick.TLabel"
            elif day.month != self.current.month:
                style = "CalOther.TLabel"
            else:
                style = "CalDay.TLabel"
            text = f"[{day.day}]" if day == self.today and day != self.current else str(day.day)
            cell.configure(text=text, style=style)

    def set_day(self, day: date) -> None:
        self.current = day
        self._render()

    def move(self, *, days: int = 0, months: int = 0) -> None:
        day = add_months(self.current, months) if months else self.current
        self.set_day(day + timedelta(days=days))

    def _click(self, n: int) -> None:
        self.pick(self._days[n])

    def pick(self, day: date) -> None:
        callback = self.on_pick
        self.close()
        callback(day)

    def _focus_out(self, _event: tk.Event) -> None:
        # Clicking elsewhere closes the popup; focus moving inside it does not.
        self.after(50, self._close_if_unfocused)

    def _close_if_unfocused(self) -> None:
        try:
            focus = self.focus_get()
        except (KeyError, tk.TclError):
            focus = None
        if focus is None or not str(focus).startswith(str(self)):
            self.close()

    def close(self) -> None:
        if not self.winfo_exists():
            return
        on_close = self.on_close
        self.on_close = None
        self.destroy()
        if on_close is not None:
            on_close()
