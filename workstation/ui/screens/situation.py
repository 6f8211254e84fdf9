"""A life situation: one applicant block typed once, then one form per service, in tabs.

The shared block (`Catalog.shared_fields`) has its own controller over a small synthetic
service made of those fields; every change there is copied into each service's controller, so
each application validates, autosaves and prints as if typed in it. Service tabs leave the
shared fields out and are built the first time they are opened. F9 accepts every application
of the bundle, or shows the first tab with a remark.
"""

from __future__ import annotations

import copy
import tkinter as tk
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from forms.engine import Issue
from forms.model import Section, Service, Situation
from workstation.ui import texts as t
from workstation.ui.form.autosave import Autosaver
from workstation.ui.form.controller import Change, FormController, top_field
from workstation.ui.form.summary import SummaryPanel
from workstation.ui.form.view import FormView
from workstation.ui.keys import Action
from workstation.ui.ports import AcceptedCase, AcceptRequest, DraftRecord
from workstation.ui.router import Screen
from workstation.ui.screens.form_screen import make_controller
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell


def shared_service(situation: Situation, services: Sequence[Service], shared: Sequence[str]) -> Service:
    """A service holding only the shared fields (each as the first service of the bundle defines it)."""
    fields = []
    for field_id in shared:
        for service in services:
            try:
                fields.append(service.field(field_id))
                break
            except KeyError:
                continue
    base = services[0]
    return replace(
        base, id=f"situation:{situation.id}", title=situation.title, short_title=situation.title,
        sections=(Section("shared", t.SITUATION_APPLICANT_TAB, tuple(fields)),), rules=(), calculated=(),
        documents=(), fee=(), deadline=(), exemptions=(), notification=(), example={},
    )


class Chips(tb.Frame):
    """The applications of the bundle as a row of toggles that wraps to more rows when needed.

    A notebook's tabs do not fit eleven services at 1366 pixels; these do, and every title stays
    whole. Ctrl+PageDown / Ctrl+PageUp (or Ctrl+Tab) move between them.
    """

    def __init__(self, master: tk.Misc, labels: Sequence[str], on_select: Callable[[int], None]) -> None:
        super().__init__(master)
        self.var = tk.IntVar(self, value=0)
        self.buttons = [
            tb.Radiobutton(self, text=label, value=n, variable=self.var, bootstyle="primary-outline-toolbutton",
                           takefocus=False, command=lambda: on_select(self.var.get()))
            for n, label in enumerate(labels)
        ]
        self._width = 0
        self.bind("<Configure>", self._reflow, add="+")
        self._place(1300)

    def _reflow(self, event: tk.Event) -> None:
        if abs(event.width - self._width) > 4:
            self._place(event.width)

    def _place(self, width: int) -> None:
        """Left to right, wrapping like words; the frame is as tall as the rows used."""
        self._width = width
        x = y = line = 0
        for button in self.buttons:
            w, h = button.winfo_reqwidth(), button.winfo_reqheight()
            if x and x + w > width:
                x, y = 0, y + line + 4
                line = 0
            button.place(x=x, y=y)
            x += w + 4
            line = max(line, h)
        self.configure(height=y + line + 4)

    def select(self, n: int) -> None:
        self.var.set(n)


class ServiceTab:
    def __init__(self, screen: SituationScreen, service: Service, controller: FormController) -> None:
        self.screen = screen
        self.service = service
        self.controller = controller
        self.frame = tb.Frame(screen.panes, padding=(0, 4, 0, 0))
        self.view: FormView | None = None
        self.summary: SummaryPanel | None = None
        shell = screen.shell
        self.autosaver = Autosaver(self.frame, shell.runner, shell.backends.drafts, self.make_draft, self._saved)
        controller.add_listener(self.autosaver.changed)

    def build(self) -> None:
        if self.view is not None:
            return
        self.frame.columnconfigure(0, weight=1)
        self.frame.rowconfigure(0, weight=1)
        self.summary = SummaryPanel(self.frame, self.controller, self.screen.jump, self.screen.shell.palette)
        self.view = FormView(self.frame, self.controller, today=self.controller.today,
                             skip_fields=self.screen.shared_ids, on_refresh=self.summary.refresh,
                             header=self.service.title)
        self.view.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self.summary.grid(row=0, column=1, sticky="nsew")

    def make_draft(self) -> DraftRecord:
        staff = self.screen.shell.staff
        return self.controller.draft(staff_login=staff.login if staff else "", situation_id=self.screen.situation.id,
                                     bundle_id=self.screen.bundle_id)

    def _saved(self, draft_id: str) -> None:
        self.controller.draft_id = draft_id


class SituationScreen(Screen):
    name = "situation"
    transient = True

    def __init__(self, shell: Shell, situation: Situation) -> None:
        super().__init__(shell)
        state = shell.catalog
        assert state is not None
        self.situation = situation
        self.bundle_id = str(uuid.uuid4())
        services = [state.catalog.services[s] for s in situation.services if s in state.catalog.services]
        self.shared_ids = [f for f in state.catalog.shared_fields(situation.id)]
        self.shared_controller = make_controller(shell, shared_service(situation, services, self.shared_ids))
        self._actions = [
            Action("F9", t.ACT_ACCEPT, self.accept),
            Action("F2", t.ACT_SAVE_DRAFT, self.save_drafts),
            Action("F8", t.ACT_NEXT_ISSUE, self.next_issue),
            Action("Escape", t.ACT_BACK, self.back),
            Action("Control-Next", t.ACT_NEXT_PANE, lambda: self.select_index(self.index + 1)),
            Action("Control-Prior", t.ACT_PREVIOUS_PANE, lambda: self.select_index(self.index - 1)),
        ]
        self.build_header(t.SITUATION_TITLE.format(title=situation.title), t.SITUATION_TABS_HINT, self._actions[:4])
        labels = [f"1. {t.SITUATION_APPLICANT_TAB}"] + [
            f"{n}. {s.short_title or s.title}" for n, s in enumerate(services, start=2)
        ]
        self.chips = Chips(self, labels, self.select_index)
        self.chips.pack(fill="x", pady=(0, 4))
        self.panes = tb.Frame(self)
        self.panes.pack(fill="both", expand=True)
        self.panes.columnconfigure(0, weight=1)
        self.panes.rowconfigure(0, weight=1)
        shared_tab = tb.Frame(self.panes, padding=(0, 4, 0, 0))
        titles = ", ".join(f"«{s.short_title or s.title}»" for s in services)
        self.shared_view = FormView(shared_tab, self.shared_controller, today=self.shared_controller.today,
                                    extras=False, header=t.SITUATION_SHARED_NOTE.format(services=titles))
        self.shared_view.pack(fill="both", expand=True)
        self.pane_frames: list[tb.Frame] = [shared_tab]
        self.tabs: list[ServiceTab] = []
        card = shell.intake_applicant  # chosen in the applicant step: every application starts from it
        for service in services:
            controller = make_controller(shell, service)
            if card is not None:  # before the autosaver listens: no draft until something is typed
                controller.prefill(card.answers, applicant_id=card.ref)
            tab = ServiceTab(self, service, controller)
            self.pane_frames.append(tab.frame)
            self.tabs.append(tab)
        for frame in self.pane_frames:
            frame.grid(row=0, column=0, sticky="nsew")
            frame.grid_remove()
        self.index = -1
        self.select_index(0, focus=False)
        self.shared_controller.add_listener(self._shared_changed)
        if card is not None:
            self.shared_controller.prefill(card.answers, applicant_id=card.ref)

    # --- shared data -------------------------------------------------------------------------
    def _shared_changed(self, change: Change) -> None:
        fields = set(self.shared_ids) if not any(change.paths) else {top_field(p) for p in change.paths if p}
        for tab in self.tabs:
            known = {f.id for f in tab.service.fields}
            for field_id in fields & known:
                value = copy.deepcopy(self.shared_controller.get(field_id))
                tab.controller.set(field_id, value)
                if self.shared_controller.is_touched(field_id):
                    tab.controller.touch(field_id)

    # --- screen ------------------------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        return self.shared_view.first_input()

    def cancel(self) -> bool:
        self.back()
        return True

    def back(self) -> None:
        self.shell.show_picker(situations=True)

    def on_hide(self) -> None:
        for tab in self.tabs:
            tab.autosaver.flush()

    def select_index(self, index: int, *, focus: bool = True) -> None:
        """Show pane `index` (0: the shared applicant block); panes wrap around."""
        index %= len(self.pane_frames)
        if index == self.index:
            return
        if 0 <= self.index < len(self.pane_frames):
            self.pane_frames[self.index].grid_remove()
        self.index = index
        tab = self.tabs[index - 1] if index >= 1 else None
        if tab is not None:
            tab.build()
        self.pane_frames[index].grid()
        self.chips.select(index)
        view = tab.view if tab is not None else self.shared_view
        if focus and view is not None:
            first = view.first_input()
            if first is not None:
                self.after_idle(first.focus_set)

    def current_tab(self) -> ServiceTab | None:
        return self.tabs[self.index - 1] if self.index >= 1 else None

    def select_tab(self, tab: ServiceTab | None) -> None:
        self.select_index(0 if tab is None else self.tabs.index(tab) + 1, focus=False)
        self.update_idletasks()

    # --- actions -----------------------------------------------------------------------------
    def save_drafts(self) -> None:
        for tab in self.tabs:
            tab.autosaver.save(force=True)

    def jump(self, issue: Issue) -> None:
        field_id = issue.field
        if field_id in self.shared_ids:
            self.select_tab(None)
            self.shared_controller.reveal()
            self.shared_view.refresh_now()
            self.shared_view.focus_editor(field_id)
            return
        for tab in self.tabs:
            if tab.controller.result is not None and issue in tab.controller.result.issues:
                self.select_tab(tab)
                if tab.view is not None:
                    path = tab.controller.editor_path(issue.path)
                    tab.view.focus_editor(path) or tab.view.focus_editor(issue.field)
                return

    def next_issue(self) -> None:
        tab = self.current_tab()
        if tab is None or tab.summary is None:
            return
        tab.controller.reveal()
        if tab.view is not None:
            tab.view.refresh_now()
        issue = tab.summary.next_issue()
        if issue is not None:
            self.jump(issue)

    def accept(self) -> None:
        self.shared_controller.reveal()
        self.shared_view.refresh_now()
        for tab in self.tabs:
            result = tab.controller.accept_check()
            if tab.view is not None:
                tab.view.refresh_now()
            if result.errors:
                tab.build()
                tab.view.refresh_now() if tab.view is not None else None
                self.shell.notice.show(t.FORM_ACCEPT_BLOCKED.format(n=len(result.errors)), "warning")
                self.jump(result.errors[0])
                return
        staff = self.shell.staff
        requests = [
            AcceptRequest(tab.make_draft(), staff.login if staff else "", self.shell.settings.office,
                          self.shell.settings.window, tab.controller.today)
            for tab in self.tabs
        ]
        for tab in self.tabs:
            tab.autosaver.cancel()
        intake = self.shell.backends.intake

        def accept_all() -> list[AcceptedCase]:
            return [intake.accept(request) for request in requests]

        self.shell.runner.submit(Lane.STORE, accept_all, on_done=self._accepted, label="accept bundle")

    def _accepted(self, cases: list[AcceptedCase]) -> None:
        shell = self.shell
        shell.intake_applicant = None  # this visit is done
        shell.show_home()
        shell.notice.show(t.SITUATION_ACCEPTED.format(numbers=", ".join(c.number for c in cases)), "info",
                          timeout_ms=15000)
        from workstation.ui.screens.preview import preview_after_accept

        preview_after_accept(shell, [c.case_id for c in cases])
