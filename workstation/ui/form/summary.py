"""The panel beside a form: the fee, the due date, calculated values and the remarks list.

Everything here is read-only and comes from the controller; Enter (or a double click) on a
remark puts the cursor into its field.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import ttkbootstrap as tb

from forms.engine import Issue
from forms.model import DeadlineRule, Severity
from workstation.ui import texts as t
from workstation.ui.form.controller import FormController, format_money
from workstation.ui.theme import Palette

WRAP = 330


def show_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    return str(value)


def fee_text(controller: FormController) -> tuple[str, str]:
    """(the amount line, the explanation line)."""
    fee = controller.fee
    if fee.tariff is None:
        return t.FORM_FEE_FREE, ""
    if fee.exempt_by:
        category = controller.catalog.categories.get(fee.exempt_by)
        name = category.name if category else fee.exempt_by
        return format_money(fee.amount), t.FORM_FEE_EXEMPT.format(category=name, full=format_money(fee.full_amount))
    return format_money(fee.amount), fee.title


def describe_deadline(rule: DeadlineRule) -> str:
    """«5 рабочих дней»; a zero term (a licence exchanged on the day) reads «в день обращения»."""
    return t.FORM_SAME_DAY if rule.amount == 0 else rule.describe()


def deadline_text(controller: FormController) -> str:
    rule = controller.result.deadline
    if rule is None:
        return t.FORM_DEADLINE_NONE
    due = controller.due()
    words = describe_deadline(rule)
    return t.FORM_DEADLINE_VALUE.format(deadline=words, due=f"{due:%d.%m.%Y}") if due else words


class SummaryPanel(tb.Frame):
    def __init__(self, master: tk.Misc, controller: FormController, on_jump: Callable[[Issue], None],
                 palette: Palette) -> None:
        super().__init__(master, style="Card.TFrame", padding=(14, 10))
        self.controller = controller
        self.on_jump = on_jump
        tb.Label(self, text=t.FORM_FEE, style="CardMuted.TLabel").pack(anchor="w")
        self.fee = tb.Label(self, style="CardBig.TLabel")
        self.fee.pack(anchor="w")
        self.fee_note = tb.Label(self, style="CardMuted.TLabel", wraplength=WRAP, justify="left")
        self.fee_note.pack(anchor="w")
        tb.Label(self, text=t.FORM_DEADLINE, style="CardMuted.TLabel").pack(anchor="w", pady=(10, 0))
        self.deadline = tb.Label(self, style="Card.TLabel", wraplength=WRAP, justify="left")
        self.deadline.pack(anchor="w")
        self.calc_title = tb.Label(self, text=t.FORM_CALCULATED, style="CardMuted.TLabel")
        self.calc_frame = tb.Frame(self, style="Card.TFrame")
        self.calc_labels: dict[str, tb.Label] = {}
        if controller.service.calculated:
            self.calc_title.pack(anchor="w", pady=(10, 0))
            self.calc_frame.pack(anchor="w", fill="x")
            for n, calc in enumerate(controller.service.calculated):
                tb.Label(self.calc_frame, text=calc.label + ":", style="Card.TLabel", wraplength=220,
                         justify="left").grid(row=n, column=0, sticky="w")
                value = tb.Label(self.calc_frame, style="CardHeading.TLabel")
                value.grid(row=n, column=1, sticky="w", padx=(8, 0))
                self.calc_labels[calc.id] = value
        tb.Label(self, text=t.FORM_ISSUES, style="CardMuted.TLabel").pack(anchor="w", pady=(12, 0))
        self.issue_count = tb.Label(self, style="Card.TLabel", wraplength=WRAP, justify="left")
        self.issue_count.pack(anchor="w")
        self.issues = IssueList(self, palette, on_jump)
        self.issues.pack(fill="both", expand=True, pady=(4, 0))

    def refresh(self) -> None:
        c = self.controller
        amount, note = fee_text(c)
        self.fee.configure(text=amount)
        self.fee_note.configure(text=note)
        self.deadline.configure(text=deadline_text(c))
        for calc_id, _label, value in c.calculated():
            widget = self.calc_labels.get(calc_id)
            if widget is not None:
                widget.configure(text=show_value(value))
        issues = c.shown_all()
        errors = sum(1 for i in issues if i.severity is Severity.ERROR)
        warnings = len(issues) - errors
        if issues:
            self.issue_count.configure(text=t.FORM_ISSUES_COUNT.format(errors=errors, warnings=warnings))
        elif not c.reveal_all and c.missing_required():
            self.issue_count.configure(text=t.FORM_ISSUES_HIDDEN.format(n=c.missing_required()))
        else:
            self.issue_count.configure(text=t.FORM_ISSUES_NONE)
        self.issues.show([(issue, c.issue_text(issue)) for issue in issues])

    def next_issue(self) -> Issue | None:
        """The remark after the current one (F8), made current."""
        return self.issues.step(1)


class IssueList(tb.Text):
    """The remarks, wrapped to the panel's width; Up/Down choose, Enter or a click jumps."""

    def __init__(self, master: tk.Misc, palette: Palette, on_jump: Callable[[Issue], None]) -> None:
        super().__init__(master, height=8, width=30, wrap="word", cursor="arrow", padx=6, pady=4,
                         spacing3=4, takefocus=True)
        self.on_jump = on_jump
        self.items: list[Issue] = []
        self.current = -1
        self._keys: list[str] = []
        self.tag_configure("error", foreground=palette.error)
        self.tag_configure("warning", foreground=palette.warning)
        self.tag_configure("current", background=palette.accent, foreground=palette.bg)
        self.configure(state="disabled")
        self.bind("<Up>", lambda _e: (self.step(-1), "break")[1])
        self.bind("<Down>", lambda _e: (self.step(1), "break")[1])
        self.bind("<Return>", self._jump)
        self.bind("<KP_Enter>", self._jump)
        self.bind("<Button-1>", self._click)
        self.bind("<Double-1>", self._jump)

    def show(self, rows: list[tuple[Issue, str]]) -> None:
        keys = [f"{issue.path}|{text}" for issue, text in rows]
        if keys == self._keys:
            return
        self._keys = keys
        self.items = [issue for issue, _text in rows]
        self.current = min(self.current, len(self.items) - 1)
        self.configure(state="normal")
        self.delete("1.0", "end")
        for n, (issue, text) in enumerate(rows):
            tag = "error" if issue.severity is Severity.ERROR else "warning"
            self.insert("end", text + ("\n" if n < len(rows) - 1 else ""), (tag, f"item{n}"))
        self.configure(state="disabled")
        self._mark()

    def _mark(self) -> None:
        self.tag_remove("current", "1.0", "end")
        if 0 <= self.current < len(self.items):
            ranges = self.tag_ranges(f"item{self.current}")
            if ranges:
                self.tag_add("current", ranges[0], ranges[1])
                self.see(ranges[0])

    def step(self, delta: int) -> Issue | None:
        if not self.items:
            return None
        self.current = (self.current + delta) % len(self.items) if self.current >= 0 else (
            0 if delta > 0 else len(self.items) - 1)
        self._mark()
        return self.items[self.current]

    def _click(self, event: tk.Event) -> str:
        index = self.index(f"@{event.x},{event.y}")
        for name in self.tag_names(index):
            if name.startswith("item"):
                self.current = int(name.removeprefix("item"))
                self._mark()
        self.focus_set()
        return "break"

    def _jump(self, _event: tk.Event) -> str:
        if 0 <= self.current < len(self.items):
            self.on_jump(self.items[self.current])
        return "break"
