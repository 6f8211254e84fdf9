"""New intake, first step: find the applicant of an earlier visit, or go on with a new one.

The search runs as the specialist types, on the store lane (`Applicants.find`), a moment after the
typing pauses; only the answer to the latest query is shown. The list shows ФИО, birth date, the
masked passport and СНИЛС tails and the phone. Enter or a double-click on a person takes their
card (`Applicants.card`) to the service list: the form starts filled in with it (editable), the
draft carries the person's id and acceptance updates that card instead of making another.
Keys: the focus starts in the search, ↓ goes into the list, ↑ from its first row back, Enter
chooses, F5 goes on with a new applicant (what was typed fills its form), Ctrl+F back to the search, Esc home.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.ports import ApplicantCard, ApplicantRow
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane
from workstation.ui.typed_applicant import typed_applicant, typed_name
from workstation.ui.widgets.columns import set_samples
from workstation.ui.widgets.masked import WatchedEntry
from workstation.ui.widgets.result_keys import enter_list, leave_list_at_top

if TYPE_CHECKING:
    from workstation.ui.shell import Shell

SEARCH_DELAY_MS = 150  # a pause in typing, then one query (not one per keystroke)
COLUMNS = (
    ("name", t.APPLICANT_COL_NAME, 250, True),
    ("birth", t.APPLICANT_COL_BIRTH, 140, False),
    ("passport", t.APPLICANT_COL_PASSPORT, 110, False),
    ("snils", t.APPLICANT_COL_SNILS, 125, False),
    ("phone", t.APPLICANT_COL_PHONE, 150, False),
)

# The longest shape of each fixed column's cells (numbers are masked to their tails).
SAMPLES = {"birth": "00.00.0000", "passport": "•••• ••0000", "snils": "•••-•••-000 00", "phone": "+7 (000) 000-00-00"}


def _day(value: Any) -> str:
    return f"{value:%d.%m.%Y}" if value is not None else ""


class ApplicantScreen(Screen):
    name = "applicant"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self.situations = False  # started with F6: the life situations come next
        self._actions = [
            Action("F5", t.APPLICANT_NEW, self.new_applicant),
            Action("Control-f", t.ACT_SEARCH, self.focus_search),
            Action("Escape", t.ACT_BACK, shell.show_home),
        ]
        self.build_header(t.APPLICANT_TITLE, t.APPLICANT_HINT, [self._actions[0], self._actions[2]])
        body = tb.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=3)
        body.columnconfigure(1, weight=0, minsize=400)  # as in the service list
        body.rowconfigure(0, weight=1)

        left = tb.Frame(body)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        tb.Label(left, text=t.APPLICANT_SEARCH, style="Bold.TLabel").pack(anchor="w")
        self.search = WatchedEntry(left, lambda _v: self._typed(), font="MfcHeading")
        self.search.pack(fill="x", pady=(2, 2))
        hints = tb.Frame(left)
        hints.pack(fill="x")
        tb.Label(hints, text=t.APPLICANT_SEARCH_HINT, style="Small.TLabel").pack(side="left")
        self.count = tb.Label(hints, style="Muted.TLabel")
        self.count.pack(side="right")
        self.results = tb.Treeview(left, columns=[c[0] for c in COLUMNS], show="headings", selectmode="browse")
        for key, label, width, stretch in COLUMNS:
            self.results.heading(key, text=label, anchor="w")
            self.results.column(key, width=width, minwidth=60, stretch=stretch, anchor="w")
        set_samples(self.results, SAMPLES)  # measured in the font in use (large fonts: wider)
        self.results.pack(fill="both", expand=True, pady=(8, 0))
        self.placeholder = tb.Label(left, text=t.APPLICANT_START, style="Muted.TLabel")
        self.placeholder.place(in_=self.results, x=12, y=36)

        right = tb.Frame(body)
        right.grid(row=0, column=1, sticky="nsew")
        self.details = tb.Frame(right, style="Card.TFrame", padding=(14, 10))
        self.details.pack(fill="x")
        self.d_name = tb.Label(self.details, style="CardHeading.TLabel", wraplength=370, justify="left")
        self.d_name.pack(anchor="w")
        self.d_lines = tb.Label(self.details, style="Card.TLabel", wraplength=370, justify="left")
        self.d_lines.pack(anchor="w", pady=(6, 0))
        self.choose_button = tb.Button(self.details, text=f"Enter  {t.APPLICANT_CHOOSE}", command=self.choose,
                                       bootstyle="primary", takefocus=False)
        self.choose_button.pack(anchor="w", pady=(10, 0))
        self.new_note = tb.Label(right, text=t.APPLICANT_NEW_NOTE, style="Muted.TLabel", wraplength=370,
                                 justify="left")
        self.new_note.pack(anchor="w", pady=(16, 0))

        self.search.bind("<Down>", self._to_results)
        for seq in ("<Return>", "<KP_Enter>"):
            self.search.bind(seq, self._to_results)
            self.results.bind(seq, lambda _e: (self.choose(), "break")[1])
        self.results.bind("<Double-1>", lambda _e: self.choose())
        self.results.bind("<Up>", self._results_up)
        self.results.bind("<<TreeviewSelect>>", lambda _e: self.show_details())
        self.rows: dict[str, ApplicantRow] = {}
        self._job: str | None = None
        self._query_seq = 0  # answers to older queries are dropped
        self._choosing = False
        self._into_list_when_found = False
        self.show_details()

    # --- screen ------------------------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        return self.search

    def cancel(self) -> bool:
        self.shell.show_home()
        return True

    def start(self, *, situations: bool = False) -> None:
        """A new intake: an empty search (F5, or F6 for a life situation)."""
        self.situations = situations
        self.title_label.configure(text=t.APPLICANT_TITLE_SITUATION if situations else t.APPLICANT_TITLE)
        self._choosing = False
        self.search.set_value("")
        self._fill([])
        self.placeholder.configure(text=t.APPLICANT_START if self.port is not None else t.APPLICANT_NO_STORE)

    def on_hide(self) -> None:
        self._cancel_pending()

    @property
    def port(self) -> Any:
        return self.shell.backends.applicants

    # --- search ------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.focus_set()
        self.search.selection_range(0, "end")

    def _cancel_pending(self) -> None:
        if self._job is not None:
            self.after_cancel(self._job)
            self._job = None

    def _typed(self) -> None:
        self._cancel_pending()
        self._query_seq += 1  # whatever is on its way is out of date now
        self._into_list_when_found = False
        if not self.search.value.strip():
            self._fill([])
            return
        self._job = self.after(SEARCH_DELAY_MS, self.run_search)

    def run_search(self) -> None:
        """Ask the store now (the typing pause calls this; so may a test)."""
        self._cancel_pending()
        query = self.search.value.strip()
        port = self.port
        if not query or port is None:
            self._fill([])
            return
        self._query_seq += 1
        seq = self._query_seq
        self.count.configure(text=t.APPLICANT_SEARCHING)
        self.shell.runner.submit(Lane.STORE, port.find, query, on_done=lambda rows: self._found(seq, rows),
                                 label="applicant search")

    def _found(self, seq: int, rows: Sequence[ApplicantRow]) -> None:
        if seq != self._query_seq or not self.winfo_exists():
            return  # typed on since: a newer answer is coming
        self._fill(rows)
        if self._into_list_when_found:
            self._into_list_when_found = False
            try:
                focused = self.focus_get()
            except (KeyError, tk.TclError):
                focused = None
            if focused is self.search:
                self._to_results()

    def _fill(self, rows: Sequence[ApplicantRow]) -> None:
        self.results.delete(*self.results.get_children())
        self.rows = {}
        for row in rows:
            iid = self.results.insert("", "end", values=(row.full_name, _day(row.birth_date), row.passport,
                                                         row.snils, row.phone))
            self.rows[iid] = row
        if rows:
            self.placeholder.place_forget()
            first = self.results.get_children()[0]
            self.results.selection_set(first)
            self.results.focus(first)
            self.count.configure(text=t.APPLICANT_RESULTS.format(n=len(rows)))
        else:
            if self.port is None:
                text = t.APPLICANT_NO_STORE
            else:
                text = t.APPLICANT_NOTHING if self.search.value.strip() else t.APPLICANT_START
            self.placeholder.configure(text=text)
            self.placeholder.place(in_=self.results, x=12, y=36)
            self.count.configure(text="")
        self.show_details()

    def selected(self) -> ApplicantRow | None:
        chosen = self.results.selection()
        return self.rows.get(chosen[0]) if chosen else None

    def show_details(self) -> None:
        row = self.selected()
        if row is None:
            self.d_name.configure(text=t.APPLICANT_NEW)
            self.d_lines.configure(text=t.APPLICANT_DETAILS_NONE)
            self.choose_button.pack_forget()
            return
        lines = [t.APPLICANT_DETAILS_BIRTH.format(date=_day(row.birth_date) or "—")]
        if row.passport:
            lines.append(t.APPLICANT_DETAILS_PASSPORT.format(passport=row.passport))
        if row.snils:
            lines.append(t.APPLICANT_DETAILS_SNILS.format(snils=row.snils))
        if row.phone:
            lines.append(t.APPLICANT_DETAILS_PHONE.format(phone=row.phone))
        if row.address:
            lines.append(t.APPLICANT_DETAILS_ADDRESS.format(address=row.address))
        self.d_name.configure(text=row.full_name)
        self.d_lines.configure(text="\n".join(lines))
        if not self.choose_button.winfo_ismapped():
            self.choose_button.pack(anchor="w", pady=(10, 0))

    # --- keys --------------------------------------------------------------------------------
    def _to_results(self, _event: tk.Event | None = None) -> str:
        if self._job is not None:  # ↓ or Enter right after typing: ask now, go down when it answers
            self.run_search()
            self._into_list_when_found = True
            return "break"
        return enter_list(self.results)

    def _results_up(self, _event: tk.Event) -> str | None:
        return leave_list_at_top(self.results, self.search)

    # --- choosing ----------------------------------------------------------------------------
    def choose(self) -> None:
        row = self.selected()
        if row is None or self._choosing or self.port is None:
            return
        self._choosing = True
        situations = self.situations

        def chosen(card: ApplicantCard) -> None:
            self._choosing = False
            if self.shell.current is self:
                self.shell.choose_applicant(card, situations=situations)

        def failed(exc: BaseException) -> None:
            self._choosing = False
            self.shell.reporter.report(exc, "applicant card")

        self.shell.runner.submit(Lane.STORE, self.port.card, row.ref, on_done=chosen, on_error=failed,
                                 label="applicant card")

    def new_applicant(self) -> None:
        """F5 «Новый заявитель»: what was typed into the search (a ФИО, passport, СНИЛС, phone —
        recognised by its shape) starts the new applicant's form."""
        typed = typed_applicant(self.search.value)
        card = ApplicantCard(None, typed_name(typed), typed) if typed else None
        self.shell.choose_applicant(card, situations=self.situations)
