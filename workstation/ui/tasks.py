"""Work off the Tk thread: one serial worker for the store, one for network and printing.

The shape is Anki's task manager and Thonny's event queue: a screen submits a plain function
with success/failure callbacks; a worker thread runs it; the outcome goes onto one queue as
`(kind, payload)`; the Tk thread drains that queue with `after()` a small batch at a time and
calls the callbacks there. Workers never see a widget, and callbacks never run on a worker.

Each lane runs its jobs one at a time in submission order, so store work is serialised (one
SQLite writer) and a slow printer never delays a draft being saved.

Other threads (the sync engine, say) report progress with `post(kind, payload)`; handlers
registered with `on(kind, handler)` receive it on the Tk thread.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

log = logging.getLogger(__name__)

DONE = "task.done"
FAILED = "task.failed"


class Lane(StrEnum):
    STORE = "store"  # the local database: drafts, cases, staff accounts, reports
    IO = "io"  # the network (sync) and the printer


class Scheduler(Protocol):
    """What the runner needs from Tk: `widget.after` and `after_cancel`."""

    def after(self, ms: int, func: Callable[[], object]) -> str: ...

    def after_cancel(self, id: str) -> None: ...


@dataclass(slots=True)
class Job:
    id: int
    lane: Lane
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    label: str
    submitted: float = field(default_factory=time.monotonic)


class _Worker:
    def __init__(self, lane: Lane, results: queue.SimpleQueue[tuple[str, Any]]) -> None:
        self.lane = lane
        self.jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.results = results
        self.busy = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"{lane.value}-worker", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            self.busy.set()
            try:
                value = job.fn(*job.args)
            except BaseException as exc:  # delivered to the Tk thread, never swallowed here
                self.results.put((FAILED, (job, exc)))
                del exc
            else:
                self.results.put((DONE, (job, value)))
                del value
            finally:
                self.busy.clear()
            # Drop our references now: a job's callbacks may hold the last reference to a screen,
            # and a Tk object must never be garbage-collected on this thread.
            del job


class TaskRunner:
    """Two serial worker lanes and one result queue drained on the Tk thread."""

    def __init__(
        self,
        report_error: Callable[[BaseException, str], object] | None = None,
        *,
        batch: int = 25,
        budget_ms: float = 8.0,
        interval_ms: int = 20,
    ) -> None:
        self._results: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._workers = {lane: _Worker(lane, self._results) for lane in Lane}
        self._ids = itertools.count(1)
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        self._report_error = report_error
        self._batch = batch
        self._budget = budget_ms / 1000
        self._interval = interval_ms
        self._scheduler: Scheduler | None = None
        self._poll_job: str | None = None
        self._outstanding: dict[Lane, int] = dict.fromkeys(Lane, 0)
        self._lock = threading.Lock()
        self._closed = False
        self.ui_thread = threading.get_ident()

    # --- submitting work (Tk thread) ---------------------------------------------------------
    def submit(
        self,
        lane: Lane,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "",
    ) -> int:
        """Run `fn(*args)` on `lane`; `on_done(value)` or `on_error(exc)` later on the Tk thread.

        Without `on_error` a failure goes to the error reporter (a user error is shown in
        plain Russian; anything else is logged with a reference).
        """
        if self._closed:
            raise RuntimeError("the task runner is stopped")
        job = Job(next(self._ids), lane, fn, args, on_done, on_error, label or getattr(fn, "__name__", "task"))
        with self._lock:
            self._outstanding[lane] += 1
        self._workers[lane].jobs.put(job)
        return job.id

    def post(self, kind: str, payload: Any = None) -> None:
        """Queue an event for the Tk thread; safe to call from any thread."""
        self._results.put((kind, payload))

    def on(self, kind: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        """Call `handler(payload)` on the Tk thread for every posted event of `kind`."""
        self._handlers.setdefault(kind, []).append(handler)

        def remove() -> None:
            handlers = self._handlers.get(kind, [])
            if handler in handlers:
                handlers.remove(handler)

        return remove

    def outstanding(self, lane: Lane | None = None) -> int:
        """Jobs submitted and not yet delivered back to the Tk thread."""
        with self._lock:
            return sum(self._outstanding.values()) if lane is None else self._outstanding[lane]

    # --- delivering results (Tk thread) ------------------------------------------------------
    def drain(self, limit: int | None = None) -> int:
        """Deliver up to `limit` queued outcomes (a time budget also applies); return how many."""
        limit = self._batch if limit is None else limit
        started = time.perf_counter()
        delivered = 0
        while delivered < limit:
            try:
                kind, payload = self._results.get_nowait()
            except queue.Empty:
                break
            delivered += 1
            self._deliver(kind, payload)
            if time.perf_counter() - started > self._budget:
                break
        return delivered

    def _deliver(self, kind: str, payload: Any) -> None:
        if kind in (DONE, FAILED):
            job, value = payload
            with self._lock:
                self._outstanding[job.lane] -= 1
            try:
                if kind == DONE:
                    if job.on_done is not None:
                        job.on_done(value)
                elif job.on_error is not None:
                    job.on_error(value)
                else:
                    self._fail(value, job.label)
            except Exception as exc:
                self._fail(exc, f"callback of {job.label}")
            return
        for handler in list(self._handlers.get(kind, ())):
            try:
                handler(payload)
            except Exception as exc:
                self._fail(exc, f"handler of {kind}")

    def report(self, exc: BaseException, where: str) -> None:
        """Hand a failure to the error reporter (on the Tk thread)."""
        self._fail(exc, where)

    def _fail(self, exc: BaseException, where: str) -> None:
        if self._report_error is not None:
            self._report_error(exc, where)
        else:
            log.error("task failure in %s: %s", where, type(exc).__qualname__)

    def attach(self, scheduler: Scheduler) -> None:
        """Start draining on the Tk loop of `scheduler` (a widget)."""
        self._scheduler = scheduler
        self.ui_thread = threading.get_ident()
        self._poll_job = scheduler.after(self._interval, self._poll)

    def _poll(self) -> None:
        if self._closed or self._scheduler is None:
            return
        delivered = self.drain()
        # A full batch means more may be waiting: come back at once, after Tk had its turn.
        delay = 1 if delivered >= self._batch else self._interval
        try:
            self._poll_job = self._scheduler.after(delay, self._poll)
        except Exception:  # the window is gone
            self._scheduler = None

    # --- shutting down -----------------------------------------------------------------------
    def stop(self, timeout: float = 3.0) -> bool:
        """Let queued jobs finish (up to `timeout` seconds in all); True if every worker ended."""
        if self._closed:
            return True
        self._closed = True
        if self._scheduler is not None and self._poll_job is not None:
            # a drain left scheduled would fire into a destroyed interpreter ("invalid command name");
            # the window may be gone already
            with contextlib.suppress(Exception):
                self._scheduler.after_cancel(self._poll_job)
            self._poll_job = None
        for worker in self._workers.values():
            worker.jobs.put(None)
        deadline = time.monotonic() + timeout
        ended = True
        for worker in self._workers.values():
            worker.thread.join(max(0.0, deadline - time.monotonic()))
            ended = ended and not worker.thread.is_alive()
        return ended  # outcomes still queued are dropped: their screens are gone

    @property
    def closed(self) -> bool:
        return self._closed
