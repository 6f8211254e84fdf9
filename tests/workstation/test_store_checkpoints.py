"""The WAL is folded into the store file, and the search indexes merged, by a background thread when
writes pause, never inside a user's commit.

Unit tests drive `WalCheckpointer` with a recording callable (no timing assertions: every wait is
for an event, with a generous limit); the store tests use a real encrypted file and read SQLite's
own counters (`PRAGMA wal_checkpoint` reports frames in the WAL and frames already copied).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session
from storekit import accept_new, open_configured, passport_answers

from workstation.core import search
from workstation.core.database import Store, dbapi, merge_search_indexes, raw_execute
from workstation.core.models import SEARCH_TABLES
from workstation.core.wal_checkpoints import AUTOCHECKPOINT_PAGES, BULK_AUTOCHECKPOINT_PAGES, WalCheckpointer

WAIT_S = 20.0


class Recorder:
    def __init__(self, fail_first: int = 0) -> None:
        self.calls = 0
        self.fail_first = fail_first
        self.called = threading.Event()

    def __call__(self) -> None:
        self.calls += 1
        self.called.set()
        if self.calls <= self.fail_first:
            raise OSError("disk I/O error")


def test_a_write_is_followed_by_one_checkpoint() -> None:
    rec = Recorder()
    cp = WalCheckpointer(rec, quiet=0.01, max_delay=0.05)
    try:
        assert not rec.called.wait(0.2), "nothing was written: no checkpoint"
        cp.written()
        assert rec.called.wait(WAIT_S)
    finally:
        cp.stop()
    assert rec.calls == 1 and cp.runs == 1 and cp.failures == 0


def test_a_run_of_writes_is_checkpointed_together_and_stop_waits_for_nothing_pending() -> None:
    rec = Recorder()
    cp = WalCheckpointer(rec, quiet=60, max_delay=60)  # nothing is due while the test runs
    for _ in range(1000):
        cp.written()
    cp.stop()
    assert rec.calls == 0  # stop() does not checkpoint: Store.close() truncates the WAL itself
    assert not cp._thread.is_alive()


def test_a_long_run_of_writes_is_checkpointed_by_max_delay() -> None:
    rec = Recorder()
    cp = WalCheckpointer(rec, quiet=60, max_delay=0.05)  # writes never go quiet
    try:
        cp.written()
        assert rec.called.wait(WAIT_S)
    finally:
        cp.stop()
    assert rec.calls == 1


def test_a_failed_checkpoint_is_counted_and_retried_after_the_next_write(caplog) -> None:
    rec = Recorder(fail_first=1)
    cp = WalCheckpointer(rec, quiet=0.01, max_delay=0.05)
    try:
        cp.written()
        assert rec.called.wait(WAIT_S)
        rec.called.clear()
        cp.written()
        assert rec.called.wait(WAIT_S)
    finally:
        cp.stop()
    assert rec.calls == 2 and cp.failures == 1 and cp.runs == 1
    assert "OSError" in caplog.text and "disk I/O error" not in caplog.text


def _wal_counts(store: Store) -> tuple[int, int]:
    """(frames in the WAL, frames copied into the file) without copying more (a no-op on a busy WAL)."""
    raw = store.engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
        row = cur.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return row[1], row[2]
    finally:
        raw.close()


def test_a_bulk_unit_of_work_keeps_the_higher_bound_for_its_own_commit_only(tmp_path: Path) -> None:
    store = open_configured(tmp_path)
    try:
        def bound(s: Session) -> int:
            return int(dbapi(s).execute("PRAGMA wal_autocheckpoint").fetchone()[0])

        with store.unit_of_work(bulk=True) as s:
            assert bound(s) == BULK_AUTOCHECKPOINT_PAGES > AUTOCHECKPOINT_PAGES
        with store.unit_of_work() as s:  # the same pooled connection (last in, first out), put back
            assert bound(s) == AUTOCHECKPOINT_PAGES
        try:
            with store.unit_of_work(bulk=True) as s:
                assert bound(s) == BULK_AUTOCHECKPOINT_PAGES
                raise RuntimeError("a batch that fails")
        except RuntimeError:
            pass
        with store.unit_of_work() as s:  # rolled back: put back all the same
            assert bound(s) == AUTOCHECKPOINT_PAGES
        assert raw_execute(store.engine, "PRAGMA wal_autocheckpoint") == AUTOCHECKPOINT_PAGES
    finally:
        store.close()


def test_the_store_raises_the_automatic_checkpoint_and_folds_the_wal_after_writes(tmp_path: Path) -> None:
    store = open_configured(tmp_path)
    try:
        assert raw_execute(store.engine, "PRAGMA wal_autocheckpoint") == 2_000  # only a bound
        assert raw_execute(store.engine, "PRAGMA journal_size_limit") == 64 * 2**20
        assert raw_execute(store.engine, "PRAGMA cache_size") == -16384
        done = threading.Event()
        cp = store._checkpoints
        real_checkpoint, real_written = cp._checkpoint, cp.written
        last_write = [0.0]

        def written() -> None:
            last_write[0] = time.monotonic()
            real_written()

        def checkpoint() -> object:
            started = time.monotonic()
            result = real_checkpoint()
            if started > last_write[0]:
                done.set()  # this run began after the last commit: it saw every frame
            return result

        cp._checkpoint, cp.written = checkpoint, written  # type: ignore[method-assign]
        number = accept_new(store).number
        assert done.wait(WAIT_S), "no checkpoint after an acceptance"
        frames, copied = _wal_counts(store)
        assert frames == copied, "the background checkpoint left frames behind"
        with store.reading() as s:  # and the case is there, of course
            assert s.execute(text("SELECT count(*) FROM cases WHERE number = :n"), {"n": number}).scalar_one() == 1
    finally:
        store.close()
    assert not store._checkpoints._thread.is_alive()
    assert not Path(f"{store.path}-wal").exists() or Path(f"{store.path}-wal").stat().st_size == 0


class Steps:
    """Idle work that has `work` steps to do; `on_call(n)` runs inside the n-th step (1-based)."""

    def __init__(self, work: int, on_call=None) -> None:
        self.calls = 0
        self.work = work
        self.on_call = on_call
        self.done = threading.Event()

    def __call__(self) -> bool:
        self.calls += 1
        if self.on_call is not None:
            self.on_call(self.calls)
        more = self.calls < self.work
        if not more:
            self.done.set()
        return more


def test_idle_work_runs_in_a_pause_step_by_step_with_a_checkpoint_after_each() -> None:
    rec, steps = Recorder(), Steps(work=3)
    cp = WalCheckpointer(rec, idle=steps, quiet=0.01, max_delay=60)
    try:
        cp.written()
        assert steps.done.wait(WAIT_S)
    finally:
        cp.stop()
    assert steps.calls == 3 and cp.idle_steps == 3
    assert rec.calls == 3  # after each step that did work, and once at the end


def test_a_run_of_writes_with_no_pause_gets_checkpoints_but_no_idle_work() -> None:
    rec, steps = Recorder(), Steps(work=1)
    cp = WalCheckpointer(rec, idle=steps, quiet=60, max_delay=0.01)  # due by max_delay only
    try:
        cp.written()
        assert rec.called.wait(WAIT_S)
    finally:
        cp.stop()
    assert steps.calls == 0 and rec.calls == 1


def test_a_write_stops_idle_work_until_the_next_pause() -> None:
    rec = Recorder()
    cp: WalCheckpointer

    def user_writes(n: int) -> None:
        if n == 2:
            cp._quiet = 60  # the next pause is not reached while the test runs
            cp.written()

    steps = Steps(work=1000, on_call=user_writes)
    cp = WalCheckpointer(rec, idle=steps, quiet=0.01, max_delay=60)
    try:
        cp.written()
        assert rec.called.wait(WAIT_S)
        while rec.calls < 2:  # the checkpoint after step 1, then the one that ends the interrupted pause
            assert rec.called.wait(WAIT_S)
            rec.called.clear()
    finally:
        cp.stop()
    assert steps.calls == 2


def test_the_pool_hands_out_the_connection_that_wrote_last(tmp_path: Path) -> None:
    """Its page cache is the only one still valid (SQLite drops a connection's cache after another's write)."""
    store = open_configured(tmp_path)
    try:
        with store.unit_of_work() as s:
            writer = s.connection().connection.driver_connection
            with store.reading() as r:  # a second connection while the first is busy
                assert r.connection().connection.driver_connection is not writer
        used = []
        for _ in range(3):
            with store.unit_of_work() as s:
                used.append(s.connection().connection.driver_connection)
        assert all(c is writer for c in used)
    finally:
        store.close()


def _segments(store: Store) -> dict[str, int]:
    with store.reading() as s:
        return {t: s.execute(text(f"SELECT count(DISTINCT segid) FROM {t}_idx")).scalar_one()
                for t in SEARCH_TABLES}


def test_acceptance_adds_search_segments_and_the_idle_store_merges_them(tmp_path: Path) -> None:
    store = open_configured(tmp_path)
    try:
        store._checkpoints.stop()  # no pause is noticed: the merges below are the test's own
        before = _segments(store)
        for n in range(6):
            accept_new(store, answers=passport_answers(identity=dict(
                passport_answers()["identity"], number=f"{100000 + n}")))
        grown = _segments(store)
        assert all(grown[t] == before[t] + 6 for t in SEARCH_TABLES), "one new segment per commit, none merged"
        steps = 0
        while merge_search_indexes(store.engine):
            steps += 1
        assert steps >= 1 and all(n == 1 for n in _segments(store).values())
        assert not merge_search_indexes(store.engine)  # nothing left: a no-op step
        with store.reading() as s:
            found = search.search(s, "Соколова", limit=50).applicants
            assert len(found) == 6
            assert [a.full_name for a in search.search(s, "100003").applicants] == [found[0].full_name]
    finally:
        store.close()


def test_an_idle_step_leaves_the_store_to_a_writer(tmp_path: Path) -> None:
    """A held write lock (a long import, another process) means the store is not idle: no wait, no error."""
    store = open_configured(tmp_path)
    try:
        store._checkpoints.stop()
        for n in range(5):
            accept_new(store, answers=passport_answers(identity=dict(passport_answers()["identity"],
                                                                     number=f"{200000 + n}")))
        raw = store.engine.raw_connection()
        try:
            raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            assert merge_search_indexes(store.engine) is False
            raw.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        finally:
            raw.close()
        assert merge_search_indexes(store.engine) is True  # the next pause does the work
        assert raw_execute(store.engine, "PRAGMA busy_timeout") == 5000  # the pooled connection as it was
    finally:
        store.close()
