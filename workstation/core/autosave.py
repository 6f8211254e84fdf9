"""Draft autosave without tkinter: coalesce field changes, write the latest through the worker.

The UI calls `changed()` on every field change and `flush()` from its 5-second timer. A change
is written at once unless a save of the same draft is already in flight; then only the newest
state is written when that save ends, so a burst of keystrokes costs a few UPDATEs, not one
each. When a save fails for a reason that may pass (read-only or full disk, a lock) the draft
stays in memory (`unsaved`) and the next `changed()` or `flush()` tries again; the answers are
never lost while the program runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workstation.core import cases
from workstation.core.database import local_now
from workstation.core.errors import InvalidOperation, NotFound, StoreError
from workstation.core.worker import StoreWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DraftState:
    answers: dict[str, Any]
    documents: tuple[dict[str, Any], ...] | None = None
    privileges: tuple[str, ...] | None = None
    notify_by: str | None = None
    channel: str | None = None


class DraftAutosaver:
    def __init__(self, worker: StoreWorker, *, clock: Callable[[], datetime] = local_now,
                 on_error: Callable[[str, StoreError], None] | None = None,
                 on_saved: Callable[[str], None] | None = None) -> None:
        self._worker = worker
        self._clock = clock
        self._on_error = on_error
        self._on_saved = on_saved
        self._lock = threading.RLock()  # a done-callback may run inside submit
        self._idle = threading.Condition(self._lock)
        self._pending: dict[str, DraftState] = {}
        self._inflight: dict[str, DraftState] = {}
        self.last_error: StoreError | None = None

    def changed(self, case_id: str, answers: Mapping[str, Any], *,
                documents: Sequence[Mapping[str, Any]] | None = None, privileges: Sequence[str] | None = None,
                notify_by: str | None = None, channel: str | None = None) -> None:
        state = DraftState(dict(answers), None if documents is None else tuple(dict(d) for d in documents),
                           None if privileges is None else tuple(privileges), notify_by, channel)
        with self._lock:
            self._pending[case_id] = state
            if case_id in self._inflight:
                return
            self._submit_locked(case_id)

    def flush(self) -> None:
        """Write every draft that has unsaved changes (the UI's timer calls this every 5 s)."""
        with self._lock:
            for case_id in list(self._pending):
                if case_id not in self._inflight:
                    self._submit_locked(case_id)

    def forget(self, case_id: str) -> None:
        """The draft was accepted or discarded: stop saving it."""
        with self._lock:
            self._pending.pop(case_id, None)

    @property
    def unsaved(self) -> dict[str, DraftState]:
        """Drafts whose latest state is not in the database yet (kept in memory)."""
        with self._lock:
            return {**self._inflight, **self._pending}

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no save is in flight (tests, shutdown); True if idle."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._inflight, timeout)

    def _submit_locked(self, case_id: str) -> None:
        state = self._pending.pop(case_id)
        self._inflight[case_id] = state

        def job(session: Session) -> Any:
            return cases.save_draft(session, case_id, answers=state.answers, now=self._clock(),
                                    documents=state.documents, privileges=state.privileges,
                                    notify_by=state.notify_by, channel=state.channel)

        future = self._worker.submit(job, kind="save_draft", tag=case_id)
        future.add_done_callback(lambda f: self._done(case_id, state, f))

    def _done(self, case_id: str, state: DraftState, future: Future[Any]) -> None:
        error = future.exception()
        with self._lock:
            self._inflight.pop(case_id, None)
            if error is None:
                self.last_error = None
            elif isinstance(error, NotFound | InvalidOperation):
                self.last_error = error  # accepted or discarded meanwhile: nothing to retry
            else:
                # disk, lock, damage or a bug: keep it in memory; the newest state wins
                self._pending.setdefault(case_id, state)
                self.last_error = error if isinstance(error, StoreError) else None
            retry_now = error is None and case_id in self._pending
            if retry_now:
                self._submit_locked(case_id)
            self._idle.notify_all()
        if error is None:
            if self._on_saved is not None:
                self._on_saved(case_id)
        elif isinstance(error, StoreError) and self._on_error is not None:
            self._on_error(case_id, error)
