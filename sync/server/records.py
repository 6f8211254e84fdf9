"""Server-side records of cases and applicants, changed in memory and written in bulk.

A `Batch` belongs to one write transaction: it loads the records a push (or a back-office
action) touches with a few `IN (…)` queries, lets the caller change them as plain dicts, and
`flush()` writes everything with executemany statements — new and changed rows, history, the
mutation log — and emits one change-feed row per touched entity and audience with its final
state. Ten thousand cases in one push are a handful of statements, not tens of thousands.

A case record (`cases.data`) is the workstation's case payload plus what the server owns:
`version` (the server version, +1 per change), `status`, `history`, `conflict` and
`conflict_data`. `field_versions` remembers, per field (`answers.<key>` per answer), the version
and the device of its last change; it decides whether two edits were concurrent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from sync.protocol import KIND_APPLICANT, KIND_CASE
from sync.server import feed, schema

BACK_OFFICE = "back_office"


@dataclass(slots=True)
class CaseRec:
    id: str
    record: dict[str, Any]
    field_versions: dict[str, list[Any]]
    version: int
    created_by: str | None
    created_at: datetime
    is_new: bool = False
    dirty: bool = False

    @property
    def status(self) -> str:
        return str(self.record.get("status"))

    @property
    def office_code(self) -> str | None:
        return self.record.get("office_code")

    @property
    def applicant_id(self) -> str | None:
        value = self.record.get("applicant_id")
        return value if isinstance(value, str) else None

    def field_version(self, name: str) -> tuple[int, str | None]:
        found = self.field_versions.get(name)
        if found is None:
            return 1, self.created_by
        return int(found[0]), found[1]

    def bump(self) -> int:
        self.version += 1
        self.record["version"] = self.version
        self.dirty = True
        return self.version


@dataclass(slots=True)
class ApplicantRec:
    id: str
    data: dict[str, Any]
    version: int
    office_code: str | None
    created_at: datetime
    is_new: bool = False
    dirty: bool = False


@dataclass(slots=True)
class Batch:
    conn: Connection
    now: datetime
    cases: dict[str, CaseRec | None] = field(default_factory=dict)
    applicants: dict[str, ApplicantRec | None] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    mutation_log: list[dict[str, Any]] = field(default_factory=list)
    extra_audiences: dict[str, set[str]] = field(default_factory=dict)  # case id → more audiences
    applicant_audiences: dict[str, set[str]] = field(default_factory=dict)
    numbers: dict[str, str | None] = field(default_factory=dict)  # number → case id (None: free)
    resend: set[tuple[str, str, str]] = field(default_factory=set)  # (kind, id, audience) to send unchanged

    # --- loading -------------------------------------------------------------------------------
    def preload_cases(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self.cases]
        for chunk in _chunks(wanted, 500):
            found = {row.id: row for row in self.conn.execute(
                select(schema.cases.c.id, schema.cases.c.data, schema.cases.c.field_versions,
                       schema.cases.c.version, schema.cases.c.created_by, schema.cases.c.created_at)
                .where(_among(self.conn, schema.cases.c.id, chunk)))}
            for case_id in chunk:
                row = found.get(case_id)
                self.cases[case_id] = None if row is None else CaseRec(
                    row.id, feed.loads(row.data), feed.loads(row.field_versions), row.version, row.created_by,
                    row.created_at)

    def preload_applicants(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self.applicants]
        for chunk in _chunks(wanted, 500):
            found = {row.id: row for row in self.conn.execute(
                select(schema.applicants).where(_among(self.conn, schema.applicants.c.id, chunk)))}
            for applicant_id in chunk:
                row = found.get(applicant_id)
                self.applicants[applicant_id] = None if row is None else ApplicantRec(
                    row.id, feed.loads(row.data), row.version, row.office_code, row.created_at)

    def case(self, case_id: str) -> CaseRec | None:
        if case_id not in self.cases:
            self.preload_cases([case_id])
        return self.cases[case_id]

    def applicant(self, applicant_id: str) -> ApplicantRec | None:
        if applicant_id not in self.applicants:
            self.preload_applicants([applicant_id])
        return self.applicants[applicant_id]

    def number_owner(self, number: str) -> str | None:
        if number in self.numbers:
            return self.numbers[number]
        owner = self.conn.execute(select(schema.cases.c.id).where(schema.cases.c.number == number)).scalar()
        self.numbers[number] = owner
        return owner

    def preload_numbers(self, numbers: Iterable[str]) -> None:
        wanted = [n for n in set(numbers) if n not in self.numbers]
        for chunk in _chunks(wanted, 500):
            self.numbers.update(dict.fromkeys(chunk))
            for row in self.conn.execute(select(schema.cases.c.number, schema.cases.c.id)
                                         .where(_among(self.conn, schema.cases.c.number, chunk))):
                self.numbers[row.number] = row.id

    # --- changing ------------------------------------------------------------------------------
    def add_case(self, rec: CaseRec) -> None:
        rec.is_new = rec.dirty = True
        self.cases[rec.id] = rec
        number = rec.record.get("number")
        if isinstance(number, str):
            self.numbers[number] = rec.id

    def add_applicant(self, rec: ApplicantRec) -> None:
        rec.is_new = rec.dirty = True
        self.applicants[rec.id] = rec

    def add_history(self, case: CaseRec, *, old: str | None, new: str, actor: str | None, reason: str | None,
                    source: str, device_id: str | None, seq: int | None, client_at: str | None) -> None:
        entry = {"from": old, "to": new, "at": client_at, "recorded_at": self.now.isoformat(), "actor": actor,
                 "reason": reason, "source": source}
        case.record.setdefault("history", []).append(entry)
        self.history.append({"case_id": case.id, "from_status": old, "to_status": new, "actor": actor,
                             "reason": reason, "source": source, "device_id": device_id, "mutation_seq": seq,
                             "client_at": client_at, "recorded_at": self.now})

    def log_mutation(self, row: dict[str, Any]) -> None:
        self.mutation_log.append(row)

    def also_send_case_to(self, case_id: str, audience: str) -> None:
        self.extra_audiences.setdefault(case_id, set()).add(audience)

    def send_again(self, kind: str, entity_id: str, audience: str) -> None:
        """Send an entity's current record to `audience` even if unchanged: a device whose change
        was rejected gets the server's state back and drops its own."""
        self.resend.add((kind, entity_id, audience))

    # --- writing -------------------------------------------------------------------------------
    def flush(self) -> None:
        conn, now = self.conn, self.now
        new_cases = [c for c in self.cases.values() if c is not None and c.is_new]
        changed_cases = [c for c in self.cases.values() if c is not None and c.dirty and not c.is_new]
        new_apps = [a for a in self.applicants.values() if a is not None and a.is_new]
        changed_apps = [a for a in self.applicants.values() if a is not None and a.dirty and not a.is_new]
        if new_apps:
            feed.insert_rows(conn, schema.applicants, [
                {"id": a.id, "version": a.version, "data": feed.dumps(a.data), "office_code": a.office_code,
                 "created_at": a.created_at, "updated_at": now} for a in new_apps])
        if changed_apps:
            conn.execute(update(schema.applicants).where(schema.applicants.c.id == bindparam("b_id")).values(
                version=bindparam("version"), data=bindparam("data"), updated_at=bindparam("updated_at")),
                [{"b_id": a.id, "version": a.version, "data": feed.dumps(a.data), "updated_at": now}
                 for a in changed_apps])
        if new_cases:
            feed.insert_rows(conn, schema.cases, [self._case_row(c) for c in new_cases])
        if changed_cases:
            conn.execute(update(schema.cases).where(schema.cases.c.id == bindparam("b_id")).values(
                status=bindparam("status"), version=bindparam("version"), conflict=bindparam("conflict"),
                data=bindparam("data"), field_versions=bindparam("field_versions"),
                applicant_id=bindparam("applicant_id"), updated_at=bindparam("updated_at")),
                [{**self._case_row(c), "b_id": c.id} for c in changed_cases])
        if self.history:
            feed.insert_rows(conn, schema.case_history, self.history)
        if self.mutation_log:
            feed.insert_rows(conn, schema.mutations, self.mutation_log)
        emissions = self._emissions(new_cases + changed_cases, new_apps + changed_apps)
        emissions.extend(self._resends({(e.kind, e.entity_id, e.audience) for e in emissions}))
        feed.emit(conn, emissions, now)
        self.resend = set()
        for c in new_cases + changed_cases:
            c.is_new = c.dirty = False
        for a in new_apps + changed_apps:
            a.is_new = a.dirty = False
        self.history, self.mutation_log = [], []

    def _case_row(self, c: CaseRec) -> dict[str, Any]:
        return {"id": c.id, "number": c.record.get("number"), "office_code": c.office_code, "status": c.status,
                "applicant_id": c.applicant_id, "version": c.version, "conflict": bool(c.record.get("conflict")),
                "data": feed.dumps(c.record), "field_versions": feed.dumps(c.field_versions),
                "created_by": c.created_by, "created_at": c.created_at, "updated_at": self.now}

    def _emissions(self, touched_cases: list[CaseRec], touched_apps: list[ApplicantRec]) -> list[feed.Emit]:
        out: list[feed.Emit] = []
        assigned = case_devices(self.conn, [c.id for c in touched_cases])
        app_ids = {c.applicant_id for c in touched_cases if c.applicant_id}
        self.preload_applicants(app_ids)
        for c in touched_cases:
            auds = {feed.office_audience(c.office_code)} if c.office_code else set()
            auds |= {feed.device_audience(d) for d in assigned.get(c.id, ())}
            auds |= self.extra_audiences.get(c.id, set())
            applicant = self.applicants.get(c.applicant_id) if c.applicant_id else None
            data = case_json(c.record, applicant.data if applicant else None)
            out.extend(feed.Emit(a, KIND_CASE, c.id, c.version, data) for a in sorted(auds))
        if touched_apps:
            offices = applicant_audiences(self.conn, [a.id for a in touched_apps])
            for a in touched_apps:
                auds = set(offices.get(a.id, ())) | self.applicant_audiences.get(a.id, set())
                if a.office_code:
                    auds.add(feed.office_audience(a.office_code))
                data = feed.dumps({**a.data, "version": a.version})
                out.extend(feed.Emit(aud, KIND_APPLICANT, a.id, a.version, data) for aud in sorted(auds))
        return out


    def _resends(self, done: set[tuple[str, str, str]]) -> list[feed.Emit]:
        out = []
        for kind, entity_id, audience in sorted(self.resend - done):
            if kind == KIND_CASE:
                case = self.case(entity_id)
                if case is None:
                    continue
                applicant = self.applicant(case.applicant_id) if case.applicant_id else None
                out.append(feed.Emit(audience, KIND_CASE, case.id, case.version,
                                     case_json(case.record, applicant.data if applicant else None)))
            elif kind == KIND_APPLICANT:
                rec = self.applicant(entity_id)
                if rec is not None:
                    out.append(feed.Emit(audience, KIND_APPLICANT, rec.id, rec.version,
                                         feed.dumps({**rec.data, "version": rec.version})))
        return out


def case_json(record: dict[str, Any], applicant: dict[str, Any] | None) -> str:
    """The record a workstation receives: the case with its applicant's card embedded (so a case
    from another window can be shown and issued even if the card was never seen there)."""
    if applicant is None:
        return feed.dumps(record)
    return feed.dumps({**record, "applicant": applicant})


def case_devices(conn: Connection, case_ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for chunk in _chunks(case_ids, 500):
        for row in conn.execute(select(schema.assignments.c.case_id, schema.assignments.c.device_id).where(
                _among(conn, schema.assignments.c.case_id, chunk), schema.assignments.c.active.is_(True))):
            out.setdefault(row.case_id, []).append(row.device_id)
    return out


def applicant_audiences(conn: Connection, applicant_ids: list[str]) -> dict[str, set[str]]:
    """Where an applicant's card must go: the centres of their cases and the devices assigned to them."""
    out: dict[str, set[str]] = {}
    for chunk in _chunks(applicant_ids, 500):
        rows = conn.execute(select(schema.cases.c.applicant_id, schema.cases.c.office_code, schema.cases.c.id)
                            .where(_among(conn, schema.cases.c.applicant_id, chunk)))
        by_case: dict[str, str] = {}
        for row in rows:
            if row.office_code:
                out.setdefault(row.applicant_id, set()).add(feed.office_audience(row.office_code))
            by_case[row.id] = row.applicant_id
        for case_id, devices in case_devices(conn, list(by_case)).items():
            for device_id in devices:
                out.setdefault(by_case[case_id], set()).add(feed.device_audience(device_id))
    return out


def _among(conn: Connection, column: Any, values: list[str]) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one statement text whatever the
    count (compiled once, prepared by the driver) instead of a new text per list length."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam("among", values, type_=ARRAY(String)))
    return column.in_(values)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
