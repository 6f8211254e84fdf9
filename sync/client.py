"""The workstation's side of sync: HTTP client, push and pull loops, retries, a background worker.

It imports nothing of the workstation: the local store is reached through `LocalPort`, which
`workstation/core/sync_adapter.py` implements. What the port must promise:

* `pending(limit)` — outbox rows not yet acknowledged, as `Mutation`s, in sequence order;
* `record_push(response)` — in one transaction: acknowledge rows up to `last_applied_seq`,
  record permanent rejections (shown to the person, never retried), remember the epoch;
* `apply_pages(pages, catalogs)` — in one transaction: apply every record of these consecutive
  pages and save the last one's cursor (a crash before the commit leaves the old cursor, and
  re-applying is harmless). While catching up, several pages share one transaction (one fsync
  per few thousand records, not per page); the next pages are fetched while these are applied;
* `rebase(epoch, last_applied_seq)` — the server lost what it had acknowledged (restored from a
  backup): un-acknowledge rows above `last_applied_seq`, forget the cursor, take the new epoch;
* `renumber(last_applied_seq)` — the server already holds our sequence numbers for other
  mutations (the local store was restored from its own backup): move pending rows above it.

Errors (all `SyncError`; the message is Russian and can be shown as is):

    SyncError
    ├── Transient            try again later (with backoff)
    │   ├── Offline          no connection, timeout, the connection dropped mid-answer
    │   └── ServerBusy       5xx, 429, 503: the server asked to come back (`retry_after`)
    ├── Unauthorised         the token is missing, wrong or revoked: enrol again
    ├── Refused              the server said the request itself is wrong (4xx): a bug
    └── ProtocolError        an answer that does not parse
"""

from __future__ import annotations

import collections
import contextlib
import gc
import gzip
import http.client
import json
import logging
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import keyring
import keyring.errors
import requests
import urllib3.exceptions
from pydantic import ValidationError
from requests.adapters import HTTPAdapter

from sync import messages as m
from sync.listeners import Listeners
from sync.protocol import (
    KIND_CATALOG,
    PREFIX,
    CatalogBundle,
    Change,
    ChangesPage,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Mutation,
    PushRequest,
    PushResponse,
)

log = logging.getLogger(__name__)

KEYRING_SERVICE = "mfc-workstation"
DEFAULT_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds
GZIP_ABOVE = 16 * 1024  # request bodies larger than this are sent gzipped


# --- errors ------------------------------------------------------------------------------------------
class SyncError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message


class Transient(SyncError):
    retry_after: float | None = None


class Offline(Transient):
    pass


class ServerBusy(Transient):
    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Unauthorised(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, message: str, status: int, body: ErrorBody | None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class ProtocolError(SyncError):
    pass


class _Gap(Exception):
    def __init__(self, last_applied: int, reused: bool = False) -> None:
        super().__init__(last_applied)
        self.last_applied = last_applied
        self.reused = reused


class _EpochChanged(Exception):
    pass


# --- the token ---------------------------------------------------------------------------------------
class TokenStore:
    """The device token in the OS keyring (service «mfc-workstation», one entry per data folder);
    never in a file. A keyring that cannot keep it is an error, not a fallback."""

    def __init__(self, user: str) -> None:
        self.user = user

    def get(self) -> str | None:
        try:
            return keyring.get_password(KEYRING_SERVICE, self.user)
        except keyring.errors.KeyringError as exc:
            raise Unauthorised(m.TOKEN_MISSING) from exc

    def set(self, token: str) -> None:
        keyring.set_password(KEYRING_SERVICE, self.user, token)
        if keyring.get_password(KEYRING_SERVICE, self.user) != token:
            raise SyncError(m.TOKEN_MISSING)

    def delete(self) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, self.user)


# --- what the client needs of the local store -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LocalState:
    epoch: str | None
    cursor: str | None


class LocalPort(Protocol):
    def sync_state(self) -> LocalState: ...

    def pending(self, limit: int) -> list[Mutation]: ...

    def pending_count(self) -> int: ...

    # Optional: `pending_after(seq, limit)` — pending rows numbered above `seq`; with it the next
    # push batch is sent while the previous one's acknowledgement is being written.

    def record_push(self, response: PushResponse) -> None: ...

    def apply_pages(self, pages: list[ChangesPage], catalogs: dict[str, CatalogBundle]) -> None: ...

    def rebase(self, epoch: str | None, last_applied_seq: int) -> None: ...

    def renumber(self, last_applied_seq: int) -> None: ...

    def has_catalog(self, version: str) -> bool: ...

    def attention(self) -> tuple[int, int]:
        """(rejected changes, cases in conflict) for the status line."""
        ...


# --- results -------------------------------------------------------------------------------------------
@dataclass(slots=True)
class SyncSummary:
    pushed: int = 0  # mutations the server took (applied, merged or in conflict)
    rejected: int = 0
    conflicts: int = 0
    duplicates: int = 0
    pulled: int = 0  # records received
    pages: int = 0
    catalogs: list[str] = field(default_factory=list)
    epoch_changed: bool = False


# --- HTTP ------------------------------------------------------------------------------------------------
def make_session(pool: int = 4) -> requests.Session:
    """A keep-alive session; retries are ours (with backoff), not urllib3's."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "mfc-workstation-sync/1"
    session.headers["Accept-Encoding"] = "gzip"
    return session


def _error_body(resp: requests.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(resp.content)
    except (ValidationError, ValueError):
        return None


def _retry_after(resp: requests.Response, body: ErrorBody | None) -> float | None:
    if body is not None and body.retry_after is not None:
        return body.retry_after
    try:
        return float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _stale_connection(exc: BaseException) -> bool:
    """The request failed because the connection was dropped before any answer arrived (a pooled
    keep-alive connection the server had closed: reset, «Remote end closed connection without
    response», «Connection aborted.») — not a refused or timed-out connection, not an HTTP error."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    dropped = False
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError,
                          urllib3.exceptions.NewConnectionError, ConnectionRefusedError)):
            return False  # the server is not there (or too slow): the worker's backoff decides
        aborted = isinstance(e, urllib3.exceptions.ProtocolError) and "aborted" in str(e.args[0] if e.args else "")
        dropped = dropped or aborted or isinstance(e, (ConnectionResetError, BrokenPipeError,
                                                       http.client.RemoteDisconnected))
        stack.extend(a for a in e.args if isinstance(a, BaseException))
        for linked in (e.__cause__, e.__context__):
            if linked is not None:
                stack.append(linked)
    return dropped


def _call(session: requests.Session, method: str, url: str, *, timeout: tuple[float, float],
          token: str | None = None, payload: Any = None, params: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> requests.Response:
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    data = None
    if payload is not None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False,
                                                                     separators=(",", ":")).encode()
        hdrs["Content-Type"] = "application/json"
        if len(data) > GZIP_ABOVE:
            data = gzip.compress(data, 3)
            hdrs["Content-Encoding"] = "gzip"
    try:
        try:
            resp = session.request(method, url, data=data, params=params, headers=hdrs, timeout=timeout)
        except requests.ConnectionError as exc:
            # A keep-alive connection the server closed meanwhile (e.g. uvicorn drops it after an
            # unhandled error): once, at once, on a new connection. Safe: a pull is a GET and a push
            # is idempotent by its sequence numbers. Timeouts and HTTP errors are never retried here.
            if not _stale_connection(exc):
                raise
            log.info("the server closed a kept-alive connection; the request is sent once more")
            resp = session.request(method, url, data=data, params=params, headers=hdrs, timeout=timeout)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise Offline(m.OFFLINE) from exc
    except requests.RequestException as exc:
        raise Offline(m.OFFLINE) from exc
    if resp.status_code < 400 or resp.status_code == 409:
        return resp
    body = _error_body(resp)
    if resp.status_code == 401:
        raise Unauthorised(body.message if body else m.UNAUTHORISED_CLIENT)
    if resp.status_code in (429, 502, 503, 504) or resp.status_code >= 500:
        raise ServerBusy(body.message if body else m.SERVER_FAILED.format(status=resp.status_code),
                         resp.status_code, _retry_after(resp, body))
    raise Refused(m.SERVER_REFUSED.format(message=body.message if body else resp.status_code), resp.status_code,
                  body)


_loads: Callable[[bytes | str], Any]
try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library still works
    _loads = json.loads


def _parse_page(resp: requests.Response) -> ChangesPage:
    """A changes page, checked by hand and built without re-validating every record's data (a page
    is a thousand nested records: the generic validator would cost more than the local writes)."""
    try:
        raw = _loads(resp.content)
        changes = []
        for item in raw["changes"]:
            kind, ident, version, data = item["kind"], item["id"], item.get("version", 0), item["data"]
            if not (isinstance(kind, str) and isinstance(ident, str) and isinstance(version, int)
                    and isinstance(data, dict)):
                raise ValueError("bad change")
            changes.append(Change.model_construct(kind=kind, id=ident, version=version, data=data))
        epoch, cursor, more, reset = raw["epoch"], raw["cursor"], raw["more"], raw.get("reset", False)
        if not (isinstance(epoch, str) and isinstance(cursor, str) and isinstance(more, bool)
                and isinstance(reset, bool)):
            raise ValueError("bad page")
    except (ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(m.PROTOCOL_ERROR) from exc
    return ChangesPage.model_construct(epoch=epoch, cursor=cursor, more=more, reset=reset, changes=changes)


_HEAD = re.compile(rb'\{"epoch":"([0-9A-Za-z_.:=+/-]*)","cursor":"([0-9A-Za-z_.:=+/-]*)","more":(true|false)[,}]')


def _page_head(body: bytes) -> tuple[str, str, bool] | None:
    """(epoch, cursor, more) from the start of a changes page as the server writes it, without
    parsing the page (the next page can be asked for meanwhile); None when the body starts otherwise."""
    found = _HEAD.match(body, 0, 512)
    if found is None:
        return None
    return found.group(1).decode(), found.group(2).decode(), found.group(3) == b"true"


def _parse(model: type[Any], resp: requests.Response) -> Any:
    try:
        return model.model_validate_json(resp.content)
    except (ValidationError, ValueError) as exc:
        raise ProtocolError(m.PROTOCOL_ERROR) from exc


def enrol(base_url: str, code: str, *, local_device_id: str, acked_seq: int = 0, hostname: str = "",
          session: requests.Session | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT) -> EnrolResponse:
    """Trade a one-time enrolment code for the device token (the caller puts it in the keyring)."""
    session = session or make_session()
    body = EnrolRequest(code=code.strip(), local_device_id=local_device_id, acked_seq=acked_seq, hostname=hostname)
    resp = _call(session, "POST", base_url.rstrip("/") + f"{PREFIX}/enrol", timeout=timeout,
                 payload=body.model_dump(mode="json"))
    if resp.status_code == 409:
        raise Refused(m.SERVER_REFUSED.format(message=resp.status_code), 409, _error_body(resp))
    return _parse(EnrolResponse, resp)


class SyncClient:
    """One server, one device token. Not thread-safe: one sync at a time (the worker's job)."""

    def __init__(self, base_url: str, token: str | Callable[[], str | None], *,
                 session: requests.Session | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 batch_size: int = 200, page_size: int = 500, max_pages: int = 100_000,
                 group_records: int = 5000) -> None:
        self.base_url = base_url.rstrip("/")
        self._token_source = token
        self._token: str | None = token if isinstance(token, str) else None
        self.session = session or make_session()
        self.timeout = timeout
        self.batch_size = batch_size
        self.page_size = page_size
        self.max_pages = max_pages
        self.group_records = group_records  # records applied in one local transaction while catching up

    def _token_value(self, refresh: bool = False) -> str:
        if callable(self._token_source) and (self._token is None or refresh):
            self._token = self._token_source()
        if not self._token:
            raise Unauthorised(m.TOKEN_MISSING)
        return self._token

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            return _call(self.session, method, self.base_url + path, timeout=self.timeout,
                         token=self._token_value(), **kwargs)
        except Unauthorised:
            if not callable(self._token_source):
                raise
            old = self._token
            if self._token_value(refresh=True) == old:  # the keyring has nothing newer
                raise
            return _call(self.session, method, self.base_url + path, timeout=self.timeout,
                         token=self._token_value(), **kwargs)

    # --- calls -----------------------------------------------------------------------------------
    def status(self) -> DeviceStatus:
        return _parse(DeviceStatus, self._request("GET", f"{PREFIX}/status"))

    def push_batch(self, epoch: str | None, mutations: Sequence[Mutation]) -> PushResponse:
        body = PushRequest(epoch=epoch, mutations=list(mutations))
        resp = self._request("POST", f"{PREFIX}/push", payload=body.model_dump_json().encode())
        if resp.status_code == 409:
            err = _error_body(resp)
            if err is None or err.last_applied_seq is None:
                raise ProtocolError(m.PROTOCOL_ERROR)
            raise _Gap(err.last_applied_seq, reused=err.error == "sequence_reused")
        return _parse(PushResponse, resp)

    def changes(self, cursor: str | None, limit: int | None = None) -> ChangesPage | None:
        """The next page, or None when the server says nothing is new (304)."""
        resp = self._changes_response(cursor, limit)
        return None if resp is None else _parse_page(resp)

    def _changes_response(self, cursor: str | None, limit: int | None = None) -> requests.Response | None:
        params: dict[str, Any] = {"limit": limit or self.page_size}
        headers = {}
        if cursor:
            params["cursor"] = cursor
            headers["If-None-Match"] = f'"{cursor}"'
        resp = self._request("GET", f"{PREFIX}/changes", params=params, headers=headers)
        if resp.status_code == 304:
            return None
        if resp.status_code == 409:
            raise ProtocolError(m.PROTOCOL_ERROR)
        return resp

    def catalog(self, version: str) -> CatalogBundle:
        return _parse(CatalogBundle, self._request("GET", f"{PREFIX}/catalogs/{requests.utils.quote(version)}"))

    # --- the sync --------------------------------------------------------------------------------
    def sync(self, port: LocalPort, progress: Callable[[float], None] | None = None) -> SyncSummary:
        """Push everything pending, then pull everything new. Raises `SyncError`s."""
        summary = SyncSummary()
        for _ in range(4):
            try:
                self.push_all(port, summary)
                self.pull_all(port, summary, progress)
                return summary
            except _EpochChanged:
                summary.epoch_changed = True
                continue
        raise ServerBusy(m.NEW_EPOCH, 409)

    def push_all(self, port: LocalPort, summary: SyncSummary | None = None) -> SyncSummary:
        """Send pending mutations batch by batch. When a batch is fully applied and the port can
        read past it (`pending_after`), the next batch goes out on a helper thread while this one's
        acknowledgement is written locally: the server and the local store work at the same time.
        (Safe: if the local write fails, the next start re-sends both and the server answers
        `duplicate` — it applies each sequence number once.)"""
        summary = summary or SyncSummary()
        rebases = 0
        read_ahead = getattr(port, "pending_after", None)
        ahead: _Call | None = None
        while True:
            if ahead is not None:
                batch, epoch, call, ahead = ahead.batch, ahead.epoch, ahead, None
            else:
                batch = port.pending(self.batch_size)
                if not batch:
                    return summary
                epoch, call = port.sync_state().epoch, None
            try:
                resp = call.result() if call is not None else self.push_batch(epoch, batch)
            except _Gap as gap:
                rebases += 1
                if rebases > 3:
                    raise ProtocolError(m.SEQUENCE_GAP_CLIENT) from gap
                if gap.reused:
                    port.renumber(gap.last_applied)
                else:
                    port.rebase(None, gap.last_applied)
                continue
            if epoch is not None and resp.epoch != epoch:
                log.warning("server epoch changed: %s → %s", epoch, resp.epoch)
                port.rebase(resp.epoch, resp.last_applied_seq)
                summary.epoch_changed = True
                raise _EpochChanged()
            complete = resp.last_applied_seq >= batch[-1].seq
            if complete and read_ahead is not None:
                following = read_ahead(batch[-1].seq, self.batch_size)
                if following:
                    ahead = _Call(self.push_batch, epoch or resp.epoch, following)
            try:
                port.record_push(resp)
            except BaseException:
                if ahead is not None:
                    ahead.wait()  # the session is not left in use by the helper
                raise
            for r in resp.results:
                if r.status == "duplicate":
                    summary.duplicates += 1
                if r.rejected:
                    summary.rejected += 1
                elif r.accepted:
                    summary.pushed += 1
                if (r.original or r.status) == "conflict":
                    summary.conflicts += 1
            if not complete:
                return summary  # the server kept the rest back: try again on the next round

    def pull_all(self, port: LocalPort, summary: SyncSummary | None = None,
                 progress: Callable[[float], None] | None = None) -> SyncSummary:
        summary = summary or SyncSummary()
        state = port.sync_state()
        first = self.changes(state.cursor)
        if first is None:
            return summary
        # Read ahead a whole group: while one group is applied the next one arrives, instead of
        # the helper stopping after two pages and the store then waiting on the server.
        ahead = max(2, -(-self.group_records // max(1, len(first.changes))) + 1)
        gate = _ParseGate()
        pages = _Prefetch(self, first, self.max_pages, ahead=min(ahead, 12), gate=gate)
        catching_up = fewer_gc_passes() if first.more else contextlib.nullcontext()
        with catching_up, gate.applying_here():
            try:
                group: list[ChangesPage] = []
                for page in pages:
                    if state.epoch is not None and page.epoch != state.epoch:
                        server = self.status()
                        port.rebase(page.epoch, server.last_applied_seq)
                        raise _EpochChanged()
                    if group and page.reset:
                        self._apply(port, group, summary, progress, gate)
                        group = []
                    group.append(page)
                    if not page.more:
                        break
                    # Apply when the group is full, or at once when no further page has arrived yet
                    # (the store never idles while pages are on their way).
                    if sum(len(p.changes) for p in group) >= self.group_records or not pages.ready():
                        self._apply(port, group, summary, progress, gate)
                        group = []
                if group:
                    self._apply(port, group, summary, progress, gate)
                if pages.failure is not None:
                    raise pages.failure
            finally:
                pages.close()
        return summary

    def _apply(self, port: LocalPort, group: list[ChangesPage], summary: SyncSummary,
               progress: Callable[[float], None] | None, gate: _ParseGate | None = None) -> None:
        bundles: dict[str, CatalogBundle] = {}
        for page in group:
            for change in page.changes:
                if change.kind == KIND_CATALOG and not port.has_catalog(change.id) and change.id not in bundles:
                    bundles[change.id] = self.catalog(change.id)
        with gate.writing() if gate is not None else contextlib.nullcontext():
            port.apply_pages(group, bundles)
        summary.pages += len(group)
        summary.pulled += sum(len(p.changes) for p in group)
        summary.catalogs.extend(bundles)
        if progress is not None:
            progress(min(0.99, summary.pages / (summary.pages + 1)))


class _Call:
    """`push_batch(epoch, batch)` running on a helper thread; `result()` waits and returns or raises."""

    def __init__(self, fn: Callable[[str | None, list[Mutation]], PushResponse], epoch: str | None,
                 batch: list[Mutation]) -> None:
        self.epoch = epoch
        self.batch = batch
        self._value: PushResponse | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), name="sync-push", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[str | None, list[Mutation]], PushResponse]) -> None:
        try:
            self._value = fn(self.epoch, self.batch)
        except BaseException as exc:
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> PushResponse:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] | None = None
BULK_GC_THRESHOLD = 200_000  # allocations between young collections while catching up


@contextlib.contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Rarer cyclic-GC passes while a catch-up parses and applies pages.

    A page is ~200,000 fresh dicts, lists and strings; with the default thresholds every few
    hundred allocations start a young collection and every couple of pages a full one that walks
    everything alive (the pages held for the current transaction included): that cost more than
    parsing itself. Reference counting still frees the pages; cycles are collected as usual once
    the catch-up ends (the old thresholds come back, nesting-safe across threads)."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], BULK_GC_THRESHOLD), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


_gates: dict[int, _ParseGate] = {}  # applying thread → the gate of its pull
PARSE_WAIT_S = 2.0  # a parse waits at most this long for the store's turn to end (a safety valve)


class _ParseGate:
    """Turns for the GIL during a catch-up.

    The store's writes (`executemany`) give up the GIL for every row and must win it back; a page
    parse on the helper thread is one long C call that holds it. Running both at once makes every
    row of the store wait for the parse — the two end up taking turns anyway, the slow way. So the
    helper parses only while the applying thread is not building or writing rows: while it commits
    (`store_committing()`, called by the port just before its commit; SQLite releases the GIL for
    the whole commit), waits for a page, or does anything else. Fetching is never held back."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()

    @contextlib.contextmanager
    def applying_here(self) -> Iterator[None]:
        _gates[threading.get_ident()] = self
        try:
            yield
        finally:
            _gates.pop(threading.get_ident(), None)
            self._open.set()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self._open.clear()
        try:
            yield
        finally:
            self._open.set()

    def committing(self) -> None:
        self._open.set()

    def wait(self, timeout: float = PARSE_WAIT_S) -> None:
        self._open.wait(timeout)

    def is_open(self) -> bool:
        return self._open.is_set()


def store_committing() -> None:
    """For `LocalPort.apply_pages`: the rows are written, the commit follows (a GIL-free stretch in
    which the pull's helper thread may parse the next pages). A no-op outside a pull."""
    gate = _gates.get(threading.get_ident())
    if gate is not None:
        gate.committing()


class _Prefetch:
    """Pages after `first`, fetched by a helper thread up to `ahead` pages ahead while the caller
    applies, so the server, the network and the local store work at the same time during a
    catch-up (parsed in the store's pauses, see `_ParseGate`)."""

    _END = object()

    def __init__(self, client: SyncClient, first: ChangesPage, limit: int, ahead: int = 2,
                 gate: _ParseGate | None = None) -> None:
        self.client = client
        self.first = first
        self.limit = limit
        self.gate = gate
        self.ahead = ahead
        self.failure: BaseException | None = None
        self._unparsed = 0  # fetched, not yet in the queue
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[ChangesPage]:
        yield self.first
        if not self.first.more:
            return
        self._thread = threading.Thread(target=self._run, name="sync-prefetch", daemon=True)
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                self.failure = item  # raised by the caller once the pages before it are applied
                return
            yield item

    def ready(self) -> bool:
        """A page (or the end) is waiting, or one has arrived and waits to be parsed."""
        return self._unparsed > 0 or not self._queue.empty()

    def _run(self) -> None:
        """Fetch ahead while the store writes (the next cursor is read from the head of the body);
        parse when the gate is open, or when nothing more can be fetched before parsing."""
        cursor, count, fetching = self.first.cursor, 1, True
        fetched: collections.deque[tuple[requests.Response | None, ChangesPage | None]] = collections.deque()
        failure: BaseException | None = None  # a failed fetch: reported after the pages before it
        try:
            while not self._stop.is_set():
                gate_open = self.gate is None or self.gate.is_open()
                if fetched and (gate_open or not fetching or len(fetched) >= self.ahead):
                    if self.gate is not None:
                        self.gate.wait()
                    resp, page = fetched.popleft()
                    if page is None:
                        assert resp is not None
                        page = _parse_page(resp)
                    del resp
                    self._put(page)
                    self._unparsed -= 1
                    continue
                if not fetching:
                    break
                try:
                    resp = self.client._changes_response(cursor)
                except BaseException as exc:
                    failure, fetching = exc, False
                    continue
                if resp is None:
                    fetching = False
                    continue
                head = _page_head(resp.content)
                if head is None:  # not the usual layout: parse now for the cursor
                    parsed = _parse_page(resp)
                    head = (parsed.epoch, parsed.cursor, parsed.more)
                    fetched.append((None, parsed))
                else:
                    fetched.append((resp, None))
                self._unparsed += 1
                count += 1
                epoch, cursor, more = head
                if not more or epoch != self.first.epoch or count >= self.limit:
                    fetching = False
            if failure is not None:
                self._put(failure)
        except BaseException as exc:
            self._put(exc)
        self._put(self._END)

    def _put(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)


# --- retries -------------------------------------------------------------------------------------------
class Backoff:
    """Exponential backoff with full jitter: a random wait in [0, min(cap, base·2ⁿ)], so thousands
    of workstations coming back after an outage do not knock on the server in step."""

    def __init__(self, base: float = 1.0, cap: float = 300.0, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()

    def next(self, at_least: float | None = None) -> float:
        ceiling = min(self.cap, self.base * 2 ** min(self.failures, 30))
        self.failures += 1
        wait = self._rng.uniform(0, ceiling)
        return max(wait, at_least or 0.0)

    def reset(self) -> None:
        self.failures = 0


# --- the status the UI shows -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SyncStatus:
    """A snapshot for the status bar. Field names match `workstation.ui.ports.SyncState` where they
    overlap (online, pending, last_sync, progress, notice)."""

    online: bool = False
    pending: int = 0  # outbox rows not yet acknowledged
    last_sync: datetime | None = None  # last successful full sync
    progress: float | None = None  # 0..1 while syncing
    notice: str = ""
    last_error: str | None = None
    state: str = "idle"  # idle | syncing | offline | unauthorised | error
    rejected: int = 0  # changes the server refused (shown with the case)
    conflicts: int = 0  # cases waiting for a person to choose
    next_attempt: datetime | None = None


class SyncWorker:
    """Syncs in a background thread: every `interval` seconds (±20 %) while the server answers,
    sooner after `kick()` (a new outbox row), with exponential backoff and jitter while it does not.
    Listeners get a `SyncStatus` from the worker thread; the UI forwards them to its own thread."""

    def __init__(self, client: SyncClient, port: LocalPort, *, interval: float = 30.0,
                 backoff: Backoff | None = None, unauthorised_wait: float = 600.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.port = port
        self.interval = interval
        self.backoff = backoff or Backoff()
        self.unauthorised_wait = unauthorised_wait
        self._clock = clock or (lambda: datetime.now(UTC))
        self._status = SyncStatus()
        self._listeners: Listeners[SyncStatus] = Listeners()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._rng = random.Random()
        self.runs = 0

    # --- the UI's side ---------------------------------------------------------------------------
    def current(self) -> SyncStatus:
        with self._lock:
            return self._status

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def kick(self) -> None:
        """Sync soon (a change was just made, or the person pressed «Синхронизировать»)."""
        self._wake.set()

    def start(self) -> SyncWorker:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the loop --------------------------------------------------------------------------------
    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._status = status = replace(self._status, **changes)
        self._listeners.tell(status)

    def _attention(self) -> dict[str, Any]:
        try:
            rejected, conflicts = self.port.attention()
            notice = ""
            if conflicts:
                notice = m.CONFLICT_NOTICE.format(count=conflicts)
            elif rejected:
                notice = m.REJECTED_NOTICE.format(count=rejected)
            return {"pending": self.port.pending_count(), "rejected": rejected, "conflicts": conflicts,
                    "notice": notice}
        except Exception:
            log.exception("reading the sync counters failed")
            return {}

    def run_once(self) -> float:
        """One sync attempt; returns the seconds to wait before the next."""
        self.runs += 1
        self._update(state="syncing", progress=0.0, **self._attention())
        try:
            summary = self.client.sync(self.port, progress=lambda p: self._update(progress=p))
        except Unauthorised as exc:
            self.backoff.reset()
            self._update(online=False, state="unauthorised", last_error=exc.user_message, progress=None,
                         **self._attention())
            return self.unauthorised_wait
        except Transient as exc:
            wait = self.backoff.next(exc.retry_after)
            self._update(online=not isinstance(exc, Offline), state="offline" if isinstance(exc, Offline) else "error",
                         last_error=exc.user_message, progress=None, **self._attention())
            return wait
        except Exception as exc:  # a refusal, a bad answer, a local store failure: logged, retried slowly
            log.warning("sync failed: %s", exc, exc_info=not isinstance(exc, SyncError))
            message = getattr(exc, "user_message", None) or str(exc)
            self._update(state="error", last_error=message, progress=None, **self._attention())
            return self.backoff.next()
        self.backoff.reset()
        extra = {"notice": m.NEW_EPOCH} if summary.epoch_changed else {}
        self._update(online=True, state="idle", last_sync=self._clock(), last_error=None, progress=None,
                     **{**self._attention(), **extra})
        return self.interval * self._rng.uniform(0.8, 1.2)

    def _run(self) -> None:
        while not self._stopping.is_set():
            wait = self.run_once()
            with self._lock:
                self._status = replace(self._status, next_attempt=None)
            if self._stopping.is_set():
                break
            deadline = time.monotonic() + wait
            self._update(next_attempt=datetime.fromtimestamp(time.time() + wait, UTC))
            while not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._wake.wait(remaining):
                    break
            self._wake.clear()
