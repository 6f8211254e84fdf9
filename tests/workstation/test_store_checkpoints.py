"""The WAL is folded into the store file by a background thread, never inside a user's commit.

Unit tests drive `WalCheckpointer` with a recording callable (no timing assertions: every wait is
for an event, with a generous limit); the store tests use a real encrypted file and read SQLite's
own counters (`PRAGMA wal_checkpoint` reports frames in the WAL and frames already copied).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text
from storekit import accept_new, open_configured

from workstation.core.database import Store, raw_execute
from workstation.core.wal_checkpoints import WalCheckpointer

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


def test_the_store_raises_the_automatic_checkpoint_and_folds_the_wal_after_writes(tmp_path: Path) -> None:
    store = open_configured(tmp_path)
    try:
        assert raw_execute(store.engine, "PRAGMA wal_autocheckpoint") == 10_000  # only a bound
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
