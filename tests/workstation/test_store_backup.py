"""Backup and restore while a writer keeps accepting cases; counters never go back in time."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from storekit import accept_new

from workstation.__main__ import main
from workstation.core import backup, keys
from workstation.core.database import open_database
from workstation.core.errors import InvalidOperation, StoreError


class Writer:
    """Accepts cases in a loop on its own thread until stopped; remembers every number it got."""

    def __init__(self, store) -> None:
        self.store = store
        self.numbers: list[str] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.numbers.append(accept_new(self.store).number)
                time.sleep(0.005)  # a fast specialist, not a tight loop that starves other writers
            except StoreError:
                time.sleep(0.01)  # a lock during the restore: try again, as the UI would
            except BaseException as exc:
                self.errors.append(exc)
                return

    def __enter__(self) -> Writer:
        self._thread.start()
        while len(self.numbers) < 5 and self._thread.is_alive():
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(60)


def _consistent(conn) -> tuple[int, int]:
    assert conn.execute(text("PRAGMA quick_check")).scalar() == "ok"
    cases = conn.execute(text("SELECT count(*) FROM cases WHERE status != 'draft'")).scalar()
    orphans = conn.execute(text(
        "SELECT count(*) FROM cases c WHERE c.status != 'draft' AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.entity_id = c.id AND o.op = 'create')")).scalar()
    assert orphans == 0  # every accepted case came with its outbox row: a transaction-consistent copy
    seqs = conn.execute(text("SELECT max(device_seq), count(*) FROM outbox")).one()
    assert seqs[0] == seqs[1]
    return cases, seqs[0]


def test_backup_while_writing_is_a_consistent_snapshot(store, tmp_path: Path) -> None:
    key = bytes.fromhex(store.engine.url.password[2:-1])
    with Writer(store) as writer:
        first = backup.backup(store, tmp_path / "b1.db")
        time.sleep(0.2)
        second = backup.backup(store, tmp_path / "b2.db")
    assert writer.errors == []
    counts = []
    for path in (first, second):
        copy = open_database(path, key)
        try:
            with copy.engine.connect() as conn:
                counts.append(_consistent(conn))
        finally:
            copy.close()
    assert 5 <= counts[0][0] <= counts[1][0] <= len(writer.numbers)
    with pytest.raises(InvalidOperation, match="уже существует"):
        backup.backup(store, first)


def test_restore_while_writing_never_reuses_numbers_or_sequences(store, tmp_path: Path) -> None:
    for _ in range(3):
        accept_new(store)
    saved = backup.backup(store, tmp_path / "early.db")
    with Writer(store) as writer:
        time.sleep(0.3)
        with store.reading() as s:
            seq_before = s.execute(text("SELECT last_seq FROM device")).scalar()
        report = backup.restore(store, saved)
        time.sleep(0.3)
    assert writer.errors == []
    assert report.previous_copy.exists()
    numbers = writer.numbers
    assert len(numbers) == len(set(numbers)), "a number given out before the restore was given again"
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        cases, max_seq = (conn.execute(text("SELECT count(*) FROM cases")).scalar(),
                          conn.execute(text("SELECT max(device_seq) FROM outbox")).scalar())
        assert conn.execute(text("PRAGMA quick_check")).scalar() == "ok"
        last_seq = conn.execute(text("SELECT last_seq FROM device")).scalar()
    assert last_seq >= seq_before and max_seq > 6
    assert cases >= 3
    # The cases from after the backup are gone (that is what a restore means) but the copy kept them.
    assert report.cases >= 3


def test_restore_refuses_what_is_not_a_backup(store, tmp_path: Path) -> None:
    accept_new(store)
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.db"
    other = open_database(foreign, os.urandom(32))
    other.close()
    for source in (junk, foreign, tmp_path / "missing.db"):
        with pytest.raises(InvalidOperation, match="не является резервной копией"):
            backup.restore(store, source)
    with store.reading() as s:
        assert s.execute(text("SELECT count(*) FROM cases")).scalar() == 1


def test_backup_and_restore_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "data"
    try:
        assert main(["--data-dir", str(root), "store", "configure", "--office", "0101", "--workstation", "001"]) == 0
        assert main(["--data-dir", str(root), "backup", str(tmp_path / "copy.db")]) == 0
        assert "Резервная копия сохранена" in capsys.readouterr().out
        assert main(["--data-dir", str(root), "restore", str(tmp_path / "copy.db")]) == 0
        assert "База восстановлена" in capsys.readouterr().out
        assert main(["--data-dir", str(root), "restore", str(tmp_path / "nothing.db")]) == 1
    finally:
        keys.forget_key(root)
