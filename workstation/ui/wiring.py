"""The real backends: the store (`workstation.core.ui_backends`), printing, and the sync status.

`open_backends(data)` opens the store of the data directory (key from the OS keyring), starts
its `StoreWorker`, makes the first-start demo codes and account, and returns the `Backends` the
screens use. A store that cannot be opened raises its `StoreError` (Russian `user_message`);
`run()` shows that in an error screen instead of the app.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.paths import DataPaths
from workstation.ui import texts as t
from workstation.ui.demo import DemoSync
from workstation.ui.errors import UserError
from workstation.ui.ports import (
    PDF_ONLY,
    AcceptedCase,
    ApplicantCard,
    ApplicantRow,
    Backends,
    CaseRow,
    DeviceIdentity,
    DraftRecord,
    PrinterChoice,
    StaffInfo,
    SyncState,
)

if TYPE_CHECKING:
    from forms.model import Catalog
    from workstation.core.database import Store
    from workstation.core.ui_backends import FirstStart, Paper, StoreCases, StorePrinting
    from workstation.core.worker import StoreWorker

UI_TYPES = {"CaseRow": CaseRow, "DraftRecord": DraftRecord, "AcceptedCase": AcceptedCase,
            "DeviceIdentity": DeviceIdentity, "ApplicantRow": ApplicantRow, "ApplicantCard": ApplicantCard}


class UiPrinting:
    """`Printing` plus what the print preview needs; a `PrinterError` becomes a `UserError`."""

    def __init__(self, printing: StorePrinting, cases: StoreCases, *,
                 lister: Callable[[], Sequence[Any]] | None = None) -> None:
        self._printing = printing
        self._cases = cases
        self.lister = lister  # None: printing.list_printers (CUPS / Windows); tests may pass another

    def printers(self) -> list[PrinterChoice]:
        """The system's printers, the default first (IO lane: `lpstat` may take a while)."""
        from printing import PrinterError, list_printers

        try:
            found = (self.lister or list_printers)()
        except PrinterError as exc:
            raise UserError(t.SETTINGS_PRINTERS_FAILED.format(detail=exc.message)) from None
        choices = [PrinterChoice(p.name, bool(p.default), bool(p.enabled and p.accepting)) for p in found]
        return sorted(choices, key=lambda c: (not c.default, c.name.casefold()))

    def _printer(self, printer: str) -> str:
        return printer or self._cases.printer()

    def papers(self, case_ids: Sequence[str]) -> list[Paper]:
        """The application of every case, then one receipt (a life situation's is combined)."""
        papers: list[Paper] = []
        for ref in case_ids:
            papers += self._printing.papers(ref, ("application",))
        if case_ids:
            papers += self._printing.papers(case_ids[0], ("receipt",))
        return papers

    def issuance(self, ref: str) -> list[Paper]:
        return self._printing.papers(ref, ("issuance",))

    def send(self, ref: str, papers: Sequence[Paper], printer: str) -> list[Path]:
        from printing import PrinterError, keep_pdf

        if self._printer(printer) == PDF_ONLY:  # «Сохранить в PDF (без печати)»: kept, not printed
            return [keep_pdf(paper.pdf, self._printing.folder, paper.name) for paper in papers]
        try:
            return self._printing.send(ref, papers, self._printer(printer))
        except PrinterError as exc:
            raise UserError(t.PRINT_FAILED.format(detail=str(exc))) from None

    def print_case(self, case_id: str, printer: str) -> None:
        if not case_id:
            raise UserError(t.PRINT_NOTHING)
        self.send(case_id, self.papers([case_id]), printer)

    def remember_printer(self, name: str) -> None:
        # «PDF only» is this workstation's choice; the CLI (`mfc-workstation print`) prints to the default
        self._cases.set_printer("" if name == PDF_ONLY else name)


class NotEnrolledSync(DemoSync):
    """The device is not enrolled with a sync server: offline, and the status bar says so."""

    def current(self) -> SyncState:
        return SyncState(online=False, pending=self._pending(), enrolled=False)


_NORMAL_SWITCH = sys.getswitchinterval()
SYNC_SWITCH = 0.001  # seconds


def _switch_faster(syncing: bool) -> None:
    """While a sync runs, a thread waiting for the GIL gets it after 1 ms instead of 5.

    The sync worker is busy in Python (building rows from pages) while the Tk thread releases and
    retakes the GIL around every Tcl call; each retake waited up to the switch interval, and a
    drawing turn makes many (the convoy effect): ticks of 10 ms came 40–60 ms apart."""
    sys.setswitchinterval(SYNC_SWITCH if syncing else _NORMAL_SWITCH)


# Records per changes page for the app's sync client. The client parses a page with orjson in one
# C call that holds the GIL throughout (no thread switch can happen inside it): a 500-record page
# (≈1.2 MB) took 5–38 ms on the prefetch thread on a busy two-core machine, and the Tk thread
# waited all that time (the gaps of 40–60 ms). 100 records (≈240 KB) parse in a few ms; the sync
# of 10,000 changes took as long as with 500 (the prefetch thread keeps up to 12 pages ahead).
APP_PAGE_SIZE = 100


def app_sync_client(url: str, token: Any) -> Any:
    """The `sync.client.SyncClient` the app syncs with (`token`: a string or a callable)."""
    from sync.client import SyncClient

    return SyncClient(url, token, page_size=APP_PAGE_SIZE)


class SyncBridge:
    """`SyncStatus` over `sync.client.SyncWorker`: its `SyncStatus` as our `SyncState`, plus the
    «case changed status» lines the `NoticingPort` collected during a pull."""

    def __init__(self, worker: Any, port: Any) -> None:
        self.worker = worker
        self.port = port

    def _state(self, status: Any) -> SyncState:
        _switch_faster(status.progress is not None)
        notices = self.port.take_notices() if hasattr(self.port, "take_notices") else []
        notice = " ".join(notices) or status.notice or ""
        return SyncState(online=status.online, pending=status.pending, last_sync=status.last_sync,
                         progress=status.progress, notice=notice)

    def current(self) -> SyncState:
        return self._state(self.worker.current())

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        return self.worker.subscribe(lambda status: listener(self._state(status)))  # type: ignore[no-any-return]

    def kick(self) -> None:
        self.worker.kick()

    def stop(self) -> None:
        self.worker.stop()


def start_sync(store: Store, worker: StoreWorker, data: DataPaths, *, client: Any = None,
               interval: float = 30.0) -> SyncBridge | None:
    """A `SyncWorker` when the device is enrolled (server in the store, token in the keyring), else None."""
    from sync.client import SyncWorker, TokenStore
    from workstation.core import sync_adapter
    from workstation.core.ui_backends import NoticingPort, sync_server

    info = sync_server(worker)
    if info is None:
        return None
    if client is None:
        client = app_sync_client(info["url"], TokenStore(sync_adapter.token_user(data.root)).get)
    from forms.versions import CatalogLibrary

    port = NoticingPort(sync_adapter.StorePort(store, CatalogLibrary(data.catalogs)), store)
    return SyncBridge(SyncWorker(client, port, interval=interval).start(), port)


@dataclass
class StoreBackends:
    store: Store
    worker: StoreWorker
    backends: Backends
    cases: StoreCases
    printing: UiPrinting
    first: FirstStart
    sync: SyncBridge | None = None

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        self.cases.autosaver.wait(10)
        self.worker.stop()
        self.store.close()


def open_backends(data: DataPaths, *, catalog: Callable[[], Catalog] | None = None,
                  send: Callable[..., Any] | None = None, today: Callable[[], date] | None = None,
                  demo_password: str | None = None, sync_client: Any = None,
                  sync_interval: float = 30.0) -> StoreBackends:
    """Open the store and build the backends; `send` replaces `printing.send_to_printer` (tests)."""
    from workstation.core.database import open_store
    from workstation.core.ui_backends import (
        StoreAccounts,
        StoreApplicants,
        StoreCaseCards,
        StoreCases,
        StoreDevice,
        StorePrinting,
        first_start,
    )
    from workstation.core.worker import StoreWorker
    from workstation.ui.demo import builtin_catalog_loader

    data.ensure()
    store = open_store(data.root)
    worker = StoreWorker(store).start()
    try:
        first = first_start(worker, password=demo_password)
        load = catalog or builtin_catalog_loader(data.catalogs)
        cases = StoreCases(worker, load, types=UI_TYPES, today=today)
        staff: dict[str, str] = {}

        def make_staff(login: str, full_name: str, role: str, position: str) -> StaffInfo:
            staff["login"] = login
            return StaffInfo(login, full_name, role, position)

        printing = UiPrinting(StorePrinting(worker, lambda: cases.catalog, data.pdf, send=send,
                                            actor=lambda: staff.get("login", "")), cases)

        def pending() -> int:
            from sqlalchemy import text

            return int(worker.call(lambda s: s.execute(text("SELECT count(*) FROM outbox")).scalar() or 0,
                                   kind="pending", write=False))

        cards = StoreCaseCards(worker, cases.title, catalog=lambda: cases.catalog)
        bridge = start_sync(store, worker, data, client=sync_client, interval=sync_interval)
        if bridge is not None:
            cases.on_change = cards.on_change = bridge.kick
        sync: SyncBridge | NotEnrolledSync = bridge or NotEnrolledSync(pending)
        if isinstance(sync, NotEnrolledSync):
            cases.on_change = cards.on_change = sync.changed
        backends = Backends(accounts=StoreAccounts(worker, staff_info=make_staff), cases=cases, drafts=cases,
                            intake=cases, printing=printing, sync=sync, usage=cases,
                            catalog=lambda: cases.catalog, cards=cards, device=StoreDevice(worker, types=UI_TYPES),
                            applicants=StoreApplicants(worker, types=UI_TYPES))
    except BaseException:
        worker.stop()
        store.close()
        raise
    return StoreBackends(store, worker, backends, cases, printing, first, bridge)


# --- opening the store without holding up the window ------------------------------------------------
_METHODS = {
    "accounts": frozenset({"authenticate", "demo_account"}),
    "cases": frozenset({"todays_cases", "open_drafts", "ready_for_issuance", "save_draft", "load_draft",
                        "discard_draft", "accept", "frequencies", "record", "printer", "set_printer",
                        "conflicted_cases"}),
    "printing": frozenset({"papers", "issuance", "send", "print_case", "remember_printer", "printers"}),
    "cards": frozenset({"search", "card", "change_status", "resolve_conflict"}),
    "device": frozenset({"identity", "set_codes"}),
    "applicants": frozenset({"find", "card"}),
}
_PORTS = {"accounts": "accounts", "cases": "cases", "drafts": "cases", "intake": "cases", "usage": "cases",
          "printing": "printing", "cards": "cards", "device": "device", "applicants": "applicants"}


class _Port:
    """A port whose methods wait for the store to open (they run on a worker lane, never on Tk's)."""

    def __init__(self, opener: DeferredBackends, port: str) -> None:
        self._opener = opener
        self._port = port

    def __getattr__(self, name: str) -> Any:
        if name not in _METHODS[_PORTS[self._port]]:
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            real = getattr(self._opener.opened().backends, self._port)
            return getattr(real, name)(*args, **kwargs)

        return call


class _DeferredSync:
    def __init__(self, opener: DeferredBackends) -> None:
        self._opener = opener
        self._lock = threading.Lock()
        self._listeners: dict[int, tuple[Callable[[SyncState], None], Callable[[], None] | None]] = {}
        self._ids = iter(range(1, 1 << 30))
        opener.future.add_done_callback(lambda _f: self._attach())

    def current(self) -> SyncState:
        return self._opener.opened().backends.sync.current()

    def _attach(self) -> None:
        if self._opener.future.exception() is not None:
            return
        real = self._opener.future.result().backends.sync
        with self._lock:
            for key, (listener, _none) in list(self._listeners.items()):
                self._listeners[key] = (listener, real.subscribe(listener))
            listeners = [listener for listener, _u in self._listeners.values()]
        state = real.current()
        for listener in listeners:
            listener(state)

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        key = next(self._ids)
        future = self._opener.future
        with self._lock:
            self._listeners[key] = (listener, None)
        if future.done() and future.exception() is None:
            with self._lock:
                self._listeners[key] = (listener, future.result().backends.sync.subscribe(listener))

        def remove() -> None:
            with self._lock:
                _listener, unsubscribe = self._listeners.pop(key, (None, None))
            if unsubscribe is not None:
                unsubscribe()

        return remove


class DeferredBackends:
    """`open_backends(data)` on a thread of its own, so the login window shows at once.

    `backends()` returns at once; every port method waits for the store on the lane it runs on.
    `future` ends with the `StoreBackends` or the `StoreError` that `run()` shows.
    """

    def __init__(self, data: DataPaths, *, start: bool = True, **kwargs: Any) -> None:
        from concurrent.futures import Future

        self.future: Future[StoreBackends] = Future()
        self._thread = threading.Thread(target=self._open, args=(data, kwargs), name="store-open", daemon=True)
        self._start_lock = threading.Lock()
        self._started = False
        if start:
            self.start()

    def start(self) -> None:
        """Begin opening (idempotent). `run()` calls it once the login window is on screen, so the
        opening's imports and migrations do not compete with drawing the first window."""
        with self._start_lock:
            if not self._started:
                self._started = True
                self._thread.start()

    def _open(self, data: DataPaths, kwargs: dict[str, Any]) -> None:
        try:
            self.future.set_result(open_backends(data, **kwargs))
        except BaseException as exc:
            self.future.set_exception(exc)

    def opened(self) -> StoreBackends:
        return self.future.result()

    def backends(self) -> Backends:
        def catalog() -> Catalog:
            return self.opened().backends.catalog()

        ports = {name: _Port(self, name) for name in _PORTS}
        return Backends(accounts=ports["accounts"], cases=ports["cases"], drafts=ports["drafts"],  # type: ignore[arg-type]
                        intake=ports["intake"], printing=ports["printing"], sync=_DeferredSync(self),  # type: ignore[arg-type]
                        usage=ports["usage"], catalog=catalog, cards=ports["cards"],  # type: ignore[arg-type]
                        device=ports["device"], applicants=ports["applicants"])

    def close(self) -> None:
        if not self._started:
            return
        self._thread.join(30)
        if self.future.done() and self.future.exception() is None:
            self.future.result().close()
