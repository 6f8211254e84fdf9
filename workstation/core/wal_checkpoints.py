"""Folding the WAL into the store file off the path of the user's action.

SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages by
default): that one acceptance pays for copying every page written by the last few dozen — several
milliseconds, more on a large store, and the slow tail of every write figure. This thread does the
work on its own connection instead: a PASSIVE checkpoint (it never blocks the writer or readers)
once writes pause for `quiet` seconds — at a window there is such a pause after every action — and
at the latest `max_delay` seconds after the first of a run of writes. The store raises SQLite's own
threshold to `AUTOCHECKPOINT_PAGES` (40 MiB) so that only a long storm of writes with no pause
(a big import or pull) still checkpoints inside a commit, which keeps the WAL bounded;
`journal_size_limit` trims the file after such a storm, and `Store.close()` truncates it.

A failed checkpoint loses nothing (the frames stay in the WAL, readers see them) and is retried at
the next write; it is logged by kind only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

QUIET_S = 0.25
MAX_DELAY_S = 30.0
AUTOCHECKPOINT_PAGES = 10_000
WAL_SIZE_LIMIT = 64 * 2**20


class WalCheckpointer:
    """A daemon thread that runs `checkpoint()` after writes (see the module docstring)."""

    def __init__(self, checkpoint: Callable[[], object], *, quiet: float = QUIET_S,
                 max_delay: float = MAX_DELAY_S, name: str = "store-checkpoint") -> None:
        self._checkpoint = checkpoint
        self._quiet = quiet
        self._max_delay = max_delay
        self._lock = threading.Condition()
        self._first: float | None = None  # monotonic time of the first write not yet checkpointed
        self._last = 0.0
        self._stopping = False
        self.runs = 0
        self.failures = 0
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def written(self) -> None:
        """A write transaction committed (cheap: called after every unit of work)."""
        now = time.monotonic()
        with self._lock:
            if self._first is None:
                self._first = now
                self._lock.notify()
            self._last = now

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify()
        self._thread.join(timeout=10)

    def _due_in(self) -> float | None:
        """Seconds until the next checkpoint is due; None when nothing waits."""
        if self._first is None:
            return None
        now = time.monotonic()
        return max(0.0, min(self._last + self._quiet, self._first + self._max_delay) - now)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._stopping:
                    wait = self._due_in()
                    if wait == 0.0:
                        break
                    self._lock.wait(timeout=wait)
                if self._stopping:
                    return
                self._first = None
            try:
                self._checkpoint()
                self.runs += 1
            except Exception as exc:
                self.failures += 1
                log.warning("WAL checkpoint failed (%s); retried after the next write", type(exc).__name__)
