"""The local store as the sync client sees it (`sync.client.LocalPort`), and the few store
operations sync needs that the store does not have yet.

`sync/` never imports the workstation; this module is the one place that binds the two. Every
method of `StorePort` is one store transaction:

* `pending` reads the outbox (`outbox.pending`) and turns rows into protocol `Mutation`s;
* `record_push` acknowledges rows up to the server's last applied number (`outbox.acknowledge`)
  and records permanent rejections (kept in the `sync.rejections` setting and shown beside the
  case; the entity is marked `sync_state = "rejected"`; the queue goes on);
* `apply_pages` applies pages of server records and saves the cursor in the same transaction —
  bulk statements, so a fresh workstation takes 100,000 records in seconds. A record of an entity
  with local changes not yet pushed is skipped: the local change wins until the server has it,
  and its echo brings the merged state back. An echo does not always come — a change whose value
  was already in place, or one the server had applied before a lost answer, makes no new version —
  so the skipped record is kept aside (`DEFERRED`) and applied when the push that acknowledges the
  entity's changes shows the server's version is no newer than it;
* `rebase` / `renumber` repair the outbox after a server or a local restore.

Server records are applied as the server's word: status, answers, history, conflict flags and
`server_version`; local `version` is set to the server's so later local edits count from it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from sync.client import LocalState, store_committing
from sync.protocol import (
    KIND_APPLICANT,
    KIND_ASSIGNMENT,
    KIND_CASE,
    KIND_CATALOG,
    KIND_STAFF,
    CatalogBundle,
    ChangesPage,
    Mutation,
    PushResponse,
)
from workstation.core import audit, outbox, search
from workstation.core.audit import Action
from workstation.core.changes import ChangeSet, changed
from workstation.core.database import Store, dumps
from workstation.core.device import get_device, get_setting, set_setting
from workstation.core.errors import InvalidOperation, NotFound
from workstation.core.models import (
    Applicant,
    Case,
    OutboxRow,
    Staff,
)
from workstation.core.searchkeys import applicant_document

log = logging.getLogger(__name__)

CURSOR = "sync.cursor"
EPOCH = "sync.epoch"
SERVER = "sync.server"  # {"url", "device_id", "name", "office_code", "workstation_code", "enrolled_at"}
REJECTIONS = "sync.rejections"
# Server records skipped because the entity had local changes not yet pushed, by kind then id
# (the newest version of each): released when those changes are acknowledged (`_release_deferred`).
DEFERRED = "sync.deferred"
MAX_REJECTIONS_KEPT = 1000

APPLICANT_FIELDS = ("surname", "name", "patronymic", "sex", "birth_place", "snils", "inn", "phone", "email",
                    "address")
CASE_TEXT_FIELDS = ("number", "status", "service_id", "catalog_version", "form_version", "channel", "office_code",
                    "workstation_code", "specialist", "notify_by", "assigned_to")
EDITABLE = frozenset({"answers", "documents", "privileges", "notify_by", "channel", "assigned_to"})


class CatalogInstaller(Protocol):
    """What the port needs of `forms.versions.CatalogLibrary`."""

    def install(self, sources: Mapping[str, str]) -> Any: ...

    def versions(self) -> list[str]: ...


# --- small conversions -----------------------------------------------------------------------------
def _dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _str(value: Any, limit: int) -> str | None:
    return None if value is None else str(value)[:limit]


def _money(value: Any) -> Any:
    from decimal import Decimal
    from decimal import InvalidOperation as BadDecimal

    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except BadDecimal:
        return None


def _last_by_id(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last record per id in feed order: the feed is ordered, so the last one is the newest
    (versions are not compared: after a server restore they start again from the backup's)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key = item.get("id")
        if isinstance(key, str):
            out.pop(key, None)
            out[key] = item
    return out


# --- the port --------------------------------------------------------------------------------------
class StorePort:
    """`sync.client.LocalPort` over an open `Store` (and the catalog library, for catalog versions)."""

    def __init__(self, store: Store, catalogs: CatalogInstaller | None = None, *,
                 before_cursor_saved: Callable[[], None] | None = None, slice_rows: int | None = None) -> None:
        self.store = store
        self.catalogs = catalogs
        self.before_cursor_saved = before_cursor_saved  # tests: a crash between applying and saving
        # The app: rows are built and written `slice_rows` at a time with a GIL release between
        # slices, so the Tk thread is never kept waiting for a whole group (None: all at once).
        self.slice_rows = slice_rows
        self._catalog_versions: set[str] | None = None

    # --- state ----------------------------------------------------------------------------------
    def sync_state(self) -> LocalState:
        with self.store.reading() as s:
            return LocalState(epoch=get_setting(s, EPOCH), cursor=get_setting(s, CURSOR))

    def pending(self, limit: int) -> list[Mutation]:
        """`outbox.pending` as protocol mutations: plain SQL (the partial index of pending rows) and
        our own payloads built without re-validating them."""
        return self.pending_after(0, limit)

    def pending_after(self, seq: int, limit: int) -> list[Mutation]:
        """Pending rows numbered above `seq`, in order (the next push batch, read ahead)."""
        with self.store.reading() as s:
            rows = _driver(s).execute(
                "SELECT device_seq, id, entity, entity_id, op, base_version, payload, created_at FROM outbox "
                "WHERE acked_at IS NULL AND device_seq > ? ORDER BY device_seq LIMIT ?", (seq, limit)).fetchall()
        return [Mutation.model_construct(seq=n, id=row_id, entity=entity, entity_id=entity_id, op=op,
                                         base_version=base, payload=(_loads(payload) if payload else None) or {},
                                         client_time=datetime.fromisoformat(created) if created else None)
                for n, row_id, entity, entity_id, op, base, payload, created in rows]

    def pending_count(self) -> int:
        with self.store.reading() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.acked_at.is_(None))) or 0)

    def attention(self) -> tuple[int, int]:
        with self.store.reading() as s:
            rejected = len(get_setting(s, REJECTIONS, []) or [])
            conflicts = int(s.scalar(select(func.count()).select_from(Case).where(Case.conflict.is_(True))) or 0)
        return rejected, conflicts

    def has_catalog(self, version: str) -> bool:
        if self.catalogs is None:
            return True  # nowhere to install: do not download
        if self._catalog_versions is None:
            self._catalog_versions = set(self.catalogs.versions())
        return version in self._catalog_versions

    # --- push -----------------------------------------------------------------------------------
    def record_push(self, response: PushResponse) -> None:
        with self.store.unit_of_work() as s:
            now = self.store.now()
            outbox.acknowledge(s, response.last_applied_seq, now)
            rejected = [r for r in response.results if r.rejected]
            if rejected:
                rows = {r.device_seq: r for r in s.scalars(select(OutboxRow).where(
                    OutboxRow.device_seq.in_([r.seq for r in rejected])))}
                kept = list(get_setting(s, REJECTIONS, []) or [])
                seen = {item.get("seq") for item in kept}
                for r in rejected:
                    row = rows.get(r.seq)
                    if r.seq in seen or row is None:
                        continue
                    kept.append({"seq": r.seq, "entity": row.entity, "entity_id": row.entity_id, "op": row.op,
                                 "code": r.code, "message": r.message, "at": now.isoformat()})
                    model = Case if row.entity == "case" else Applicant if row.entity == "applicant" else None
                    if model is not None:
                        s.execute(update(model).where(model.id == row.entity_id).values(sync_state="rejected"))
                set_setting(s, REJECTIONS, kept[-MAX_REJECTIONS_KEPT:])
            _release_deferred(s, response, now)
            if get_setting(s, EPOCH) is None:
                set_setting(s, EPOCH, response.epoch)

    def rebase(self, epoch: str | None, last_applied_seq: int) -> None:
        """The server no longer has what it acknowledged above `last_applied_seq`: send it again."""
        with self.store.unit_of_work() as s:
            s.execute(update(OutboxRow).where(OutboxRow.device_seq > last_applied_seq).values(acked_at=None))
            if epoch is not None:
                set_setting(s, EPOCH, epoch)
                set_setting(s, CURSOR, None)
                set_setting(s, DEFERRED, {})  # the pull from the start brings what the server has now
        log.warning("sync rebased: outbox rows after %d will be sent again", last_applied_seq)

    def renumber(self, last_applied_seq: int) -> None:
        """Our pending rows reuse numbers the server already has: move them above `last_applied_seq`."""
        with self.store.unit_of_work() as s:
            rows = list(s.scalars(select(OutboxRow).where(OutboxRow.acked_at.is_(None))
                                  .order_by(OutboxRow.device_seq)))
            if not rows:
                return
            for row in rows:  # first out of the way (unique index), then into place
                row.device_seq = -row.device_seq
            s.flush()
            for i, row in enumerate(rows, start=1):
                row.device_seq = last_applied_seq + i
            s.flush()
            get_device(s).last_seq = last_applied_seq + len(rows)
        log.warning("sync renumbered %d pending outbox rows after %d", len(rows), last_applied_seq)

    # --- pull -----------------------------------------------------------------------------------
    def apply_pages(self, pages: list[ChangesPage], catalogs: dict[str, CatalogBundle]) -> None:
        """Apply consecutive pages and save the last one's cursor, all in one transaction."""
        with self.store.unit_of_work(bulk=True) as s:
            if pages[0].reset:
                set_setting(s, CURSOR, None)
                set_setting(s, DEFERRED, {})
            records = [(c.kind, c.id, c.data) for page in pages for c in page.changes]
            apply_records(s, records, now=self.store.now(), slice_rows=self.slice_rows)
            for bundle in catalogs.values():
                self._install(bundle)
            if self.before_cursor_saved is not None:
                self.before_cursor_saved()
            set_setting(s, CURSOR, pages[-1].cursor)
            set_setting(s, EPOCH, pages[-1].epoch)
            store_committing()  # the rows are written: the pull's helper may parse while we commit

    def _install(self, bundle: CatalogBundle) -> None:
        if self.catalogs is None:
            return
        outcome = self.catalogs.install(bundle.sources)
        if getattr(outcome, "activated", True):
            if self._catalog_versions is not None:
                self._catalog_versions.add(bundle.version)
        else:
            log.error("catalog %s from the server does not compile here; the last good one stays", bundle.version)


# --- applying server records ------------------------------------------------------------------------
def apply_records(s: Session, records: list[tuple[str, str, dict[str, Any]]], *, now: datetime,
                  slice_rows: int | None = None) -> None:
    """Apply server records (kind, id, data) in bulk: applicants first (cases point at them).

    `slice_rows`: build and write at most that many rows at a time and let other threads run
    between slices (`time.sleep(0)` releases the GIL) — the app's UI thread; None: one slice."""
    cases = [d for k, _i, d in records if k == KIND_CASE]
    applicants = [d for k, _i, d in records if k == KIND_APPLICANT]
    applicants.extend(d["applicant"] for d in cases if isinstance(d.get("applicant"), dict))
    written: set[str] = set()
    if applicants:
        for part in _slices(list(_last_by_id(applicants).values()), slice_rows):
            written |= _apply_applicants(s, part, now)
    if cases:
        for part in _slices(list(_last_by_id(cases).values()), slice_rows):
            _apply_cases(s, part, now, written)
    staff = [d for k, _i, d in records if k == KIND_STAFF]
    if staff:
        _apply_staff(s, list(_last_by_id(staff).values()), now)
    for kind, _id, data in records:
        if kind == KIND_ASSIGNMENT:
            _apply_assignment(s, data)
        elif kind not in (KIND_CASE, KIND_APPLICANT, KIND_STAFF, KIND_CATALOG):
            log.info("unknown record kind from the server ignored: %s", kind)


def _defer(s: Session, kind: str, records: list[dict[str, Any]]) -> None:
    """Keep skipped server records (the newest version of each entity) until its push is answered."""
    kept = dict(get_setting(s, DEFERRED, {}) or {})
    of_kind = dict(kept.get(kind) or {})
    for r in records:
        old = of_kind.get(r["id"])
        if old is None or int(old.get("version") or 0) <= int(r.get("version") or 0):
            of_kind[r["id"]] = r
    kept[kind] = of_kind
    set_setting(s, DEFERRED, kept)


def _release_deferred(s: Session, response: PushResponse, now: datetime) -> None:
    """Apply the kept records of entities whose local changes are all acknowledged now, unless the
    server answered with a newer version (its echo is on the way); then forget them."""
    kept = get_setting(s, DEFERRED, {}) or {}
    if not any(kept.values()):
        return
    answered: dict[tuple[str, str], int] = {}
    seqs = [r.seq for r in response.results if r.version is not None]
    if seqs:
        rows = s.execute(select(OutboxRow.device_seq, OutboxRow.entity, OutboxRow.entity_id)
                         .where(OutboxRow.device_seq.in_(seqs))).all()
        entity_of = {seq: (entity, entity_id) for seq, entity, entity_id in rows}
        for r in response.results:
            key = entity_of.get(r.seq)
            if key is not None and r.version is not None:
                answered[key] = max(answered.get(key, 0), r.version)
    left: dict[str, dict[str, Any]] = {}
    release: list[tuple[str, str, dict[str, Any]]] = []
    for kind in (KIND_APPLICANT, KIND_CASE):
        records = dict(kept.get(kind) or {})
        still = _pending_ids(s, kind, list(records))
        left[kind] = {i: r for i, r in records.items() if i in still}
        for i, r in records.items():
            if i not in still and int(r.get("version") or 0) >= answered.get((kind, i), 0):
                release.append((kind, i, r))
    set_setting(s, DEFERRED, {k: v for k, v in left.items() if v})
    if release:
        apply_records(s, release, now=now)
        log.info("sync applied %d server records kept while their local changes were pushed", len(release))


def _slices(items: list[dict[str, Any]], size: int | None) -> Iterable[list[dict[str, Any]]]:
    """`items` in slices of `size` (all at once when None), the GIL released between slices."""
    if not size or len(items) <= size:
        yield items
        return
    for i in range(0, len(items), size):
        if i:
            time.sleep(0)  # a GIL release: a waiting thread (the UI's) runs now, not after the group
        yield items[i:i + size]


def _pending_ids(s: Session, entity: str, ids: list[str]) -> set[str]:
    """Ids among `ids` with outbox rows not yet acknowledged (their local state wins for now)."""
    if _driver(s).execute("SELECT 1 FROM outbox WHERE acked_at IS NULL LIMIT 1").fetchone() is None:
        return set()  # nothing pending at all (the partial index answers at once)
    return {row[0] for row in _select_in(s, "SELECT entity_id FROM outbox WHERE acked_at IS NULL AND entity = ? "
                                         "AND entity_id IN ({})", ids, (entity,))}


def _select_in(s: Session, sql: str, ids: list[str], before: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of `sql` (with one `IN ({})`) for `ids`, in chunks, straight through the driver."""
    raw = _driver(s)
    out: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        out.extend(raw.execute(sql.format(_marks(len(chunk))), (*before, *chunk)).fetchall())
    return out


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# The fast path writes rows with the sqlite driver's executemany, values already in the store's
# column formats (what the models' types write: UTC ISO text for datetimes, ISO dates, JSON text,
# decimals as text, 0/1): a fresh workstation takes 100,000 records without ORM overhead.
# `test_sync_adapter.py` reads such rows back through the models to keep the two in step.
def _ts(value: Any) -> str | None:
    return _ts_text(value) if isinstance(value, str) else None


@lru_cache(maxsize=1024)
def _ts_text(value: str) -> str | None:  # a record repeats its times (accepted_at, history, intake end)
    parsed = _dt(value)
    return None if parsed is None else parsed.astimezone(UTC).isoformat(timespec="microseconds")


def _day(value: Any) -> str | None:
    return _day_text(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)
def _day_text(value: str) -> str | None:  # dates repeat a lot (days of acceptance, due dates)
    parsed = _date(value)
    return None if parsed is None else parsed.isoformat()


try:  # orjson writes the same compact UTF-8 JSON as the store's `dumps`, several times faster
    import orjson

    def _dumps(value: Any) -> str:
        return orjson.dumps(value).decode()

    _loads: Callable[[str], Any] = orjson.loads
except ImportError:  # pragma: no cover - orjson is a dependency; the standard library still works
    _dumps = dumps
    _loads = json.loads


def _js(value: Any) -> str | None:
    return None if value is None else _dumps(value)


def _money_text(value: Any) -> str | None:
    if isinstance(value, str):
        return _money_str(value)
    parsed = _money(value)
    return None if parsed is None else str(parsed)


@lru_cache(maxsize=1024)
def _money_str(value: str) -> str | None:  # fees come from a few tariffs
    parsed = _money(value)
    return None if parsed is None else str(parsed)


def _upsert_sql(table: str, columns: tuple[str, ...], key: str, keep: tuple[str, ...]) -> str:
    marks = ", ".join("?" for _ in columns)
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key and c not in keep)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT({key}) DO UPDATE SET {sets}"


APPLICANT_COLUMNS = ("pk", "id", "surname", "name", "patronymic", "sex", "birth_date", "birth_place", "snils", "inn",
                     "phone", "email", "address", "privileges", "created_at", "updated_at", "version",
                     "server_version", "sync_state")
DOC_COLUMNS = ("id", "applicant_id", "kind", "series", "number", "issuer", "issue_date", "division_code", "current",
               "superseded_at", "created_at")
CASE_COLUMNS = ("id", "number", "status", "service_id", "catalog_version", "form_version", "applicant_id",
                "bundle_id", "answers", "documents", "privileges", "fee_amount", "fee_full_amount", "fee_tariff",
                "fee_exempt_by", "accepted_at", "accepted_on", "due_date", "channel", "office_code",
                "workstation_code", "specialist", "intake_started_at", "intake_finished_at", "notify_by",
                "assigned_to", "created_at", "updated_at", "version", "server_version", "sync_state", "conflict",
                "conflict_data")
HISTORY_COLUMNS = ("case_id", "from_status", "to_status", "at", "actor", "reason")
UPSERT_APPLICANT = _upsert_sql("applicants", APPLICANT_COLUMNS, "id", ("pk", "created_at"))
UPSERT_DOC = _upsert_sql("identity_documents", DOC_COLUMNS, "id", ("created_at",))
UPSERT_CASE = _upsert_sql("cases", CASE_COLUMNS, "id", ("created_at",))
# Rows known to be new (looked up in the same write transaction; one writer) go in with a plain
# INSERT: SQLite's upsert path costs about twice as much per row (measured: 100,000 cases 2.3 s →
# 1.2 s). A row that is there after all would fail loudly, never be half-written.
INSERT_APPLICANT = _upsert_sql("applicants", APPLICANT_COLUMNS, "id", ()).split(" ON CONFLICT")[0]
INSERT_DOC = _upsert_sql("identity_documents", DOC_COLUMNS, "id", ()).split(" ON CONFLICT")[0]
INSERT_CASE = _upsert_sql("cases", CASE_COLUMNS, "id", ()).split(" ON CONFLICT")[0]
INSERT_HISTORY = f"INSERT INTO status_history ({', '.join(HISTORY_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)"


def _driver(s: Session) -> Any:
    """The sqlite driver connection of the session's transaction."""
    return s.connection().connection.driver_connection


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _apply_applicants(s: Session, records: list[dict[str, Any]], now: datetime) -> set[str]:
    """Write applicant cards (with their documents and search entries); the ids written."""
    ids = [r["id"] for r in records]
    pending = _pending_ids(s, "applicant", ids)
    existing: dict[str, int] = dict(_select_in(s, "SELECT id, pk FROM applicants WHERE id IN ({})", ids))
    next_pk = int(_driver(s).execute("SELECT coalesce(max(pk), 0) FROM applicants").fetchone()[0])
    stamp = now.astimezone(UTC).isoformat(timespec="microseconds")
    rows, fts, old_pks, old_ids = [], [], [], []
    docs: dict[str, tuple[Any, ...]] = {}  # by id: the last one wins, as the upsert did
    if pending:
        _defer(s, KIND_APPLICANT, [r for r in records if r["id"] in pending])
    for r in records:
        aid = r["id"]
        if aid in pending:
            continue
        version = int(r.get("version") or 1)
        pk = existing.get(aid)
        if pk is None:
            next_pk += 1
            pk = next_pk
        else:
            old_pks.append(pk)
            old_ids.append(aid)
        surname, name = str(r.get("surname") or "")[:100], str(r.get("name") or "")[:100]
        rows.append((pk, aid, surname, name, r.get("patronymic"), r.get("sex"), _day(r.get("birth_date")),
                     r.get("birth_place"), r.get("snils"), r.get("inn"), r.get("phone"), r.get("email"),
                     _js(r.get("address")), _dumps(list(r.get("privileges") or [])),
                     _ts(r.get("created_at")) or stamp, stamp, version, version, "synced"))
        passports = []
        for d in r.get("documents") or []:
            if not isinstance(d, dict) or not d.get("id"):
                continue
            kind = str(d.get("kind") or "passport-rf")[:40]
            docs[str(d["id"])] = (str(d["id"]), aid, kind, _str(d.get("series"), 20), _str(d.get("number"), 30),
                         _str(d.get("issuer"), 300), _day(d.get("issue_date")), _str(d.get("division_code"), 7),
                         int(bool(d.get("current", True))), _ts(d.get("superseded_at")), stamp)
            if kind == "passport-rf":
                passports.append((d.get("series"), d.get("number")))
        fts.append((pk, applicant_document(surname=surname, name=name, patronymic=r.get("patronymic"),
                                           snils=r.get("snils"), inn=r.get("inn"), phone=r.get("phone"),
                                           passports=tuple(passports))))
    if not rows:
        return set()
    raw = _driver(s)
    for chunk in _chunks(old_ids):  # the server's list of documents replaces ours
        raw.execute(f"DELETE FROM identity_documents WHERE applicant_id IN ({_marks(len(chunk))})", chunk)
    known = set(old_pks)
    _write(raw, INSERT_APPLICANT, UPSERT_APPLICANT, rows, lambda row: row[0] in known)
    if docs:
        there = {row[0] for row in _select_in(s, "SELECT id FROM identity_documents WHERE id IN ({})", list(docs))}
        _write(raw, INSERT_DOC, UPSERT_DOC, list(docs.values()), lambda row: row[0] in there)
    search.write_index(s, [row for row in fts if row[0] in known], replace=True)
    search.write_index(s, [row for row in fts if row[0] not in known], replace=False)
    return {row[1] for row in rows}


def _apply_cases(s: Session, records: list[dict[str, Any]], now: datetime,
                 written: set[str] | None = None) -> None:
    """Write cases and their status history; `written`: applicant ids just written (known to exist)."""
    ids = [r["id"] for r in records]
    pending = _pending_ids(s, "case", ids)
    existing = {row[0] for row in _select_in(s, "SELECT id FROM cases WHERE id IN ({})", ids)}
    bundle_ids = [str(r["bundle_id"]) for r in records if r.get("bundle_id")]
    bundles = {row[0] for row in _select_in(s, "SELECT id FROM bundles WHERE id IN ({})", bundle_ids)}
    written = written or set()
    applicant_ids = list({str(r["applicant_id"]) for r in records if isinstance(r.get("applicant_id"), str)}
                         - written)
    known = written | {row[0] for row in _select_in(s, "SELECT id FROM applicants WHERE id IN ({})", applicant_ids)}
    stamp = now.astimezone(UTC).isoformat(timespec="microseconds")
    rows, history, replaced, numbers = [], [], [], []
    if pending:
        _defer(s, KIND_CASE, [r for r in records if r["id"] in pending])
    for r in records:
        cid = r["id"]
        if cid in pending:
            continue
        if cid in existing:
            replaced.append(cid)
        raw_fee = r.get("fee")
        fee: dict[str, Any] = raw_fee if isinstance(raw_fee, dict) else {}
        version = int(r.get("version") or 1)
        applicant_id, bundle_id, number = r.get("applicant_id"), r.get("bundle_id"), r.get("number")
        accepted_at, started = _ts(r.get("accepted_at")), _ts(r.get("intake_started_at"))
        if isinstance(number, str):
            numbers.append(number)
        answers = r.get("answers") if isinstance(r.get("answers"), dict) else {}
        documents = r.get("documents") if isinstance(r.get("documents"), list) else []
        conflict_data = r.get("conflict_data") if isinstance(r.get("conflict_data"), dict) else None
        rows.append((
            cid, number, str(r.get("status") or "accepted"), str(r.get("service_id") or ""),
            str(r.get("catalog_version") or ""), str(r.get("form_version") or ""),
            applicant_id if applicant_id in known else None, bundle_id if bundle_id in bundles else None,
            _dumps(answers), _dumps(documents), _dumps(list(r.get("privileges") or [])),
            _money_text(fee.get("amount")), _money_text(fee.get("full_amount")), fee.get("tariff"),
            fee.get("exempt_by"), accepted_at, _day(r.get("accepted_on")), _day(r.get("due_date")),
            str(r.get("channel") or "window"), r.get("office_code"), r.get("workstation_code"), r.get("specialist"),
            started, _ts(r.get("intake_finished_at")), r.get("notify_by"), r.get("assigned_to"),
            started or accepted_at or stamp, stamp, version, version, "synced", int(bool(r.get("conflict"))),
            _js(conflict_data)))
        for h in r.get("history") or []:
            if isinstance(h, dict) and h.get("to"):
                at = _ts(h.get("at")) or _ts(h.get("recorded_at")) or stamp
                history.append((cid, h.get("from"), str(h["to"]), at,
                                str(h.get("actor") or h.get("source") or "server")[:100], h.get("reason")))
    if not rows:
        return
    raw = _driver(s)
    for chunk in _chunks(replaced):  # the server's history replaces ours
        raw.execute(f"DELETE FROM status_history WHERE case_id IN ({_marks(len(chunk))})", chunk)
    _write(raw, INSERT_CASE, UPSERT_CASE, rows, lambda row: row[0] in existing)
    if history:
        raw.executemany(INSERT_HISTORY, history)
    _keep_counters_ahead(s, numbers)


def _write(raw: Any, insert: str, upsert: str, rows: list[tuple[Any, ...]],
           exists: Callable[[tuple[Any, ...]], bool]) -> None:
    """New rows with a plain INSERT, rows already in the store with the upsert."""
    new = [row for row in rows if not exists(row)]
    if new:
        raw.executemany(insert, new)
    if len(new) < len(rows):
        raw.executemany(upsert, [row for row in rows if exists(row)])


def _keep_counters_ahead(s: Session, numbers: list[str]) -> None:
    """Cases numbered by this very workstation that come back from the server (its store was
    restored from an older copy) move the day counters past them, so no number is given twice."""
    dev = get_device(s)
    if not dev.office_code or not dev.workstation_code:
        return
    own = f"{dev.office_code}-{dev.workstation_code}-"
    last: dict[str, int] = {}
    for number in numbers:
        if number.startswith(own) and len(number) == 20 and number[-4:].isdigit():
            prefix = number[:15]
            last[prefix] = max(last.get(prefix, 0), int(number[-4:]))
    for prefix, value in last.items():
        s.execute(text("INSERT INTO day_counters (prefix, last) VALUES (:p, :l) "
                       "ON CONFLICT(prefix) DO UPDATE SET last = max(last, excluded.last)"), {"p": prefix, "l": value})


def _apply_staff(s: Session, records: list[dict[str, Any]], now: datetime) -> None:
    for r in records:
        login = str(r.get("login") or "")
        if not login:
            continue
        staff = s.get(Staff, r["id"]) or s.scalars(select(Staff).where(Staff.login == login)).first()
        version = int(r.get("version") or 1)
        values = {"login": login, "full_name": str(r.get("full_name") or login), "role": str(r.get("role") or ""),
                  "office_code": r.get("office_code"), "password_hash": r.get("password_hash"),
                  "active": bool(r.get("active", True)), "updated_at": now, "server_version": version}
        if staff is None:
            s.add(Staff(id=r["id"], created_at=now, **values))
        else:
            if staff.id != r["id"]:
                s.execute(update(Staff).where(Staff.id == staff.id).values(id=r["id"]))
                s.expire_all()
                staff = s.get(Staff, r["id"])
                assert staff is not None
            for key, value in values.items():
                setattr(staff, key, value)
    s.flush()


def _apply_assignment(s: Session, data: dict[str, Any]) -> None:
    case_id = data.get("case_id")
    if not isinstance(case_id, str) or _pending_ids(s, "case", [case_id]):
        return
    case = s.get(Case, case_id)
    if case is not None:
        case.assigned_to = data.get("login") if data.get("active") else None


# --- store operations sync needs (not yet in the store) ---------------------------------------------
def edit_case(session: Session, case_id: str, fields: Mapping[str, Any], *, actor: str, now: datetime) -> ChangeSet:
    """Change fields of an accepted case (`answers` merges per answer); the outbox carries only
    what changed, based on the last server version, so the server can merge disjoint edits."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Дело не найдено: {case_id}")
    if case.status == "draft":
        raise InvalidOperation("Черновик меняется в форме, не так")
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise InvalidOperation(f"Эти поля так не меняются: {', '.join(unknown)}")
    payload: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "answers":
            answers = dict(case.answers or {})
            diff = {k: v for k, v in dict(value).items() if answers.get(k) != v}
            if diff:
                answers.update(diff)
                case.answers = answers
                payload["answers"] = diff
        elif getattr(case, key) != value:
            setattr(case, key, value)
            payload[key] = value
    if not payload:
        return ChangeSet()
    case.version += 1
    case.updated_at = now
    case.sync_state = "local"
    audit.record(session, actor=actor, action=Action.CHANGE, entity="case", entity_id=case.id, now=now,
                 detail={"fields": sorted(payload)})
    outbox.record(session, entity="case", entity_id=case.id, op="update", base_version=case.server_version,
                  payload={**payload, "version": case.version}, now=now)
    return changed("case", case.id)


def resolve_conflict(session: Session, case_id: str, choices: Mapping[str, Any], *, actor: str,
                     now: datetime) -> ChangeSet:
    """A person chose the value of each field in conflict; the server clears the flag when it has them all."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Дело не найдено: {case_id}")
    data = dict(case.conflict_data or {})
    for path, value in choices.items():
        if path.startswith("answers."):
            answers = dict(case.answers or {})
            answers[path[8:]] = value
            case.answers = answers
        elif path in EDITABLE:
            setattr(case, path, value)
        data.pop(path, None)
    case.conflict_data = data or None
    case.conflict = bool(data)
    case.version += 1
    case.updated_at = now
    case.sync_state = "local"
    audit.record(session, actor=actor, action=Action.CHANGE, entity="case", entity_id=case.id, now=now,
                 detail={"resolved": sorted(choices)})
    outbox.record(session, entity="case", entity_id=case.id, op="resolve", base_version=case.server_version,
                  payload={"choices": dict(choices), "version": case.version}, now=now)
    return changed("case", case.id)


def rejections(session: Session) -> list[dict[str, Any]]:
    """Changes the server refused for good, oldest first (seq, entity, entity_id, op, code, message, at)."""
    return list(get_setting(session, REJECTIONS, []) or [])


def dismiss_rejection(session: Session, seq: int) -> None:
    set_setting(session, REJECTIONS, [r for r in rejections(session) if r.get("seq") != seq])


def server_info(session: Session) -> dict[str, Any] | None:
    return get_setting(session, SERVER)


def save_enrolment(session: Session, *, url: str, device_id: str, name: str, office_code: str,
                   workstation_code: str, epoch: str, now: datetime) -> None:
    """Remember the server (never the token: that is in the keyring) and take the office and
    workstation codes it assigned, so case numbers are unique across the network."""
    dev = get_device(session)
    dev.office_code, dev.workstation_code = office_code, workstation_code
    set_setting(session, SERVER, {"url": url, "device_id": device_id, "name": name, "office_code": office_code,
                                  "workstation_code": workstation_code, "enrolled_at": now.isoformat()})
    if get_setting(session, EPOCH) != epoch:
        set_setting(session, EPOCH, epoch)
        set_setting(session, CURSOR, None)


def acked_seq(session: Session) -> int:
    """The highest outbox number the server has confirmed with no unconfirmed row below it."""
    first_pending = session.scalar(select(func.min(OutboxRow.device_seq)).where(OutboxRow.acked_at.is_(None)))
    if first_pending is not None:
        return int(first_pending) - 1
    return int(get_device(session).last_seq)


def token_user(root: Any) -> str:
    """The keyring entry of a data folder's device token (beside the store key's entry)."""
    from pathlib import Path

    return f"sync-token:{Path(root).expanduser().resolve()}"
