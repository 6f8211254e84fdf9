"""The form of one service: the renderer on the left, the summary on the right.

F2 saves the draft now (it is also saved a moment after every change), F9 accepts (after a
check that shows every remark and puts the cursor on the first one), F8 walks the remarks,
Ctrl+P prints, Esc goes back to the service list (the draft is kept).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from forms.engine import Issue
from forms.model import Service
from workstation.ui import texts as t
from workstation.ui.form.autosave import Autosaver
from workstation.ui.form.controller import FormController
from workstation.ui.form.summary import SummaryPanel
from workstation.ui.form.view import FormView
from workstation.ui.keys import Action
from workstation.ui.ports import AcceptedCase, AcceptRequest, DraftRecord
from workstation.ui.router import Screen
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell


def make_controller(shell: Shell, service: Service) -> FormController:
    state = shell.catalog
    assert state is not None
    return FormController(service, state.catalog, today=shell.today(), office_type=shell.office_type,
                          calendar=state.calendar)


def load_draft(controller: FormController, draft: DraftRecord) -> None:
    controller.load(draft.answers, presented=draft.presented, notification=draft.notification or None,
                    privileges=draft.privileges)
    controller.draft_id = draft.draft_id
    controller.applicant_id = draft.applicant_id
    controller.focus_path = draft.focus
    controller.touched = {f.id for f in controller.service.fields if draft.answers.get(f.id) is not None}


class FormScreen(Screen):
    name = "form"
    transient = True

    def __init__(self, shell: Shell, service: Service, *, draft: DraftRecord | None = None,
                 draft_id: str | None = None) -> None:
        super().__init__(shell)
        self.service = service
        self.controller = make_controller(shell, service)
        if draft is not None:
            load_draft(self.controller, draft)
        elif draft_id:
            self.controller.draft_id = draft_id
        if draft is None and shell.intake_applicant is not None:  # chosen in the applicant step
            card = shell.intake_applicant
            self.controller.prefill(card.answers, applicant_id=card.ref)
        self._actions = [
            Action("F9", t.ACT_ACCEPT, self.accept),
            Action("F2", t.ACT_SAVE_DRAFT, self.save_draft),
            Action("F8", t.ACT_NEXT_ISSUE, self.next_issue),
            Action("Control-p", t.ACT_PRINT, self.print_case),
            Action("Escape", t.ACT_BACK, self.back),
        ]
        agency = shell.catalog.catalog.agencies.get(service.agency) if shell.catalog else None
        self.build_header(service.title, t.FORM_VERSION.format(version=service.form_version,
                                                                agency=agency.short if agency else service.agency),
                          self._actions)
        body = tb.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(0, weight=1)
        body.rowconfigure(0, weight=1)
        self.summary = SummaryPanel(body, self.controller, self.jump, shell.palette)
        self.view = FormView(body, self.controller, today=self.controller.today, on_refresh=self.summary.refresh)
        self.view.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        self.summary.grid(row=0, column=1, sticky="nsew")
        self.summary.refresh()
        self.autosaver = Autosaver(self, shell.runner, shell.backends.drafts, self.make_draft, self._saved)
        self.controller.add_listener(self.autosaver.changed)

    # --- screen protocol ---------------------------------------------------------------------
    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        path = self.controller.focus_path
        if path and path in self.view.rows and self.view.rows[path].visible:
            inputs = self.view.rows[path].editor.inputs
            if inputs:
                return inputs[0]
        return self.view.first_input()

    def on_hide(self) -> None:
        self.autosaver.flush()

    def cancel(self) -> bool:
        self.back()
        return True

    # --- actions -----------------------------------------------------------------------------
    def back(self) -> None:
        self.shell.show_picker()

    def make_draft(self) -> DraftRecord:
        staff = self.shell.staff
        return self.controller.draft(staff_login=staff.login if staff else "")

    def _saved(self, draft_id: str) -> None:
        self.controller.draft_id = draft_id
        if self.shell.closed:
            return
        self.shell.status.say(t.FORM_DRAFT_SAVED.format(time=datetime.now().strftime("%H:%M")))

    def save_draft(self) -> None:
        self.autosaver.save(force=True)

    def next_issue(self) -> None:
        if not self.controller.reveal_all:
            self.controller.reveal()
            self.view.refresh_now()
        issue = self.summary.next_issue()
        if issue is not None:
            self.jump(issue)

    def jump(self, issue: Issue) -> None:
        path = self.controller.editor_path(issue.path)
        if not self.view.focus_editor(path):
            self.view.focus_editor(issue.field)

    def accept(self) -> None:
        result = self.controller.accept_check()
        self.view.refresh_now()
        errors = result.errors
        if errors:
            self.shell.notice.show(t.FORM_ACCEPT_BLOCKED.format(n=len(errors)), "warning")
            self.jump(errors[0])
            return
        staff = self.shell.staff
        request = AcceptRequest(self.make_draft(), staff.login if staff else "", self.shell.settings.office,
                                self.shell.settings.window, self.controller.today)
        due = self.controller.due()
        self.autosaver.cancel()
        self.shell.runner.submit(Lane.STORE, self.shell.backends.intake.accept, request,
                                 on_done=lambda case: self._accepted(case, due), on_error=self._not_accepted,
                                 label="accept")

    def _not_accepted(self, exc: BaseException) -> None:
        if self.winfo_exists():
            self.autosaver.changed()
        self.shell.reporter.report(exc, "accept")

    def _accepted(self, case: AcceptedCase, due: object) -> None:
        when = case.due or due
        if when:
            text = t.FORM_ACCEPTED.format(number=case.number, due=f"{when:%d.%m.%Y}")
        else:
            text = t.FORM_ACCEPTED_NO_DUE.format(number=case.number)
        shell = self.shell
        shell.intake_applicant = None  # this visit is done
        shell.show_home()
        shell.notice.show(text, "info", timeout_ms=15000)
        from workstation.ui.screens.preview import preview_after_accept

        preview_after_accept(shell, [case.case_id])

    def print_case(self) -> None:
        self.autosaver.flush()
        self.shell.runner.submit(Lane.IO, self.shell.backends.printing.print_case,
                                 self.controller.draft_id or "", self.shell.settings.printer, label="print")
