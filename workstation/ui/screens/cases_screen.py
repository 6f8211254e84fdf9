"""Cases: search (a barcode scanner's number + Enter opens the case), the case card with its status
history and audit, the status changes the role allows, issuance with its slip, reprint, and a sync
conflict resolved side by side (`screens/conflict.py`).

Everything goes through `Backends.cards` on the store lane and `Backends.printing` on the IO
lane. Keys: Ctrl+F search, ↓ into the results, Enter opens the card, F9 issues a ready case
(and prints the issuance slip), Ctrl+P prints the application and receipt again, Esc home.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.errors import UserError
from workstation.ui.keys import Action
from workstation.ui.router import Screen
from workstation.ui.screens.conflict import ConflictPanel
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell

RESULT_COLUMNS = (("number", "Номер", 182), ("service", "Услуга", 140), ("applicant", "Заявитель", 106),
                  ("status", "Статус", 90))


_DETAIL_KEYS = {"service": "услуга", "from": "из", "to": "в", "number": "номер", "document": "документ",
                "fields": "поля", "target": "куда"}
_DOCUMENTS = {"application": "заявление", "receipt": "расписка", "issuance": "расписка о выдаче"}


def audit_detail(detail: dict[str, Any]) -> str:
    """An audit entry's detail in Russian words («из: Черновик, в: Принято, номер: …»)."""
    from workstation.core.messages import STATUS_LABELS

    parts = []
    for key, value in detail.items():
        if key == "draft":
            parts.append("черновик" if value else "")
            continue
        if key in ("from", "to"):
            value = STATUS_LABELS.get(str(value), value)
        elif key == "document":
            value = _DOCUMENTS.get(str(value), value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{_DETAIL_KEYS.get(key, key)}: {value}")
    return ", ".join(p for p in parts if p)


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return "—"


class CasesScreen(Screen):
    name = "cases"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self._actions = [
            Action("F9", t.ACT_ISSUE, self.issue),
            Action("Control-p", t.ACT_REPRINT, self.reprint),
            Action("Control-f", t.ACT_FIND, self.focus_search),
            Action("Escape", t.ACT_BACK, shell.show_home),
        ]
        self.build_header(t.CASES_TITLE, t.CASES_HINT, self._actions)
        self.card_data: dict[str, Any] | None = None
        self.results: dict[str, dict[str, Any]] = {}
        body = tb.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=2, uniform="c")
        body.columnconfigure(1, weight=3, uniform="c")
        body.rowconfigure(0, weight=1)

        left = tb.Frame(body)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self.query = tk.StringVar(master=self)
        self.search = tb.Entry(left, textvariable=self.query)
        self.search.pack(fill="x")
        self.search.bind("<Return>", self._search_enter)
        self.search.bind("<KP_Enter>", self._search_enter)
        self.search.bind("<Down>", self._into_results)
        self.tree = tb.Treeview(left, columns=[c[0] for c in RESULT_COLUMNS], show="headings", selectmode="browse",
                                height=16)
        for key, label, width in RESULT_COLUMNS:
            self.tree.heading(key, text=label, anchor="w")
            self.tree.column(key, width=width, stretch=key == "service", anchor="w")
        self.tree.pack(fill="both", expand=True, pady=(8, 0))
        self.placeholder = tb.Label(left, text=t.CASES_START, style="Muted.TLabel")
        self.placeholder.place(in_=self.tree, x=12, y=36)
        for seq in ("<Return>", "<KP_Enter>", "<Double-1>"):
            self.tree.bind(seq, self._open_selected)

        self.card = tb.Frame(body)
        self.card.grid(row=0, column=1, sticky="nsew")
        self.card_title = tb.Label(self.card, text=t.CASES_SELECT, style="Heading.TLabel")
        self.card_title.pack(anchor="w")
        self.card_fields = tb.Label(self.card, text="", justify="left")
        self.card_fields.pack(anchor="w", pady=(4, 8))
        self.conflict = ConflictPanel(self.card, self.resolve_conflict)  # packed while the case is in conflict
        self.changes = tb.Frame(self.card)
        self.changes.pack(fill="x")
        self.reason = tk.StringVar(master=self)
        tb.Label(self.card, text=t.CASE_HISTORY, style="Heading.TLabel").pack(anchor="w", pady=(8, 2))
        self.history = tb.Treeview(self.card, columns=("at", "change", "actor", "reason"), show="headings",
                                   height=5, selectmode="none")
        for key, label, width in (("at", "Когда", 145), ("change", "Изменение", 320), ("actor", "Кто", 90),
                                  ("reason", "Причина", 160)):
            self.history.heading(key, text=label, anchor="w")
            self.history.column(key, width=width, anchor="w", stretch=key == "reason")
        self.history.pack(fill="x")
        tb.Label(self.card, text=t.CASE_AUDIT, style="Heading.TLabel").pack(anchor="w", pady=(8, 2))
        self.audit = tb.Treeview(self.card, columns=("at", "actor", "action", "detail"), show="headings",
                                 height=6, selectmode="none")
        for key, label, width in (("at", "Когда", 145), ("actor", "Кто", 90), ("action", "Действие", 100),
                                  ("detail", "Подробности", 260)):
            self.audit.heading(key, text=label, anchor="w")
            self.audit.column(key, width=width, anchor="w", stretch=key == "detail")
        self.audit.pack(fill="both", expand=True)

    # --- screen protocol ---------------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        return self.search

    def cancel(self) -> bool:
        self.shell.show_home()
        return True

    @property
    def cards(self) -> Any:
        cards = self.shell.backends.cards
        if cards is None:
            raise UserError(t.CASES_NO_STORE)
        return cards

    def _staff(self) -> tuple[str, str]:
        staff = self.shell.staff
        return (staff.login, staff.role) if staff else ("", "specialist")

    # --- search --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.focus_set()
        self.search.selection_range(0, "end")

    def _search_enter(self, _event: tk.Event) -> str:
        self.run_search(self.query.get(), open_single=True)
        return "break"

    def _into_results(self, _event: tk.Event) -> str:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
        return "break"

    def run_search(self, query: str, *, open_single: bool = False) -> None:
        cards = self.cards

        def done(rows: list[dict[str, Any]]) -> None:
            if not self.winfo_exists():
                return
            self.tree.delete(*self.tree.get_children())
            self.results = {}
            for row in rows:
                status = f"⚠ {t.CONFLICT_BADGE}" if row.get("conflict") else row["status"]
                iid = self.tree.insert("", "end", values=[row["number"] or "—", row["service"], row["applicant"],
                                                          status])
                self.results[iid] = row
            if rows:
                self.placeholder.place_forget()
                first = self.tree.get_children()[0]
                self.tree.selection_set(first)
                self.tree.focus(first)
            else:
                self.placeholder.configure(text=t.CASES_EMPTY)
                self.placeholder.place(in_=self.tree, x=12, y=36)
            if open_single and len(rows) == 1:  # a scanned number: straight to the card
                self.open_card(rows[0]["ref"])

        self.shell.runner.submit(Lane.STORE, cards.search, query, on_done=done, label="case search")

    def _open_selected(self, _event: tk.Event) -> str:
        selected = self.tree.selection()
        if selected:
            self.open_card(self.results[selected[0]]["ref"])
        return "break"

    # --- the card ------------------------------------------------------------------------------
    def open_card(self, ref: str) -> None:
        cards = self.cards
        login, role = self._staff()
        self.shell.runner.submit(Lane.STORE, lambda: cards.card(ref, actor=login, role=role), on_done=self._show_card,
                                 label="case card")

    def _show_card(self, data: dict[str, Any]) -> None:
        if not self.winfo_exists():
            return
        self.card_data = data
        self.card_title.configure(text=t.CASE_NUMBER.format(number=data.get("number") or "—"))
        due = data.get("due_date")
        self.card_fields.configure(text=t.CASE_FIELDS.format(
            service=data.get("service_title", ""), applicant=data.get("applicant_short", "—"),
            status=data.get("status_label", ""), due=_when(date.fromisoformat(due)) if due else "—",
            specialist=data.get("specialist_name") or data.get("specialist") or "—"))
        conflicts = data.get("conflicts") or []
        if conflicts:
            self.conflict.show(conflicts, allowed=bool(data.get("may_resolve")))
            if not self.conflict.winfo_ismapped():
                self.conflict.pack(fill="x", before=self.changes)
            if self.shell.current is self:
                self.conflict.focus_table()  # the choice is what this card is waiting for
        elif self.conflict.winfo_ismapped():
            self.conflict.pack_forget()
        for child in self.changes.winfo_children():
            child.destroy()
        targets = data.get("targets") or []
        if targets:
            tb.Label(self.changes, text=t.CASE_CHANGE).grid(row=0, column=0, columnspan=3, sticky="w")
            for n, (status, label, _needs_reason) in enumerate(targets):
                tb.Button(self.changes, text=label, bootstyle="secondary-outline",
                          command=lambda s=status: self.change_status(s)).grid(
                    row=1 + n // 3, column=n % 3, sticky="ew", padx=(0, 6), pady=(4, 0))
            if any(r for _s, _l, r in targets):
                row = 2 + (len(targets) - 1) // 3
                tb.Label(self.changes, text=t.CASE_REASON, style="Muted.TLabel").grid(
                    row=row, column=0, columnspan=3, sticky="w", pady=(6, 0))
                self.reason_entry = tb.Entry(self.changes, textvariable=self.reason, width=60)
                self.reason_entry.grid(row=row + 1, column=0, columnspan=3, sticky="w")
        else:
            tb.Label(self.changes, text=t.CASE_NO_CHANGES, style="Muted.TLabel").grid(row=0, column=0, sticky="w")
        self.history.delete(*self.history.get_children())
        for h in data.get("history") or []:
            change = f"{h.get('from_label', h['from'])} → {h.get('to_label', h['to'])}"
            self.history.insert("", "end", values=[_when(h["at"]), change, h["actor"], h.get("reason") or ""])
        self.audit.delete(*self.audit.get_children())
        for e in data.get("audit") or []:
            detail = audit_detail(e.get("detail") or {})
            self.audit.insert("", "end", values=[_when(e["at"]), e["actor"], t.AUDIT_ACTIONS.get(e["action"],
                                                                                               e["action"]), detail])

    def change_status(self, status: str, *, then: Any = None) -> None:
        data = self.card_data
        if data is None:
            return
        cards = self.cards
        login, role = self._staff()
        reason = self.reason.get().strip() or None
        ref = data["id"]
        label = next((lab for s, lab, _r in data.get("targets") or [] if s == status), status)

        def done(_none: object) -> None:
            self.reason.set("")
            if then is not None:
                then(ref)
            else:
                self.shell.notice.show(t.CASE_STATUS_CHANGED.format(number=data.get("number"), status=label),
                                       "info", timeout_ms=10000)
            self.open_card(ref)

        self.shell.runner.submit(Lane.STORE, lambda: cards.change_status(ref, status, actor=login, role=role,
                                                                         reason=reason),
                                 on_done=done, label="status change")

    def issue(self) -> None:
        data = self.card_data
        if data is None:
            self.shell.notice.show(t.CASES_SELECT, "info")
            return
        if data.get("status") != "ready":
            self.shell.notice.show(t.CASE_NOT_READY, "warning")
            return
        office, here = data.get("office_code"), data.get("here_office")
        if office and here and office != here:  # the store refuses it too (workstation/core/roles.py)
            self.shell.notice.show(t.ISSUE_OTHER_OFFICE.format(office=office), "warning")
            return
        number = data.get("number")
        printing = self.shell.backends.printing
        printer = self.shell.settings.printer

        def slip(ref: str) -> None:
            def print_slip() -> object:
                return printing.send(ref, printing.issuance(ref), printer)

            self.shell.runner.submit(Lane.IO, print_slip, label="issuance slip",
                                     on_done=lambda _p: self.shell.notice.show(t.CASE_ISSUED.format(number=number),
                                                                               "info", timeout_ms=15000))

        self.change_status("issued", then=slip)

    def reprint(self) -> None:
        data = self.card_data
        if data is None:
            self.shell.notice.show(t.CASES_SELECT, "info")
            return
        printing = self.shell.backends.printing
        ref, printer = data["id"], self.shell.settings.printer
        self.shell.runner.submit(
            Lane.IO, lambda: printing.send(ref, printing.papers([ref]), printer), label="reprint",
            on_done=lambda paths: self.shell.notice.show(t.PRINTED.format(n=len(paths), names=data.get("number")),
                                                         "info", timeout_ms=10000))

    def resolve_conflict(self, choices: dict[str, str]) -> None:
        """«Сохранить выбор»: the store writes the chosen values and an outbox row; the card refreshes."""
        data = self.card_data
        if data is None:
            return
        cards = self.cards
        login, role = self._staff()
        ref, number = data["id"], data.get("number")

        def done(_none: object) -> None:
            self.shell.notice.show(t.CONFLICT_SAVED.format(number=number), "info", timeout_ms=10000)
            self.open_card(ref)

        self.shell.runner.submit(Lane.STORE, lambda: cards.resolve_conflict(ref, choices, actor=login, role=role),
                                 on_done=done, label="resolve conflict")
