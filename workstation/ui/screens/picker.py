"""New intake: pick a service by typing, by agency, or pick a life situation.

Search runs on every keystroke on the Tk thread (the index answers in well under 2 ms); with
nothing typed the office's frequent services come first. Services not offered at this office
type are marked and, when opened, say where they are offered; pre-appointment services are
marked too. Keys: Down from the search goes to the list, Enter opens, Ctrl+F back to the search.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane
from workstation.ui.widgets.masked import WatchedEntry
from workstation.ui.widgets.result_keys import enter_list, leave_list_at_top

if TYPE_CHECKING:
    from forms.model import Service
    from workstation.ui.shell import CatalogState, Shell

FREQUENT_TOP = 5


def offered_where(state: CatalogState, service: Service) -> str:
    names = [state.catalog.office_types[o].name for o in service.availability.office_types
             if o in state.catalog.office_types]
    return ", ".join(names)


def fee_summary(state: CatalogState, service: Service, today: date) -> str:
    from workstation.ui.form.controller import format_money

    amounts = []
    for rule in service.fee:
        tariff = state.catalog.tariffs.get(rule.tariff)
        amount = tariff.amount_on(today) if tariff else None
        if amount is not None:
            amounts.append(amount)
    if not amounts:
        return t.PICKER_DETAILS_FREE
    low, high = min(amounts), max(amounts)
    text = format_money(low) if low == high else f"{format_money(low)} – {format_money(high)}"
    return t.PICKER_DETAILS_FEE.format(fee=text)


class PickerScreen(Screen):
    name = "picker"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self._actions = [
            Action("Control-f", t.ACT_SEARCH, self.focus_search),
            Action("Escape", t.ACT_BACK, self.back),
        ]
        self.build_header(t.PICKER_TITLE, t.PICKER_APPLICANT_NEW, [self._actions[1]])
        body = tb.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=3)
        body.columnconfigure(1, weight=0, minsize=400)  # the details' width; the list takes the rest
        body.rowconfigure(0, weight=1)
        left = tb.Frame(body)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        tb.Label(left, text=t.PICKER_SEARCH, style="Bold.TLabel").pack(anchor="w")
        self.search = WatchedEntry(left, lambda _v: self.run_search(), font="MfcHeading")
        self.search.pack(fill="x", pady=(2, 2))
        tb.Label(left, text=t.PICKER_SEARCH_HINT, style="Small.TLabel").pack(anchor="w")
        filters = tb.Frame(left)
        filters.pack(fill="x", pady=(8, 4))
        tb.Label(filters, text=t.PICKER_AGENCY + ":").pack(side="left")
        self.agency = tb.Combobox(filters, state="readonly", width=46)
        self.agency.pack(side="left", padx=(6, 0))
        self.agency.bind("<<ComboboxSelected>>", lambda _e: self.run_search())
        self.count = tb.Label(filters, style="Muted.TLabel")
        self.count.pack(side="right")
        # Two-line rows: a title of 130 characters is shown whole at 1366×768 (see `widgets.cells`).
        self.results = tb.Treeview(left, columns=("title", "agency", "marks"), show="headings", selectmode="browse",
                                   style="Tall.Treeview")
        for key, label, width, stretch in (("title", t.PICKER_COL_TITLE, 440, True),
                                           ("agency", t.PICKER_COL_AGENCY, 160, False),
                                           ("marks", t.PICKER_COL_MARKS, 135, False)):
            self.results.heading(key, text=label, anchor="w")
            self.results.column(key, width=width, minwidth=80, stretch=stretch, anchor="w")
        self._wrapped: dict[tuple[str, str, int, str], str] = {}  # (column, text, width, font size) -> lines
        self._widths: dict[str, int] = {}
        self.results.bind("<Configure>", lambda _e: self.after_idle(self._rewrap), add="+")
        self.results.tag_configure("elsewhere", foreground=shell.palette.muted)
        self.results.pack(fill="both", expand=True, pady=(4, 0))
        self.empty = tb.Label(left, text=t.PICKER_LOADING, style="Muted.TLabel")
        self.empty.place(in_=self.results, x=12, y=36)
        right = tb.Frame(body)
        right.grid(row=0, column=1, sticky="nsew")
        self.details = tb.Frame(right, style="Card.TFrame", padding=(14, 10))
        self.details.pack(fill="x")
        self.d_title = tb.Label(self.details, style="CardHeading.TLabel", wraplength=360, justify="left")
        self.d_title.pack(anchor="w")
        self.d_lines = tb.Label(self.details, style="Card.TLabel", wraplength=360, justify="left")
        self.d_lines.pack(anchor="w", pady=(6, 0))
        self.d_warning = tb.Label(self.details, style="CardError.TLabel", wraplength=360, justify="left")
        self.d_warning.pack(anchor="w", pady=(6, 0))
        self.open_button = tb.Button(self.details, text=f"Enter  {t.ACT_OPEN_FORM}", command=self.open_selected,
                                     bootstyle="primary", takefocus=False)
        self.open_button.pack(anchor="w", pady=(10, 0))
        tb.Label(right, text=t.PICKER_SITUATIONS, style="Heading.TLabel").pack(anchor="w", pady=(16, 4))
        self.situations = tb.Treeview(right, columns=("title", "n"), show="headings", selectmode="browse", height=8)
        self.situations.heading("title", text=t.PICKER_SITUATIONS, anchor="w")
        self.situations.heading("n", text="Услуг", anchor="w")
        self.situations.column("title", width=300, stretch=True)
        self.situations.column("n", width=60, stretch=False)
        self.situations.pack(fill="both", expand=True)
        self.no_situations = tb.Label(right, text="", style="Muted.TLabel", wraplength=340)
        self.no_situations.place(in_=self.situations, x=12, y=36)
        self.search.bind("<Down>", self._to_results)
        self.search.bind("<Return>", lambda _e: (self.open_selected(), "break")[1])
        self.search.bind("<KP_Enter>", lambda _e: (self.open_selected(), "break")[1])
        self.results.bind("<<TreeviewSelect>>", lambda _e: self.show_details())
        self.results.bind("<Return>", lambda _e: (self.open_selected(), "break")[1])
        self.results.bind("<KP_Enter>", lambda _e: (self.open_selected(), "break")[1])
        self.results.bind("<Double-1>", lambda _e: self.open_selected())
        self.results.bind("<Up>", self._results_up)
        self.situations.bind("<Return>", lambda _e: (self.open_situation(), "break")[1])
        self.situations.bind("<Double-1>", lambda _e: self.open_situation())
        self.usage: Mapping[str, float] = {}
        self.frequent: set[str] = set()
        self.agency_ids: list[str | None] = [None]
        self._focus_situations = False
        self._from_applicant = False
        self._loaded_version: str | None = None

    # --- screen ------------------------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        if self._focus_situations and self.situations.get_children():
            first = self.situations.get_children()[0]
            self.situations.selection_set(first)
            self.situations.focus(first)
            return self.situations
        return self.search

    def start(self, *, focus_situations: bool = False, select_search: bool = False,
              from_applicant: bool | None = None) -> None:
        """After the applicant step (or Esc from a form) an empty search; Ctrl+F keeps the last
        query, selected. `from_applicant`: Esc with an empty search goes back to that step."""
        self._focus_situations = focus_situations
        if from_applicant is not None:
            self._from_applicant = from_applicant
        card = self.shell.intake_applicant
        if card is None:
            subtitle = t.PICKER_APPLICANT_NEW
        elif card.ref is None:  # a new applicant with what was typed in the search
            subtitle = t.PICKER_APPLICANT_TYPED.format(name=card.full_name or t.PICKER_TYPED_DATA)
        else:
            subtitle = t.PICKER_APPLICANT.format(name=card.full_name)
        self.subtitle_label.configure(text=subtitle)
        if select_search:
            self.search.selection_range(0, "end")
        elif self.search.value:
            self.search.set_value("")
            self.run_search()

    def on_show(self) -> None:
        self.shell.when_catalog(self._catalog_ready)
        office = self.shell.settings.office
        self.shell.runner.submit(Lane.STORE, self.shell.backends.usage.frequencies, office,
                                 on_done=self._usage_ready, label="usage")

    def back(self) -> None:
        if self.search.value:
            self.search.set_value("")
            self.run_search()
            self.search.focus_set()
            return
        if self._from_applicant:
            self.shell.back_to_applicant()
            return
        self.shell.show_home()

    def focus_search(self) -> None:
        self.search.focus_set()
        self.search.selection_range(0, "end")

    # --- data --------------------------------------------------------------------------------
    def _catalog_ready(self, state: CatalogState) -> None:
        if not self.winfo_exists():
            return
        if self._loaded_version != state.catalog.version:
            self._loaded_version = state.catalog.version
            used = {s.agency for s in state.catalog.services.values()}
            agencies = sorted((a for a in state.catalog.agencies.values() if a.id in used), key=lambda a: a.short)
            self.agency_ids = [None, *(a.id for a in agencies)]
            self.agency.configure(values=[t.PICKER_ALL_AGENCIES, *(a.short for a in agencies)])
            self.agency.current(0)
            self._fill_situations(state)
        self.run_search()

    def _usage_ready(self, usage: Mapping[str, float]) -> None:
        self.usage = dict(usage)
        ranked = sorted((v, k) for k, v in self.usage.items() if v > 0)[::-1][:FREQUENT_TOP]
        self.frequent = {k for _v, k in ranked}
        if self.winfo_exists() and self.shell.catalog is not None:
            self.run_search()

    def _fill_situations(self, state: CatalogState) -> None:
        self.situations.delete(*self.situations.get_children())
        for situation in sorted(state.catalog.situations.values(), key=lambda s: s.title):
            self.situations.insert("", "end", iid=situation.id, values=(situation.title, len(situation.services)))
        if state.catalog.situations:
            self.no_situations.place_forget()
        else:
            self.no_situations.configure(text=t.PICKER_NO_SITUATIONS)
            self.no_situations.place(in_=self.situations, x=12, y=36)

    def run_search(self) -> None:
        state = self.shell.catalog
        if state is None:
            return
        from forms.service_search import search_services

        catalog = state.catalog
        agency = self.agency_ids[self.agency.current()] if self.agency.current() >= 0 else None
        found = search_services(state.index, catalog, self.search.value, usage=self.usage,
                                limit=len(catalog.services))
        office_type = self.shell.office_type
        selected_before = self.results.selection()
        self.results.delete(*self.results.get_children())
        shown = 0
        for hit in found:
            service = catalog.services[hit.service_id]
            if agency is not None and service.agency != agency:
                continue
            marks = []
            elsewhere = office_type is not None and office_type not in service.availability.office_types
            if elsewhere:
                marks.append(t.PICKER_NOT_HERE)
            if service.availability.pre_appointment:
                marks.append(t.PICKER_PRE_APPOINTMENT)
            if hit.service_id in self.frequent:
                marks.append(t.PICKER_FREQUENT)
            agency_short = catalog.agencies[service.agency].short if service.agency in catalog.agencies else ""
            self.results.insert("", "end", iid=service.id, values=(self.cell("title", service.title),
                                                                   self.cell("agency", agency_short),
                                                                   self.cell("marks", ", ".join(marks))),
                                tags=("elsewhere",) if elsewhere else ())
            shown += 1
        self.count.configure(text=t.PICKER_RESULTS.format(n=shown))
        children = self.results.get_children()
        if children:
            self.empty.place_forget()
            keep = selected_before[0] if selected_before and selected_before[0] in children else children[0]
            self.results.selection_set(keep)
            self.results.focus(keep)
            self.results.see(keep)
        else:
            self.empty.configure(text=t.PICKER_NOTHING)
            self.empty.place(in_=self.results, x=12, y=36)
            self.show_details()

    # --- two-line cells ---------------------------------------------------------------------
    def cell(self, column: str, text: str) -> str:
        """`text` broken into the column's two lines (cached: the search refills on every key)."""
        from tkinter import font as tkfont

        font = tkfont.nametofont("TkDefaultFont", root=self)
        width = self._widths.get(column) or int(self.results.column(column, "width"))
        key = (column, text, width, str(font.cget("size")))
        wrapped = self._wrapped.get(key)
        if wrapped is None:
            from workstation.ui.widgets.cells import wrap_cell

            tokens, joiner = (text.split(", "), ", ") if column == "marks" else (text.split(), " ")
            wrapped = self._wrapped[key] = wrap_cell(tokens, joiner, font.measure, max(40, width - 10))
        return wrapped

    def _rewrap(self) -> None:
        """The columns changed width (window resized, font size changed): wrap the rows again."""
        if not self.winfo_exists():
            return
        widths = {c: int(self.results.column(c, "width")) for c in ("title", "agency", "marks")}
        if widths == self._widths:
            return
        self._widths = widths
        self._wrapped.clear()
        if self.shell.catalog is not None:
            self.run_search()

    def selected_service(self) -> Service | None:
        state = self.shell.catalog
        selected = self.results.selection()
        if state is None or not selected:
            return None
        return state.catalog.services.get(selected[0])

    def show_details(self) -> None:
        state = self.shell.catalog
        service = self.selected_service()
        if state is None or service is None:
            for label in (self.d_title, self.d_lines, self.d_warning):
                label.configure(text="")
            self.open_button.configure(state="disabled")
            return
        catalog = state.catalog
        agency = catalog.agencies.get(service.agency)
        lines = [t.PICKER_DETAILS_AGENCY.format(agency=agency.name if agency else service.agency)]
        from workstation.ui.form.summary import describe_deadline

        deadline = describe_deadline(service.deadline[-1]) if service.deadline else None
        lines.append(t.PICKER_DETAILS_DEADLINE.format(deadline=deadline) if deadline else t.PICKER_DETAILS_NO_DEADLINE)
        lines.append(fee_summary(state, service, self.shell.today()))
        lines.append(t.PICKER_DETAILS_OFFICES.format(where=offered_where(state, service)))
        if service.availability.pre_appointment:
            lines.append(t.PICKER_DETAILS_PRE)
        if service.availability.home_visit:
            lines.append(t.PICKER_DETAILS_HOME)
        self.d_title.configure(text=service.title)
        self.d_lines.configure(text="\n".join(lines))
        warning = self.not_offered_text(service)
        self.d_warning.configure(text=warning)
        self.open_button.configure(state="disabled" if warning else "normal")

    def not_offered_text(self, service: Service) -> str:
        state = self.shell.catalog
        office_type = self.shell.office_type
        if state is None or office_type is None or office_type in service.availability.office_types:
            return ""
        return t.PICKER_NOT_OFFERED.format(where=offered_where(state, service))

    # --- keys --------------------------------------------------------------------------------
    def _to_results(self, _event: tk.Event) -> str:
        return enter_list(self.results)

    def _results_up(self, _event: tk.Event) -> str | None:
        return leave_list_at_top(self.results, self.search)

    def open_selected(self) -> None:
        service = self.selected_service()
        if service is None:
            return
        warning = self.not_offered_text(service)
        if warning:
            self.shell.notice.show(warning, "warning")
            return
        self.shell.open_service(service.id)

    def open_situation(self) -> None:
        selected = self.situations.selection()
        if selected:
            self.shell.open_situation(selected[0])
