"""The parts of an intake that are not application fields: the documents checklist (originals,
copies, sheets), the applicant's privileged category (fee exemption), the notification choice.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as tb

from forms import identifiers as ids
from forms import messages as fm
from workstation.ui import texts as t
from workstation.ui.form.controller import ChecklistRow, FormController


def _int(text: str) -> int:
    try:
        return max(0, int(text.strip() or 0))
    except ValueError:
        return 0


class DocumentsBlock:
    """One line per document of the checklist; rebuilt when the list itself changes."""

    COLUMNS = (("originals", t.FORM_DOC_COL_ORIGINALS), ("copies", t.FORM_DOC_COL_COPIES),
               ("sheets", t.FORM_DOC_COL_SHEETS))

    def __init__(self, parent: tk.Misc, controller: FormController) -> None:
        self.controller = controller
        self.frame = tb.Labelframe(parent, text=t.FORM_DOCUMENTS, padding=(12, 6))
        self.frame.columnconfigure(0, weight=1)
        self.table = tb.Frame(self.frame)
        self.table.grid(row=0, column=0, sticky="ew")
        self.table.columnconfigure(0, weight=1)
        self.all_button = tb.Button(self.frame, text=t.ACT_PRESENTED_ALL, bootstyle="secondary-outline",
                                    command=self.present_all)
        self.all_button.grid(row=1, column=0, sticky="w", pady=(6, 0))
        self.docs: tuple[str, ...] | None = None
        self.spins: dict[str, dict[str, tb.Spinbox]] = {}
        self.vars: dict[str, dict[str, tk.StringVar]] = {}
        self._silent = False

    def refresh(self) -> None:
        rows = self.controller.checklist()
        docs = tuple(r.doc for r in rows)
        if docs != self.docs:
            self.docs = docs
            self._build(rows)
        else:
            self._load(rows)

    def _build(self, rows: list[ChecklistRow]) -> None:
        for child in self.table.winfo_children():
            child.destroy()
        self.spins, self.vars = {}, {}
        if not rows:
            tb.Label(self.table, text=t.FORM_NO_DOCUMENTS, style="Muted.TLabel").grid(row=0, column=0, sticky="w")
            self.all_button.grid_remove()
            return
        self.all_button.grid()
        tb.Label(self.table, text=t.FORM_DOC_COL_NAME, style="Small.TLabel").grid(row=0, column=0, sticky="w")
        for c, (_key, label) in enumerate(self.COLUMNS, start=1):
            tb.Label(self.table, text=label, style="Small.TLabel").grid(row=0, column=c, sticky="w", padx=(8, 0))
        for r, row in enumerate(rows, start=1):
            cell = tb.Frame(self.table)
            cell.grid(row=r, column=0, sticky="ew", pady=(4, 0))
            mark = " *" if row.required and not row.by_request else ""
            tb.Label(cell, text=row.name + mark, wraplength=470, justify="left").pack(anchor="w")
            need = self._need_text(row)
            if need:
                tb.Label(cell, text=need, style="Small.TLabel", wraplength=470, justify="left").pack(anchor="w")
            self.spins[row.doc], self.vars[row.doc] = {}, {}
            for c, (key, _label) in enumerate(self.COLUMNS, start=1):
                var = tk.StringVar(self.table, value=str(getattr(row.presented, key)))
                spin = tb.Spinbox(self.table, from_=0, to=99, width=4, textvariable=var)
                spin.grid(row=r, column=c, sticky="nw", padx=(8, 0), pady=(4, 0))
                var.trace_add("write", lambda *_a, d=row.doc, k=key: self._changed(d, k))
                self.spins[row.doc][key] = spin
                self.vars[row.doc][key] = var

    @staticmethod
    def _need_text(row: ChecklistRow) -> str:
        parts = []
        if row.by_request:
            parts.append(t.FORM_DOC_BY_REQUEST)
        elif row.required:
            what = []
            if row.originals:
                what.append(t.FORM_DOC_ORIGINALS_N.format(n=row.originals))
            if row.copies:
                what.append(t.FORM_DOC_COPIES_N.format(n=row.copies))
            if what:
                parts.append(t.FORM_DOC_NEEDED.format(what=", ".join(what)))
        else:
            parts.append(t.FORM_DOC_OPTIONAL)
        if row.note:
            parts.append(row.note)
        return "; ".join(parts)

    def _load(self, rows: list[ChecklistRow]) -> None:
        self._silent = True
        try:
            for row in rows:
                for key, var in self.vars.get(row.doc, {}).items():
                    wanted = str(getattr(row.presented, key))
                    if var.get() != wanted and _int(var.get()) != int(wanted):
                        var.set(wanted)
        finally:
            self._silent = False

    def _changed(self, doc: str, key: str) -> None:
        if self._silent:
            return
        value = _int(self.vars[doc][key].get())
        self.controller.set_presented(doc, **{key: value})

    def present_all(self) -> None:
        self.controller.present_all()
        self._load(self.controller.checklist())

    def focus(self, doc: str) -> bool:
        spins = self.spins.get(doc)
        if not spins:
            return False
        spins["originals"].focus_set()
        return True


class PrivilegesBlock:
    def __init__(self, parent: tk.Misc, controller: FormController) -> None:
        self.controller = controller
        self.frame = tb.Labelframe(parent, text=t.FORM_PRIVILEGES, padding=(12, 6))
        self.vars: dict[str, tk.BooleanVar] = {}
        for n, category_id in enumerate(controller.service.exemptions):
            category = controller.catalog.categories.get(category_id)
            var = tk.BooleanVar(self.frame, value=category_id in controller.privileges)
            tb.Checkbutton(self.frame, text=category.name if category else category_id, variable=var,
                           command=self._changed).grid(row=n // 2, column=n % 2, sticky="w", padx=(0, 18), pady=1)
            self.vars[category_id] = var

    def _changed(self) -> None:
        self.controller.set_privileges(k for k, v in self.vars.items() if v.get())

    def refresh(self) -> None:
        for category_id, var in self.vars.items():
            wanted = category_id in self.controller.privileges
            if var.get() != wanted:
                var.set(wanted)


class NotificationBlock:
    def __init__(self, parent: tk.Misc, controller: FormController) -> None:
        self.controller = controller
        self.frame = tb.Labelframe(parent, text=t.FORM_NOTIFICATION, padding=(12, 6))
        self.var = tk.StringVar(self.frame, value=controller.notification)
        channels = [*controller.service.notification, "none"]
        self.hints: dict[str, tb.Label] = {}
        for n, channel in enumerate(dict.fromkeys(channels)):
            tb.Radiobutton(self.frame, text=fm.NOTIFICATION_LABELS.get(channel, channel), value=channel,
                           variable=self.var, command=self._changed).grid(row=n, column=0, sticky="w", pady=1)
            hint = tb.Label(self.frame, style="Small.TLabel")
            hint.grid(row=n, column=1, sticky="w", padx=(12, 0))
            self.hints[channel] = hint

    def _changed(self) -> None:
        self.controller.set_notification(self.var.get())

    def refresh(self) -> None:
        if self.var.get() != self.controller.notification:
            self.var.set(self.controller.notification)
        phone = self._value("phone", ids.format_phone)
        email = self._value("email", ids.normalize_email)
        if "sms" in self.hints:
            self.hints["sms"].configure(text=t.FORM_NOTIFY_SMS_TO.format(phone=phone) if phone else "")
        if "email" in self.hints:
            self.hints["email"].configure(text=t.FORM_NOTIFY_EMAIL_TO.format(email=email) if email else "")

    def _value(self, field_id: str, formatter: Any) -> str:
        raw = self.controller.get(field_id) if field_id in {f.id for f in self.controller.service.fields} else None
        if not raw:
            return ""
        try:
            return str(formatter(str(raw)))
        except (ids.IdentifierError, ValueError):
            return ""
