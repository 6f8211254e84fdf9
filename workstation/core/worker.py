"""The single store worker: database work of the desktop app runs here, one job at a time, in order.

The UI thread never touches the database and the worker never touches widgets. A job is a
function of a `Session`; it runs inside its own unit of work (one transaction per user action).
Its outcome comes back two ways: the returned `Future` (for headless callers and tests) and, if
an event queue was given, an `("store", OpDone)` item the Tk loop drains with `after()`.
A `StoreError` is an expected outcome (shown to the user); anything else is a bug: logged with
its traceback (the engine hides SQL parameters, so no personal data) and delivered as well.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from workstation.core.changes import ChangeSet
from workstation.core.database import Store
from workstation.core.errors import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")
EVENT_KIND = "store"


@dataclass(frozen=True, slots=True)
class OpDone(Generic[T]):
    """What a finished job reports to the UI."""

    kind: str  # the caller's label: "save_draft", "accept", "search" …
    value: T | None
    error: BaseException | None
    tag: Any = None  # anything the caller wants back (the screen that asked, a request id …)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def user_message(self) -> str | None:
        if self.error is None:
            return None
        return self.error.user_message if isinstance(self.error, StoreError) else None

    @property
    def changes(self) -> ChangeSet:
        value = self.value
        if isinstance(value, ChangeSet):
            return value
        found = getattr(value, "changes", None)
        if isinstance(found, ChangeSet):
            return found
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, ChangeSet):
                    return item
        return ChangeSet()


@dataclass(slots=True)
class _Job:
    kind: str
    fn: Callable[[Session], Any]
    write: bool
    future: Future[Any]
    tag: Any


_STOP = object()


class StoreWorker:
    def __init__(self, store: Store, events: queue.Queue[tuple[str, Any]] | None = None,
                 *, name: str = "store-worker") -> None:
        self.store = store
        self.events = events
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._stopping = False

    def start(self) -> StoreWorker:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def submit(self, fn: Callable[[Session], T], *, kind: str = "job", write: bool = True,
               tag: Any = None) -> Future[T]:
        """Queue `fn(session)`; `write=False` runs it in a read transaction."""
        if self._stopping:
            raise RuntimeError("store worker is stopping")
        future: Future[T] = Future()
        self._jobs.put(_Job(kind, fn, write, future, tag))
        if not self._started:
            self.start()
        return future

    def call(self, fn: Callable[[Session], T], *, kind: str = "job", write: bool = True,
             timeout: float | None = None) -> T:
        """Submit and wait (headless callers; never from the Tk thread)."""
        return self.submit(fn, kind=kind, write=write).result(timeout)

    def stop(self, timeout: float | None = 10.0) -> None:
        """Finish the queued jobs, then end the thread."""
        if not self._started or self._stopping:
            self._stopping = True
            return
        self._stopping = True
        self._jobs.put(_STOP)
        self._thread.join(timeout)

    @property
    def is_worker_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            value: Any = None
            error: BaseException | None = None
            try:
                if job.write:
                    with self.store.unit_of_work() as session:
                        value = job.fn(session)
                else:
                    with self.store.reading() as session:
                        value = job.fn(session)
            except StoreError as exc:
                error = exc
                log.info("store job %s refused: %s", job.kind, type(exc).__name__)
            except BaseException as exc:
                error = exc
                log.exception("store job %s failed", job.kind)
            if error is None:
                job.future.set_result(value)
            else:
                job.future.set_exception(error)
            if self.events is not None:
                self.events.put((EVENT_KIND, OpDone(job.kind, value, error, job.tag)))
