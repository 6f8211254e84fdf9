"""Helpers for the sync tests: server databases (SQLite file or a throw-away PostgreSQL schema),
a real uvicorn server on a free loopback port, and workstations with real encrypted stores."""

from __future__ import annotations

import copy
import functools
import os
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, text

from forms.compiler import compile_folder
from forms.engine import Context, example_answers
from forms.loader import builtin_folder
from forms.model import Catalog
from sync.client import SyncClient, SyncSummary, enrol, make_session
from sync.server import admin
from sync.server.app import create_app
from sync.server.config import Settings
from sync.server.db import answers, make_engine, migrate
from sync.server.schema import metadata as schema_metadata
from workstation.core import cases, demo
from workstation.core.database import Store, open_database
from workstation.core.models import Case
from workstation.core.sync_adapter import StorePort, save_enrolment

PG_URL = os.environ.get("MFC_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 11, 20, 11, 0, tzinfo=MSK)


@functools.cache
def pg_available() -> bool:
    return answers(PG_URL)


# --- server databases ------------------------------------------------------------------------------
@dataclass
class ServerDb:
    kind: str
    url: str
    engine: Engine
    schema: str | None = None

    def drop(self) -> None:
        self.engine.dispose()
        if self.schema:
            admin_engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin_engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            admin_engine.dispose()

    def wipe(self) -> None:
        """Empty every table and start a new epoch (a fresh server, same schema)."""
        from sync.server.schema import metadata

        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        from sync.server.db import ensure_meta

        ensure_meta(self.engine)


def new_server_db(kind: str, folder: Path) -> ServerDb:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'server.db'}"
        engine = make_engine(url, pool_size=10)
        migrate(engine)
        return ServerDb(kind, url, engine)
    schema = f"mfc_t_{secrets.token_hex(5)}"
    admin_engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin_engine.dispose()
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url, pool_size=10)
    migrate(engine)
    return ServerDb(kind, url, engine, schema)


def settings_for(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"rate_per_second": 10_000.0, "rate_burst": 10_000.0,
                              "login_rate_per_second": 10_000.0, "login_burst": 10_000.0}
    values.update(overrides)
    return Settings(database_url=url, **values)


# --- a real server on loopback ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving `app` in a thread on 127.0.0.1:<free port>; stopped by `stop()`."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                access_log=False, timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(db: ServerDb, **settings: Any) -> tuple[LiveServer, FastAPI]:
    app = create_app(settings_for(db.url, **settings), engine=db.engine)
    return LiveServer(app).start(), app


# --- the catalog and valid cases ---------------------------------------------------------------------
@functools.cache
def catalog() -> Catalog:
    result = compile_folder(builtin_folder())
    assert result.catalog is not None
    return result.catalog


@functools.cache
def case_inputs(service_id: str, day: date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    service = catalog().services[service_id]
    answers = example_answers(service)
    result, docs = demo.checked(service, catalog(), answers, Context(today=day))
    assert result.ok, [i.text for i in result.errors]
    return answers, docs


SERVICES = ("passport-rf", "zags-duplicate", "snils-registration", "criminal-record-certificate")
EDIT_FIELDS = ("phone", "email", "notify_by")  # what the stateful test edits


# --- workstations ------------------------------------------------------------------------------------
class Clock:
    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.base = START
        self.offset = offset

    def __call__(self) -> datetime:
        return self.base + self.offset

    def advance(self, **kwargs: float) -> None:
        self.base += timedelta(**kwargs)


@dataclass
class Workstation:
    """A workstation: an encrypted store in its own folder, the adapter and a sync client."""

    root: Path
    base_url: str
    token: str
    device_id: str
    office: str
    clock: Clock
    session: requests.Session | None = None
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    store: Store = field(init=False)
    port: StorePort = field(init=False)
    client: SyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.open()

    def open(self) -> None:
        self.store = open_database(self.root / "store.db", self.key, clock=self.clock)
        self.port = StorePort(self.store)
        self.client = SyncClient(self.base_url, self.token, session=self.session or make_session(),
                                 timeout=(3.0, 20.0))

    def restart(self) -> None:
        """The process ended (killed): what was committed stays, nothing else does."""
        self.store.close()
        self.open()

    def close(self) -> None:
        self.store.close()

    # --- work at the window ---------------------------------------------------------------------
    def accept(self, service_id: str = "passport-rf", **answer_changes: Any) -> str:
        answers, docs = case_inputs(service_id, START.date())
        answers = {**copy.deepcopy(answers), **answer_changes}
        now = self.clock()
        with self.store.unit_of_work() as s:
            case_id, _ = cases.start_intake(s, catalog=catalog(), service_id=service_id, specialist="ivanova",
                                            now=now, answers=answers, documents=docs)
        with self.store.unit_of_work() as s:
            cases.accept(s, case_id, catalogs=catalog(), actor="ivanova", now=now)
        return case_id

    def set_status(self, case_id: str, status: str, reason: str | None = None) -> None:
        with self.store.unit_of_work() as s:
            cases.change_status(s, case_id, status, actor="ivanova", now=self.clock(), reason=reason)

    def edit(self, case_id: str, **fields: Any) -> None:
        from workstation.core.sync_adapter import edit_case

        with self.store.unit_of_work() as s:
            edit_case(s, case_id, fields, actor="ivanova", now=self.clock())

    def sync(self) -> SyncSummary:
        return self.client.sync(self.port)

    # --- what it holds --------------------------------------------------------------------------
    def cases(self) -> dict[str, dict[str, Any]]:
        with self.store.reading() as s:
            return {c.id: {"status": c.status, "answers": c.answers, "notify_by": c.notify_by,
                           "conflict": c.conflict, "server_version": c.server_version, "number": c.number,
                           "office_code": c.office_code, "conflict_data": c.conflict_data}
                    for c in s.query(Case).filter(Case.status != "draft")}

    def case(self, case_id: str) -> dict[str, Any]:
        return self.cases()[case_id]


def add_workstation(db: ServerDb, base_url: str, root: Path, *, office: str = "0101", name: str | None = None,
                    clock: Clock | None = None, session: requests.Session | None = None) -> Workstation:
    """Register a device on the server, enrol it over HTTP and configure its store."""
    new = admin.add_device(db.engine, office=office, name=name or f"ws-{uuid.uuid4().hex[:6]}")
    clock = clock or Clock()
    key = secrets.token_bytes(32)
    store = open_database(root / "store.db", key, clock=clock)
    with store.reading() as s:
        from workstation.core.device import get_device

        local_id = get_device(s).device_id
    answer = enrol(base_url, new.code, local_device_id=local_id)
    with store.unit_of_work() as s:
        save_enrolment(s, url=base_url, device_id=answer.device_id, name=answer.name, office_code=answer.office_code,
                       workstation_code=answer.workstation_code, epoch=answer.epoch, now=clock())
    store.close()
    return Workstation(root, base_url, answer.token, answer.device_id, office, clock, session=session, key=key)


def server_cases(db: ServerDb) -> dict[str, dict[str, Any]]:
    import json

    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, office_code, status, version, conflict, data FROM cases"))
        return {r.id: {"office_code": r.office_code, "status": r.status, "version": r.version,
                       "conflict": bool(r.conflict), "data": json.loads(r.data)} for r in rows}


def snapshot(db: ServerDb) -> dict[str, list[dict[str, Any]]]:
    """Every row of the server database: what a backup holds."""
    with db.engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in schema_metadata.sorted_tables}


def restore(db: ServerDb, snap: dict[str, list[dict[str, Any]]]) -> None:
    """Put the database back as it was at `snap` (what restoring a backup does)."""
    with db.engine.begin() as conn:
        for table in reversed(schema_metadata.sorted_tables):
            conn.execute(table.delete())
        for table in schema_metadata.sorted_tables:
            if snap[table.name]:
                conn.execute(table.insert(), snap[table.name])
        if db.kind == "postgresql":
            for name in ("changes", "case_history"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"GREATEST((SELECT max(id) FROM {name}), 1))"))
