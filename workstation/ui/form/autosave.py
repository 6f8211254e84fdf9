"""Autosave: a changed form is handed to the store's `Drafts` a moment after the typing stops.

One save at a time per form: changes made while a save is on its way are saved right after it,
with the draft id the first save returned, so a form never becomes two drafts. `flush` saves at
once (leaving the screen, F2, closing the window).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workstation.ui.ports import DraftRecord, Drafts
from workstation.ui.tasks import Lane, TaskRunner

DELAY_MS = 1500


class Autosaver:
    def __init__(
        self,
        scheduler: Any,  # a widget: `after`, `after_cancel`
        runner: TaskRunner,
        drafts: Drafts,
        make_draft: Callable[[], DraftRecord],
        on_saved: Callable[[str], None],
        delay_ms: int = DELAY_MS,
    ) -> None:
        self.scheduler = scheduler
        self.runner = runner
        self.drafts = drafts
        self.make_draft = make_draft
        self.on_saved = on_saved
        self.delay_ms = delay_ms
        self.dirty = False
        self.saving = False
        self.saves = 0
        self._job: str | None = None

    def changed(self, _change: object = None) -> None:
        self.dirty = True
        if self._job is not None:
            self.scheduler.after_cancel(self._job)
        self._job = self.scheduler.after(self.delay_ms, self._timer)

    def _timer(self) -> None:
        self._job = None
        self.save()

    def flush(self) -> None:
        if self._job is not None:
            self.scheduler.after_cancel(self._job)
            self._job = None
        self.save(force=False)

    def cancel(self) -> None:
        """Nothing more to save (the draft became a case)."""
        if self._job is not None:
            self.scheduler.after_cancel(self._job)
            self._job = None
        self.dirty = False

    def save(self, force: bool = False) -> None:
        if not (self.dirty or force):
            return
        if self.saving:
            return  # saved again when the running save returns
        self.saving = True
        self.dirty = False
        self.runner.submit(Lane.STORE, self.drafts.save_draft, self.make_draft(), on_done=self._saved,
                           on_error=self._failed, label="save draft")

    def _saved(self, draft_id: str) -> None:
        self.saving = False
        self.saves += 1
        self.on_saved(draft_id)
        if self.dirty:
            self.save()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.dirty = True  # kept in memory; tried again on the next change or flush
        self.runner.report(exc, "save draft")
