"""Sync figures: a fresh workstation pulling 100,000 changes, idle polls against two server
processes, one workstation pushing 10,000 cases; and (full run) a larger fault-injection campaign.

The server runs as real `mfc-server serve` processes on 127.0.0.1 (started here, stopped by
pid), on PostgreSQL (127.0.0.1:5432, database `test`, a throw-away schema) when it answers, else
on an SQLite file. Workstations are real encrypted stores. Every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import copy
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import Engine, create_engine, insert, text

from bench.figures import Figure
from sync.server.db import answers

PG_URL = os.environ.get("MFC_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[1]


# --- the server ------------------------------------------------------------------------------------
@dataclass
class BenchDb:
    kind: str
    url: str
    engine: Engine
    schema: str | None
    folder: Path

    def drop(self) -> None:
        self.engine.dispose()
        if self.schema:
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            admin.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)


def new_db() -> BenchDb:
    from sync.server.db import make_engine, migrate

    folder = Path(tempfile.mkdtemp(prefix="mfc-sync-bench-"))
    if answers(PG_URL):
        schema = f"mfc_bench_{secrets.token_hex(4)}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        kind = "postgresql"
    else:
        schema, kind = None, "sqlite"
        url = f"sqlite:///{folder / 'server.db'}"
    engine = make_engine(url, pool_size=2)
    migrate(engine)
    return BenchDb(kind, url, engine, schema, folder)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(db: BenchDb, workers: int) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "MFC_SERVER_RATE": "100000", "MFC_SERVER_RATE_BURST": "100000",
           "MFC_SERVER_PAGE_MAX": "1000", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sync.server", "serve", "--port", str(port), "--workers",
                             str(workers), "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the bench server did not start")
            time.sleep(0.1)
        time.sleep(0.5 * workers)  # let every worker process come up
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- data --------------------------------------------------------------------------------------------
def _templates() -> tuple[dict[str, Any], dict[str, Any]]:
    """A realistic case record and applicant card (the passport service's catalog example)."""
    from forms.compiler import compile_folder
    from forms.engine import example_answers
    from forms.loader import builtin_folder

    catalog = compile_folder(builtin_folder()).catalog
    assert catalog is not None
    service = catalog.services["passport-rf"]
    answers = example_answers(service)
    applicant = {"surname": "Соколова", "name": "Анна", "patronymic": "Петровна", "sex": "female",
                 "birth_date": "1984-03-15", "birth_place": "г. Москва", "snils": "11223344595", "inn": None,
                 "phone": "+79161234567", "email": "anna@example.ru",
                 "address": {"city": "Москва", "street": "ул. Тверская", "house": "7", "flat": "12"},
                 "privileges": [], "version": 1}
    record = {"status": "accepted", "service_id": service.id, "catalog_version": catalog.version,
              "form_version": service.form_version, "bundle_id": None, "answers": answers,
              "documents": [{"doc": "old-passport", "originals": 1, "copies": 0, "sheets": 1},
                            {"doc": "photo-35x45", "originals": 2, "copies": 0, "sheets": 1}],
              "privileges": [], "fee": {"amount": "300", "full_amount": "300", "tariff": "passport-rf",
                                        "exempt_by": None},
              "accepted_at": "2026-11-20T10:00:00+03:00", "accepted_on": "2026-11-20", "due_date": "2026-11-27",
              "channel": "window", "office_code": "0101", "workstation_code": "001", "specialist": "ivanova",
              "intake_started_at": "2026-11-20T09:50:00+03:00", "intake_finished_at": "2026-11-20T10:00:00+03:00",
              "notify_by": "sms", "assigned_to": None, "version": 1, "conflict": False, "conflict_data": None,
              "history": [{"from": "draft", "to": "accepted", "at": "2026-11-20T10:00:00+03:00", "actor": "ivanova",
                           "reason": None, "source": "device"}]}
    return record, applicant


def fill_feed(db: BenchDb, count: int, office: str = "0101") -> None:
    """`count` case records of one centre straight into the change feed (what 100,000 pushes leave)."""
    from sync.server import feed, schema
    from workstation.core.ids import new_id  # client-made UUIDv7 ids, as the workstations make them

    record, applicant = _templates()
    now = datetime.now(UTC)
    start = date(2026, 1, 1)
    rows: list[dict[str, Any]] = []
    with db.engine.begin() as conn:
        for i in range(count):
            applicant_id, case_id = new_id(), new_id()
            day = start + timedelta(days=i // 9000)
            card = {**applicant, "id": applicant_id, "snils": f"{i:09d}00",
                    "documents": [{"id": new_id(), "kind": "passport-rf", "series": "4510",
                                   "number": f"{i % 1_000_000:06d}", "issuer": "ГУ МВД России по г. Москве",
                                   "issue_date": "2015-05-05", "division_code": "770-001", "current": True,
                                   "superseded_at": None}]}
            number = f"{office}-{1 + i // 900_000:03d}-{day:%y%m%d}-{i % 9000 + 1:04d}"
            data = {**record, "id": case_id, "number": number,
                    "office_code": office, "applicant_id": applicant_id, "applicant": card}
            rows.append({"audience": f"o:{office}", "kind": "case", "entity_id": case_id, "version": 1,
                         "data": feed.dumps(data), "created_at": now})
            if len(rows) >= 5000:
                conn.execute(insert(schema.changes), rows)
                rows = []
        if rows:
            conn.execute(insert(schema.changes), rows)


def enrolled(db: BenchDb, office: str, name: str, acked: int = 0) -> tuple[str, str, str]:
    from sync.server import admin

    new = admin.add_device(db.engine, office=office, name=name)
    answer = admin.enrol(db.engine, code=new.code, local_device_id=str(uuid.uuid4()), acked_seq=acked)
    return answer.device_id, answer.token, answer.epoch


def workstation(folder: Path, url: str, enrolment: tuple[str, str, str], office: str, workstation_code: str) -> Any:
    from sync.client import SyncClient
    from workstation.core.database import open_database
    from workstation.core.sync_adapter import StorePort, save_enrolment

    device_id, token, epoch = enrolment
    store = open_database(folder / "store.db", secrets.token_bytes(32))
    with store.unit_of_work() as s:
        save_enrolment(s, url=url, device_id=device_id, name="bench", office_code=office,
                       workstation_code=workstation_code, epoch=epoch, now=store.now())
    return store, StorePort(store), SyncClient(url, token, page_size=1000, batch_size=500)


# --- the figures -------------------------------------------------------------------------------------
def bench_pull(quick: bool) -> Figure:
    count = 20_000 if quick else 100_000
    db = new_db()
    try:
        fill_feed(db, count)
        enrolment = enrolled(db, "0101", "pull")
        with server(db, workers=1) as url:
            folder = Path(tempfile.mkdtemp(prefix="mfc-pull-"))
            store, port, client = workstation(folder, url, enrolment, "0101", "901")
            try:
                started = time.perf_counter()
                summary = client.pull_all(port)
                elapsed = time.perf_counter() - started
                assert summary.pulled == count, summary
            finally:
                store.close()
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        db.drop()
    value = elapsed * 100_000 / count
    note = f"{db.kind}; {count:,} pulled in {elapsed:.1f} s" + ("; scaled to 100,000" if quick else "")
    return Figure("pull 100,000 changes into a fresh workstation", value, "s", goal=10.0, note=note)


async def _poll(port: int, tokens: list[tuple[str, str]], total: int, concurrency: int, seconds: float) -> int:
    done = 0
    stop_at = time.monotonic() + seconds

    async def worker(k: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            i = k
            while done < total and time.monotonic() < stop_at:
                token, cursor = tokens[i % len(tokens)]
                i += concurrency
                writer.write((f"GET /v1/changes?cursor={cursor}&limit=300 HTTP/1.1\r\nHost: bench\r\n"
                              f"Authorization: Bearer {token}\r\nIf-None-Match: \"{cursor}\"\r\n"
                              f"Accept-Encoding: gzip\r\n\r\n").encode())
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith((b"HTTP/1.1 304", b"HTTP/1.1 200")):
                    raise RuntimeError(head[:200].decode(errors="replace"))
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length:
                    await reader.readexactly(length)
                done += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return done


def bench_idle_poll(quick: bool) -> Figure:
    total = 6_000 if quick else 30_000
    db = new_db()
    try:
        tokens = [enrolled(db, f"{1 + k % 20:04d}", f"poll-{k}")[:2] for k in range(200)]
        with server(db, workers=2) as url:
            from sync.client import SyncClient

            polls = []
            for _device, token in tokens:  # each device at the head of its feed
                page = SyncClient(url, token).changes(None)
                assert page is not None and not page.changes
                polls.append((token, page.cursor))
            port = int(url.rsplit(":", 1)[1])
            asyncio.run(_poll(port, polls, 500, 16, 10))  # warm-up
            started = time.perf_counter()
            done = asyncio.run(_poll(port, polls, total, 32, 60))
            elapsed = time.perf_counter() - started
    finally:
        db.drop()
    return Figure("idle poll, two server processes", done / elapsed, "req/s", goal=1500.0, lower_is_better=False,
                  note=f"{db.kind}; {done:,} polls (304) from 200 devices, 32 connections, loopback")


def _fill_outbox(store: Any, cases: int) -> int:
    """`cases` accepted cases as the outbox holds them: an applicant card and a case each."""
    from workstation.core.ids import new_id
    from workstation.core.models import Device, OutboxRow

    record, applicant = _templates()
    base = {k: v for k, v in record.items() if k not in ("history", "conflict", "conflict_data")}
    now = datetime.now(UTC)
    rows = []
    seq = 0
    start = date(2026, 1, 1)
    for i in range(cases):
        applicant_id, case_id = new_id(), new_id()
        card = {**copy.deepcopy(applicant), "id": applicant_id, "snils": f"{i:09d}00", "documents": []}
        seq += 1
        rows.append({"id": new_id(), "device_seq": seq, "entity": "applicant", "entity_id": applicant_id,
                     "op": "create", "base_version": None, "payload": card, "created_at": now, "acked_at": None})
        day = start + timedelta(days=i // 9000)
        payload = {**base, "id": case_id, "applicant_id": applicant_id, "workstation_code": "902",
                   "number": f"0101-902-{day:%y%m%d}-{i % 9000 + 1:04d}", "version": 2}
        seq += 1
        rows.append({"id": new_id(), "device_seq": seq, "entity": "case", "entity_id": case_id, "op": "create",
                     "base_version": None, "payload": payload, "created_at": now, "acked_at": None})
    with store.unit_of_work() as s:
        s.execute(insert(OutboxRow), rows)
        s.get(Device, 1).last_seq = seq
    return seq


def bench_push(quick: bool) -> Figure:
    count = 2_000 if quick else 10_000
    db = new_db()
    try:
        enrolment = enrolled(db, "0101", "push")
        with server(db, workers=1) as url:
            folder = Path(tempfile.mkdtemp(prefix="mfc-push-"))
            store, port, client = workstation(folder, url, enrolment, "0101", "902")
            try:
                mutations = _fill_outbox(store, count)
                started = time.perf_counter()
                summary = client.push_all(port)
                elapsed = time.perf_counter() - started
                assert summary.pushed == mutations and port.pending_count() == 0, summary
            finally:
                store.close()
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        db.drop()
    value = elapsed * 10_000 / count
    note = f"{db.kind}; {count:,} cases ({mutations:,} mutations) in {elapsed:.1f} s" + \
        ("; scaled to 10,000" if quick else "")
    return Figure("push 10,000 cases from one workstation", value, "s", goal=5.0, note=note)


def campaign() -> Figure:
    """The fault-injection state machine with many more examples than the test suite runs."""
    env = {**os.environ, "MFC_SYNC_EXAMPLES": "60", "MFC_SYNC_STEPS": "50", "MFC_SYNC_RANDOM": "1"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                             str(ROOT / "tests" / "sync" / "test_sync_stateful.py")], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-5000:])
    return Figure("fault-injection campaign failures (60 examples × 50 steps × 2 DBs)",
                  float(result.returncode != 0), "fail", goal=0.0, note=f"{elapsed:.0f} s")


def run(quick: bool) -> list[Figure]:
    figures = [bench_pull(quick), bench_idle_poll(quick), bench_push(quick)]
    if not quick:
        figures.append(campaign())
    return figures
