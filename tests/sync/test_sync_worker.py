"""The background worker and its status, backoff with jitter, and the contract between the two
lifecycles and between the migrations and the schema."""

from __future__ import annotations

import random
import time
from pathlib import Path

from sqlalchemy import create_engine
from synckit import ServerDb, add_workstation, serve

from sync.client import Backoff, SyncStatus, SyncWorker
from sync.server import admin, lifecycle


def _wait(predicate: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_backoff_grows_with_full_jitter_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(7))
    waits = [backoff.next() for _ in range(12)]
    assert all(0 <= w <= min(60.0, 2.0**i) for i, w in enumerate(waits))
    assert max(waits[6:]) > 8  # it grows …
    assert len({round(w, 6) for w in waits}) == len(waits)  # … and never in step
    assert backoff.next(at_least=30.0) >= 30.0  # a Retry-After is respected
    backoff.reset()
    assert backoff.next() <= 1.0


def test_worker_syncs_reports_status_and_backs_off(server_db: ServerDb, tmp_path: Path) -> None:
    live, _app = serve(server_db)
    ws = add_workstation(server_db, live.url, tmp_path / "ws")
    seen: list[SyncStatus] = []
    worker = SyncWorker(ws.client, ws.port, interval=0.2, backoff=Backoff(base=0.05, cap=0.2))
    unsubscribe = worker.subscribe(seen.append)
    try:
        ws.accept()
        assert ws.port.pending_count() == 2
        worker.start()
        _wait(lambda: worker.current().last_sync is not None and worker.current().pending == 0)
        status = worker.current()
        assert status.online and status.state == "idle" and status.last_error is None
        assert any(s.state == "syncing" for s in seen)
        live.stop()  # the server goes away
        ws.accept()
        worker.kick()
        _wait(lambda: worker.current().state == "offline")
        runs = worker.runs
        _wait(lambda: worker.runs >= runs + 3)  # it keeps trying, with backoff
        offline = worker.current()
        assert not offline.online and offline.last_error and offline.pending >= 1
        assert offline.last_sync == status.last_sync
        live, _app = serve(server_db)  # back, on another port: point the client at it
        ws.client.base_url = live.url
        worker.kick()
        _wait(lambda: worker.current().state == "idle" and worker.current().pending == 0)
        admin.revoke_device(server_db.engine, ws.device_id)
        worker.kick()
        _wait(lambda: worker.current().state == "unauthorised")
        assert "подключ" in (worker.current().last_error or "")
    finally:
        unsubscribe()
        worker.stop()
        live.stop()
        ws.close()


def test_worker_stops_promptly(server_db: ServerDb, tmp_path: Path) -> None:
    live, _app = serve(server_db)
    ws = add_workstation(server_db, live.url, tmp_path / "ws")
    worker = SyncWorker(ws.client, ws.port, interval=3600).start()
    try:
        _wait(lambda: worker.runs >= 1 and worker.current().state == "idle")
        started = time.monotonic()
        worker.stop()
        assert time.monotonic() - started < 2
    finally:
        live.stop()
        ws.close()


def test_server_lifecycle_matches_the_workstation() -> None:
    from workstation.core import lifecycle as local

    assert {s.value: {t.value for t in targets} for s, targets in local.TRANSITIONS.items()} == \
        {s: set(t) for s, t in lifecycle.TRANSITIONS.items()}
    assert {s.value for s in local.NEEDS_REASON} == set(lifecycle.NEEDS_REASON)


def test_migrations_build_the_declared_schema(server_db: ServerDb) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from sync.server.schema import metadata

    engine = create_engine(server_db.url) if server_db.kind == "postgresql" else server_db.engine
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
