"""Store housekeeping off the path of the user's action: WAL checkpoints and search-index merges.

SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages by
default): that one acceptance pays for copying every page written by the last few dozen — several
milliseconds, more on a large store, and the slow tail of every write figure. This thread does the
work on its own connection instead: a PASSIVE checkpoint (it never blocks the writer or readers)
once writes pause for `quiet` seconds — at a window there is such a pause after every action — and
at the latest `max_delay` seconds after the first of a run of writes. The store raises SQLite's own
threshold to `AUTOCHECKPOINT_PAGES` (8 MiB) so that only a long storm of writes with no pause
(a big import or pull) still checkpoints inside a commit, which keeps the WAL bounded;
`journal_size_limit` trims the file after such a storm, and `Store.close()` truncates it.

Why not higher: after a checkpoint SQLite writes the WAL again from its start, over the same file,
and a commit that overwrites costs one `fdatasync` (about 0.3 ms here); a commit that makes the
file longer also makes ext4 commit its journal (file size, new blocks), 0.5–1 ms more. A store
opens with an empty WAL, so every commit grows it until the first checkpoint. With the bound at
10,000 pages a storm of acceptances on the million-case store spent its first 130 of 300 commits
growing the file (commit p95 1.9–2.4 ms); at 2,000 pages the file stops growing after about 50
acceptances and a checkpoint inside a commit falls on one acceptance in 50 (commit p95 1.2–1.3 ms,
three runs of each, see docs/store.md). Bulk transactions (a sync pull's pages, an import's or
the demo generator's batches: `Store.unit_of_work(bulk=True)`) keep the higher bound
`BULK_AUTOCHECKPOINT_PAGES` for their own commits: each of them writes thousands of pages, and
at 2,000 every batch copied its pages into the file (a pull of 100,000 changes took 4 % longer).

The same pause runs the store's `idle` work first: one bounded step at a time (the FTS5 segment
merges, see `database.merge_search_indexes`), for as long as the step says more remains and no
new write has come in; the WAL is checkpointed after every step so it stays short. A run of
writes that never pauses gets checkpoints (at `max_delay`) but no idle work.

A failed checkpoint or step loses nothing (the frames stay in the WAL, readers see them; an
unmerged index answers the same) and is retried when writes next pause; it is logged by kind only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

QUIET_S = 0.25
MAX_DELAY_S = 30.0
AUTOCHECKPOINT_PAGES = 2_000
BULK_AUTOCHECKPOINT_PAGES = 10_000
WAL_SIZE_LIMIT = 64 * 2**20


class WalCheckpointer:
    """A daemon thread that runs `idle()` steps and `checkpoint()` after writes (see the module docstring)."""

    def __init__(self, checkpoint: Callable[[], object], *, idle: Callable[[], bool] | None = None,
                 quiet: float = QUIET_S, max_delay: float = MAX_DELAY_S, name: str = "store-checkpoint") -> None:
        self._checkpoint = checkpoint
        self._idle = idle
        self._quiet = quiet
        self._max_delay = max_delay
        self._lock = threading.Condition()
        self._first: float | None = None  # monotonic time of the first write not yet checkpointed
        self._last = 0.0
        self._writes = 0  # commits so far: idle work stops as soon as this moves
        self._stopping = False
        self.runs = 0
        self.failures = 0
        self.idle_steps = 0
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def written(self) -> None:
        """A write transaction committed (cheap: called after every unit of work)."""
        now = time.monotonic()
        with self._lock:
            self._writes += 1
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

    def _still_idle(self, writes: int) -> bool:
        with self._lock:
            return not self._stopping and self._writes == writes

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
                paused = time.monotonic() >= self._last + self._quiet  # not just `max_delay` in a storm
                self._first = None
                writes = self._writes
            if paused and self._idle is not None:
                while self._still_idle(writes) and self._step():
                    self._run_checkpoint()
            self._run_checkpoint()

    def _step(self) -> bool:
        assert self._idle is not None
        try:
            more = self._idle()
        except Exception as exc:
            self.failures += 1
            log.warning("idle store work failed (%s); retried after the next write", type(exc).__name__)
            return False
        self.idle_steps += 1
        return more

    def _run_checkpoint(self) -> None:
        try:
            self._checkpoint()
            self.runs += 1
        except Exception as exc:
            self.failures += 1
            log.warning("WAL checkpoint failed (%s); retried after the next write", type(exc).__name__)
