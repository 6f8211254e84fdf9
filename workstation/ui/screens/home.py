"""Home: cases in a sync conflict (only while there are some), today's cases of this workstation,
open drafts, results ready for issuance.

The lists come from `CaseSource` on the store lane every time the screen appears. Enter on a
draft reopens it where the specialist stopped.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.ports import CaseRow
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell

COLUMNS = (
    ("number", t.HOME_COL_NUMBER, 195),
    ("service", t.HOME_COL_SERVICE, 330),
    ("applicant", t.HOME_COL_APPLICANT, 170),
    ("status", t.HOME_COL_STATUS, 110),
    ("time", t.HOME_COL_TIME, 70),
)


class CaseList(tb.Frame):
    """A titled list with an empty-state line; Enter or double-click opens a row."""

    def __init__(self, master: tk.Misc, title: str, empty: str, height: int, on_open: object,
                 columns: Sequence[tuple[str, str, int]] = COLUMNS) -> None:
        super().__init__(master)
        self.empty_text = empty
        self.on_open = on_open
        self.keys = [c[0] for c in columns]
        self.title = tb.Label(self, text=title, style="Heading.TLabel")
        self.title.pack(anchor="w", pady=(0, 4))
        self.tree = tb.Treeview(self, columns=[c[0] for c in columns], show="headings", height=height,
                                selectmode="browse")
        for key, label, width in columns:
            self.tree.heading(key, text=label, anchor="w")
            self.tree.column(key, width=width, stretch=key == "service", anchor="w")
        self.tree.pack(fill="both", expand=True)
        self.placeholder = tb.Label(self, text=t.HOME_LOADING, style="Muted.TLabel")
        self.placeholder.place(in_=self.tree, x=12, y=36)
        self.rows: dict[str, CaseRow] = {}
        self.tree.bind("<Return>", self._open)
        self.tree.bind("<KP_Enter>", self._open)
        self.tree.bind("<Double-1>", self._open)

    def fill(self, rows: Sequence[CaseRow]) -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows = {}
        for row in rows:
            cells = {
                "number": row.number or "—",
                "service": row.service_title,
                "applicant": row.applicant,
                "status": row.status,
                "time": row.updated.strftime("%H:%M") if row.updated else "",
            }
            iid = self.tree.insert("", "end", values=[cells[k] for k in self.keys])
            self.rows[iid] = row
        if rows:
            self.placeholder.place_forget()
            first = self.tree.get_children()[0]
            self.tree.selection_set(first)
            self.tree.focus(first)
        else:
            self.placeholder.configure(text=self.empty_text)
            self.placeholder.place(in_=self.tree, x=12, y=36)

    def _open(self, _event: tk.Event) -> str:
        selected = self.tree.selection()
        if selected and callable(self.on_open):
            self.on_open(self.rows[selected[0]])
        return "break"


class HomeScreen(Screen):
    name = "home"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self._actions = [
            Action("F5", t.ACT_NEW_INTAKE, shell.new_intake),
            Action("F6", t.ACT_SITUATIONS, lambda: shell.new_intake(situations=True)),
            Action("F7", t.ACT_CASES, shell.open_cases),
        ]
        staff = shell.staff
        self.build_header(t.HOME_GREETING.format(name=staff.full_name if staff else ""), t.HOME_OPEN_HINT,
                          self._actions)
        body = tb.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=1, uniform="half")
        body.columnconfigure(1, weight=1, uniform="half")
        body.rowconfigure(1, weight=1)
        body.rowconfigure(2, weight=1)
        conflict_columns = (("number", t.HOME_COL_NUMBER, 195), ("service", t.HOME_COL_SERVICE, 330),
                            ("applicant", t.HOME_COL_APPLICANT, 170), ("status", t.HOME_COL_STATUS, 180))
        self.conflicts = CaseList(body, f"⚠ {t.HOME_CONFLICTS}", "", 2, self._open_case, conflict_columns)
        self.conflicts.title.configure(style="Badge.TLabel")
        self.today = CaseList(body, t.HOME_TODAY, t.HOME_EMPTY_TODAY, 7, self._open_case)
        self.today.grid(row=1, column=0, columnspan=2, sticky="nsew", pady=(0, 12))
        narrow = (("service", t.HOME_COL_SERVICE, 250), ("applicant", t.HOME_COL_APPLICANT, 150),
                  ("time", t.HOME_COL_TIME, 70))
        self.drafts = CaseList(body, t.HOME_DRAFTS, t.HOME_EMPTY_DRAFTS, 6, self._open_case, narrow)
        self.drafts.grid(row=2, column=0, sticky="nsew", padx=(0, 8))
        ready = (("number", t.HOME_COL_NUMBER, 195), ("service", t.HOME_COL_SERVICE, 230),
                 ("applicant", t.HOME_COL_APPLICANT, 150))
        self.ready = CaseList(body, t.HOME_READY, t.HOME_EMPTY_READY, 6, self._open_case, ready)
        self.ready.grid(row=2, column=1, sticky="nsew", padx=(8, 0))

    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        for case_list in (self.conflicts, self.drafts, self.today, self.ready):
            if case_list.rows:
                return case_list.tree
        return self.today.tree

    def on_show(self) -> None:
        shell = self.shell
        staff = shell.staff
        office, window = shell.settings.office, shell.settings.window
        cases = shell.backends.cases
        self.today.title.configure(text=t.HOME_TODAY_WINDOW.format(window=window) if window else t.HOME_TODAY)

        conflicted = getattr(cases, "conflicted_cases", None)  # the store's; the demo has none

        def load() -> tuple[Sequence[CaseRow], ...]:
            return (cases.todays_cases(office, window), cases.open_drafts(staff.login if staff else ""),
                    cases.ready_for_issuance(office), conflicted(office) if conflicted is not None else ())

        shell.runner.submit(Lane.STORE, load, on_done=self._loaded, label="home lists")

    def _loaded(self, lists: tuple[Sequence[CaseRow], ...]) -> None:
        if not self.winfo_exists():
            return
        today, drafts, ready, conflicts = lists
        self.conflicts.fill(conflicts)
        if conflicts:
            self.conflicts.grid(row=0, column=0, columnspan=2, sticky="nsew", pady=(0, 12))
        else:
            self.conflicts.grid_remove()
        self.today.fill(today)
        self.drafts.fill(drafts)
        self.ready.fill(ready)
        if self.shell.current is self:
            self.shell.focus_first(self)

    def _open_case(self, row: CaseRow) -> None:
        if row.is_draft:
            self.shell.open_draft(row.ref)
        elif self.shell.backends.cards is not None:
            self.shell.open_cases(row.ref)
        else:
            self.shell.notice.show(f"Заявление {row.number}: карточка дела появится с подключением хранилища.",
                                   "info")
