"""Drafts: coalesced autosave through the store worker, recovery after `kill -9`, and a full or
read-only disk keeping the draft in memory until it can be written.

The full disk is a real 2 MB tmpfs and the read-only file is made immutable with `chattr +i`;
both need root (they are skipped elsewhere; CI runs as root).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from storekit import Clock, catalog, open_configured, passport_answers

from workstation.core import cases, device, keys
from workstation.core.autosave import DraftAutosaver
from workstation.core.database import open_database
from workstation.core.errors import DiskFull, StoreWriteFailed
from workstation.core.models import Case
from workstation.core.worker import StoreWorker

REPO = Path(__file__).resolve().parents[2]


def _draft(store) -> str:
    with store.unit_of_work() as s:
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="ivanova",
                                        now=store.now())
    return case_id


def _answers(store, case_id: str) -> dict:
    with store.reading() as s:
        return s.get(Case, case_id).answers


def test_changes_are_coalesced_and_the_last_one_wins(store) -> None:
    events: queue.Queue = queue.Queue()
    worker = StoreWorker(store, events).start()
    saved: list[str] = []
    autosaver = DraftAutosaver(worker, clock=store.clock, on_saved=saved.append)
    case_id = _draft(store)
    gate = threading.Event()
    worker.submit(lambda s: gate.wait(10), kind="hold")  # keep the worker busy meanwhile
    for n in range(20):
        autosaver.changed(case_id, passport_answers(birth_place=f"г. Москва, шаг {n}"))
    assert set(autosaver.unsaved) == {case_id}
    gate.set()
    assert autosaver.wait(10)
    worker.stop()
    assert saved == [case_id, case_id]  # the first change, then only the newest of the other 19
    assert _answers(store, case_id)["birth_place"] == "г. Москва, шаг 19"
    assert autosaver.unsaved == {}
    kinds = []
    while not events.empty():
        kind, done = events.get_nowait()
        assert kind == "store" and done.ok
        kinds.append(done.kind)
    assert kinds == ["hold", "save_draft", "save_draft"]


def test_worker_reports_refusals_as_events(store) -> None:
    events: queue.Queue = queue.Queue()
    worker = StoreWorker(store, events).start()
    future = worker.submit(lambda s: cases.change_status(s, "0000-000-000000-0000", "sent", actor="x",
                                                         now=store.now()), kind="status")
    with pytest.raises(Exception, match="не найдено"):
        future.result(10)
    worker.stop()
    _kind, done = events.get_nowait()
    assert not done.ok and "не найдено" in done.user_message and not done.changes


CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from storekit import Clock, catalog, passport_answers
    from workstation.core import cases, device
    from workstation.core.autosave import DraftAutosaver
    from workstation.core.database import open_database
    from workstation.core.worker import StoreWorker

    store = open_database(Path(sys.argv[1]), bytes.fromhex(os.environ["STORE_KEY"]), clock=Clock())
    with store.unit_of_work() as s:
        device.configure_device(s, "0101", "001")
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="ivanova",
                                        now=store.now())
    print("CASE", case_id, flush=True)
    autosaver = DraftAutosaver(StoreWorker(store).start(), clock=store.clock)
    step = 0
    while True:  # typing, field after field, until the power goes
        step += 1
        autosaver.changed(case_id, passport_answers(birth_place=f"шаг {{step}}"))
        if step % 10 == 0:
            autosaver.wait(10)
            print("SAVED", step, flush=True)
""")


def test_draft_survives_kill_9_mid_intake(tmp_path: Path) -> None:
    key = os.urandom(32)
    script = tmp_path / "intake.py"
    script.write_text(CHILD.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    db = tmp_path / "store.db"
    env = {**os.environ, "STORE_KEY": key.hex()}
    child = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True, env=env,
                             cwd=REPO)
    assert child.stdout is not None
    case_id, last_saved = None, 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            if line.startswith("CASE"):
                case_id = line.split()[1]
            elif line.startswith("SAVED"):
                last_saved = int(line.split()[1])
                if last_saved >= 60:
                    break
        os.kill(child.pid, signal.SIGKILL)  # mid-intake: saves keep running right up to here
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert case_id is not None and last_saved >= 60

    store = open_database(db, key, clock=Clock())
    try:
        with store.reading() as s:
            assert s.execute(text("PRAGMA quick_check")).scalar() == "ok"
            drafts = cases.drafts(s, specialist="ivanova")
            assert [d.id for d in drafts] == [case_id]
            reached = int(drafts[0].answers["birth_place"].removeprefix("шаг "))
        assert reached >= last_saved  # everything confirmed saved is there (maybe a little more)
        assert drafts[0].answers["applicant"]["surname"] == "Соколова"
    finally:
        store.close()


def _can(cmd: list[str]) -> bool:
    return os.geteuid() == 0 and subprocess.run(cmd, capture_output=True).returncode == 0


def test_disk_full_keeps_the_draft_in_memory_until_it_fits(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    if not _can(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)]):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    store = None
    try:
        store = open_database(mount / "store.db", os.urandom(32), clock=Clock())
        with store.unit_of_work() as s:
            device.configure_device(s, "0101", "001")
        case_id = _draft(store)
        worker = StoreWorker(store).start()
        errors: list[BaseException] = []
        autosaver = DraftAutosaver(worker, clock=store.clock, on_error=lambda _id, exc: errors.append(exc))
        huge = passport_answers(loss_circumstances="x" * 3_000_000)
        autosaver.changed(case_id, huge)
        assert autosaver.wait(30)
        assert isinstance(errors[-1], DiskFull) and "место" in errors[-1].user_message
        assert autosaver.unsaved[case_id].answers == huge  # still in memory
        assert _answers(store, case_id) == {}  # nothing half-written
        autosaver.changed(case_id, passport_answers(birth_place="после очистки диска"))
        assert autosaver.wait(30)
        assert autosaver.unsaved == {}
        assert _answers(store, case_id)["birth_place"] == "после очистки диска"
        with store.reading() as s:
            assert s.execute(text("PRAGMA quick_check")).scalar() == "ok"
        worker.stop()
    finally:
        if store is not None:
            store.close()
        subprocess.run(["umount", str(mount)], check=False)


def test_read_only_files_keep_the_draft_in_memory_then_save(tmp_path: Path, clock: Clock) -> None:
    root = tmp_path / "data"
    store = open_configured(root, clock)
    # Not the -shm file: it is memory-mapped, and an immutable mapping kills the process (SIGBUS)
    # instead of failing a write — a lab artefact; a medium going read-only fails the WAL write first.
    files = [root, root / "store.db", root / "store.db-wal"]
    try:
        case_id = _draft(store)
        worker = StoreWorker(store).start()
        autosaver = DraftAutosaver(worker, clock=store.clock)
        autosaver.changed(case_id, passport_answers(birth_place="до"))
        assert autosaver.wait(10) and autosaver.unsaved == {}
        if not _can(["chattr", "+i", *map(str, files)]):
            pytest.skip("cannot make files immutable here (needs root and chattr)")
        try:
            autosaver.changed(case_id, passport_answers(birth_place="после"))
            assert autosaver.wait(30)
            assert isinstance(autosaver.last_error, StoreWriteFailed)
            assert "только для чтения" in autosaver.last_error.user_message
            assert autosaver.unsaved[case_id].answers["birth_place"] == "после"
        finally:
            subprocess.run(["chattr", "-i", *map(str, files)], check=False)
        autosaver.flush()  # the UI's 5-second timer
        assert autosaver.wait(30) and autosaver.unsaved == {}
        assert _answers(store, case_id)["birth_place"] == "после"
        worker.stop()
    finally:
        store.close()
        keys.forget_key(root)
