"""Applying a push: a device's mutations, in order, exactly once.

One push is one transaction. The device row is locked first (per-device pushes are serialised,
so a duplicated or reordered request waits and then finds its mutations already applied); then

* mutations at or below the device's `last_seq` are duplicates: nothing changes, and the answer
  repeats the first outcome from the mutation log (so a workstation that lost the response to
  a rejection still learns of it);
* the first new mutation must be `last_seq + 1`, or the whole push is refused as a gap;
* each new mutation is applied or rejected for good (validation, lifecycle, permission), and
  every outcome is written to the mutation log;
* `last_seq` is set to the last mutation of the batch in the same transaction.

A failure of the database itself rolls the whole transaction back and the push is answered
503: the workstation retries the same batch later. An integrity or data error (a bug, or a
payload the checks let through) makes the batch run again one savepoint per mutation, so only
the offending mutation is rejected and the queue never blocks on it.

Conflicts (see `records.py`): an edit made without knowledge of another device's later edit to
the same field keeps the server's value, records the proposal beside it and flags the case;
edits to different fields merge; a status change is checked against the lifecycle from the
server's current status — the server decides, and client clocks are only recorded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import DataError, IntegrityError

from sync import messages as m
from sync.protocol import (
    APPLIED,
    CONFLICT,
    DUPLICATE,
    MERGED,
    REJECTED,
    Mutation,
    MutationResult,
    PushRequest,
    PushResponse,
)
from sync.server import feed, lifecycle, schema
from sync.server.records import ApplicantRec, Batch, CaseRec

# Case fields a plain update may not touch: identity, placement and what the server owns.
NOT_EDITABLE = frozenset({"id", "number", "status", "office_code", "workstation_code", "history", "conflict",
                          "conflict_data", "version", "applicant", "accepted_at", "accepted_on", "service_id",
                          "catalog_version", "form_version"})
META_KEYS = frozenset({"version", "at", "actor", "reason"})  # context of an update, not fields
STATUS_ONLY_FOR_CREATE = frozenset(lifecycle.STATUSES - {"draft"})

FaultHook = Callable[[str, int, Mutation], None]


@dataclass(frozen=True, slots=True)
class DeviceRef:
    id: str
    office_code: str
    workstation_code: str
    name: str


class SequenceGap(Exception):
    def __init__(self, last_applied: int) -> None:
        super().__init__(last_applied)
        self.last_applied = last_applied


class SequenceReused(SequenceGap):
    """A mutation arrives with a number the server already applied for a different mutation."""


class BadBatch(ValueError):
    pass


class Rejection(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(slots=True)
class Outcome:
    status: str
    version: int | None = None
    code: str | None = None
    message: str | None = None


def push(conn: Connection, device: DeviceRef, request: PushRequest, epoch: str, now: datetime,
         fault_hook: FaultHook | None = None) -> PushResponse:
    muts = request.mutations
    first = muts[0].seq
    for i, mut in enumerate(muts):
        if mut.seq != first + i:
            raise BadBatch("sequence numbers in a batch must be consecutive and ascending")
    last = _lock_device(conn, device.id)
    dups = [mt for mt in muts if mt.seq <= last]
    new = [mt for mt in muts if mt.seq > last]
    if new and new[0].seq != last + 1:
        raise SequenceGap(last)
    results = _duplicates(conn, device.id, dups, last)
    if new:
        savepoint = conn.begin_nested()
        try:
            outcomes = _apply_all(conn, device, new, now, fault_hook)
            savepoint.commit()
        except (IntegrityError, DataError):
            savepoint.rollback()
            outcomes = _apply_carefully(conn, device, new, now)
        results.extend(_result(mt.seq, o) for mt, o in zip(new, outcomes, strict=True))
        last = new[-1].seq
        conn.execute(update(schema.devices).where(schema.devices.c.id == device.id)
                     .values(last_seq=last, last_seen_at=now))
    return PushResponse(epoch=epoch, last_applied_seq=last, results=results)


def _lock_device(conn: Connection, device_id: str) -> int:
    stmt = select(schema.devices.c.last_seq).where(schema.devices.c.id == device_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return int(conn.execute(stmt).scalar_one())


def _duplicates(conn: Connection, device_id: str, dups: list[Mutation], last: int) -> list[MutationResult]:
    if not dups:
        return []
    logged = {row.seq: row for row in conn.execute(
        select(schema.mutations.c.seq, schema.mutations.c.mutation_id, schema.mutations.c.result,
               schema.mutations.c.code,
               schema.mutations.c.message, schema.mutations.c.version)
        .where(schema.mutations.c.device_id == device_id,
               schema.mutations.c.seq.between(dups[0].seq, dups[-1].seq)))}
    out = []
    for mt in dups:
        row = logged.get(mt.seq)
        if row is not None and row.mutation_id != mt.id:
            raise SequenceReused(last)
        out.append(MutationResult(seq=mt.seq, status=DUPLICATE, original=row.result if row else None,
                                  code=row.code if row else None, message=row.message if row else None,
                                  version=row.version if row else None))
    return out


def _result(seq: int, o: Outcome) -> MutationResult:
    return MutationResult(seq=seq, status=o.status, code=o.code, message=o.message,  # type: ignore[arg-type]
                          version=o.version)


def _apply_all(conn: Connection, device: DeviceRef, muts: list[Mutation], now: datetime,
               fault_hook: FaultHook | None) -> list[Outcome]:
    batch = Batch(conn, now)
    batch.preload_cases([mt.entity_id for mt in muts if mt.entity == "case"])
    batch.preload_applicants([mt.entity_id for mt in muts if mt.entity == "applicant"])
    batch.preload_numbers([str(mt.payload["number"]) for mt in muts
                           if mt.entity == "case" and mt.op == "create" and isinstance(mt.payload.get("number"), str)])
    outcomes = []
    for index, mt in enumerate(muts):
        if fault_hook is not None:
            fault_hook(device.id, index, mt)
        outcomes.append(_apply_logged(batch, device, mt))
    batch.flush()
    return outcomes


def _apply_carefully(conn: Connection, device: DeviceRef, muts: list[Mutation], now: datetime) -> list[Outcome]:
    """One savepoint per mutation: a mutation the database refuses is rejected alone."""
    outcomes = []
    for mt in muts:
        savepoint = conn.begin_nested()
        try:
            batch = Batch(conn, now)
            outcome = _apply_logged(batch, device, mt)
            batch.flush()
            savepoint.commit()
        except (IntegrityError, DataError):
            savepoint.rollback()
            outcome = Outcome(REJECTED, code="server_error", message=m.SERVER_ERROR)
            batch = Batch(conn, now)
            _log(batch, device, mt, outcome)
            batch.flush()
        outcomes.append(outcome)
    return outcomes


def _apply_logged(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    try:
        outcome = apply_one(batch, device, mt)
    except Rejection as exc:
        outcome = Outcome(REJECTED, code=exc.code, message=exc.message)
        if exc.code != "forbidden" and mt.entity in ("case", "applicant"):
            batch.send_again(mt.entity, mt.entity_id, feed.device_audience(device.id))
    _log(batch, device, mt, outcome)
    return outcome


def _log(batch: Batch, device: DeviceRef, mt: Mutation, o: Outcome) -> None:
    batch.log_mutation({"device_id": device.id, "seq": mt.seq, "mutation_id": mt.id, "entity": mt.entity,
                        "entity_id": mt.entity_id, "op": mt.op, "result": o.status, "code": o.code,
                        "message": o.message, "version": o.version,
                        "client_time": mt.client_time.isoformat() if mt.client_time else None,
                        "applied_at": batch.now})


def apply_one(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    if mt.entity == "case":
        handler = _CASE_OPS.get(mt.op)
    elif mt.entity == "applicant":
        handler = _APPLICANT_OPS.get(mt.op)
    else:
        raise Rejection("unknown_entity", m.UNKNOWN_ENTITY.format(entity=mt.entity))
    if handler is None:
        raise Rejection("unknown_op", m.UNKNOWN_OP.format(op=mt.op))
    return handler(batch, device, mt)


# --- cases -------------------------------------------------------------------------------------------
def _visible_case(batch: Batch, device: DeviceRef, case_id: str) -> CaseRec:
    case = batch.case(case_id)
    if case is None:
        raise Rejection("not_found", m.CASE_UNKNOWN)
    if case.office_code != device.office_code and not _assigned(batch, case_id, device.id):
        raise Rejection("forbidden", m.CASE_OTHER_OFFICE)
    return case


def _assigned(batch: Batch, case_id: str, device_id: str) -> bool:
    row = batch.conn.execute(select(schema.assignments.c.active).where(
        schema.assignments.c.case_id == case_id, schema.assignments.c.device_id == device_id)).scalar()
    return bool(row)


def _text(payload: dict[str, Any], key: str, limit: int = 200, required: bool = False) -> str | None:
    value = payload.get(key)
    if value is None:
        if required:
            raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail=f"нет поля {key}"))
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail=key))
    return value


def case_create(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    p = mt.payload
    if p.get("id", mt.entity_id) != mt.entity_id:
        raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail="id"))
    existing = batch.case(mt.entity_id)
    if existing is not None:  # sent again after a server restore: what differs is an update
        fields = {k: v for k, v in p.items() if k not in NOT_EDITABLE and k not in META_KEYS}
        return _update_fields(batch, device, mt, existing, fields)
    status = _text(p, "status", 16, required=True)
    if status not in STATUS_ONLY_FOR_CREATE:
        raise Rejection("unknown_status", m.UNKNOWN_STATUS.format(status=status))
    office = _text(p, "office_code", 4, required=True)
    if office != device.office_code:
        raise Rejection("forbidden", m.CASE_OTHER_OFFICE)
    number = _text(p, "number", 24)
    if number is not None and batch.number_owner(number) not in (None, mt.entity_id):
        raise Rejection("number_taken", m.NUMBER_TAKEN.format(number=number))
    applicant_id = _text(p, "applicant_id", 64)
    _text(p, "workstation_code", 3)
    record = {k: v for k, v in p.items() if k not in ("version", "history", "conflict", "conflict_data",
                                                      "applicant")}
    record.update(id=mt.entity_id, status=status, version=1, conflict=False, conflict_data=None, history=[],
                  applicant_id=applicant_id)
    case = CaseRec(mt.entity_id, record, {}, 1, device.id, batch.now)
    batch.add_case(case)
    batch.add_history(case, old="draft", new=status, actor=_text(p, "specialist", 100), reason=None,
                      source="device", device_id=device.id, seq=mt.seq, client_at=_client_at(p, "accepted_at", mt))
    return Outcome(APPLIED, version=1)


def _client_at(p: dict[str, Any], key: str, mt: Mutation) -> str | None:
    value = p.get(key)
    if isinstance(value, str) and len(value) <= 40:
        return value
    return mt.client_time.isoformat() if mt.client_time else None


def _flatten(fields: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in fields.items():
        if key == "answers" and isinstance(value, dict):
            out.extend((f"answers.{k}", v) for k, v in value.items())
        else:
            out.append((key, value))
    return out


_MISSING = object()


def _get(record: dict[str, Any], path: str) -> Any:
    if path.startswith("answers."):
        answers = record.get("answers")
        return answers.get(path[8:], _MISSING) if isinstance(answers, dict) else _MISSING
    return record.get(path, _MISSING)


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    if path.startswith("answers."):
        answers = record.get("answers")
        if not isinstance(answers, dict):
            answers = record["answers"] = {}
        answers[path[8:]] = value
    else:
        record[path] = value


def case_update(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    case = _visible_case(batch, device, mt.entity_id)
    fields = {k: v for k, v in mt.payload.items() if k not in META_KEYS}
    bad = sorted(k for k in fields if k in NOT_EDITABLE)
    if bad:
        raise Rejection("field_not_editable", m.FIELD_NOT_EDITABLE.format(field=", ".join(bad)))
    return _update_fields(batch, device, mt, case, fields)


def _update_fields(batch: Batch, device: DeviceRef, mt: Mutation, case: CaseRec,
                   fields: dict[str, Any]) -> Outcome:
    base = mt.base_version
    merged = (base is None and case.created_by != device.id) or (base is not None and base < case.version)
    changed: list[tuple[str, Any]] = []
    conflicts: list[tuple[str, Any, Any, int, str | None]] = []
    for path, new in _flatten(fields):
        current = _get(case.record, path)
        if current == new:
            continue
        f_version, f_device = case.field_version(path)
        concurrent = f_device != device.id and (base is None or f_version > base)
        if concurrent and current is not _MISSING:
            conflicts.append((path, current, new, f_version, f_device))
        else:
            changed.append((path, new))
    if not changed and not conflicts:
        return Outcome(MERGED if merged else APPLIED, version=case.version)
    version = case.bump()
    data = case.record.get("conflict_data")
    data = copy.deepcopy(data) if isinstance(data, dict) else {}
    for path, new in changed:
        _set(case.record, path, new)
        case.field_versions[path] = [version, device.id]
        if path in data:  # a field in conflict changed knowingly: the side-by-side view shows what is current
            data[path]["server"] = {"value": new, "version": version, "device": device.id}
    if data:
        case.record["conflict_data"] = data
    if conflicts:
        for path, current, new, f_version, f_device in conflicts:
            entry = data.setdefault(path, {"server": {"value": current, "version": f_version, "device": f_device},
                                           "proposed": []})
            entry["proposed"].append({"value": new, "device": device.id, "device_name": device.name,
                                      "seq": mt.seq, "base_version": base,
                                      "client_time": mt.client_time.isoformat() if mt.client_time else None})
        case.record["conflict_data"] = data
        case.record["conflict"] = True
        names = ", ".join(p for p, *_ in conflicts)
        return Outcome(CONFLICT, version=version, code="conflict", message=m.CONFLICT.format(fields=names))
    return Outcome(MERGED if merged else APPLIED, version=version)


def case_status(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    case = _visible_case(batch, device, mt.entity_id)
    p = mt.payload
    new = _text(p, "to", 16, required=True)
    reason = _text(p, "reason", 2000)
    old = case.status
    if new == old:  # the same change made elsewhere too: nothing to do
        return Outcome(MERGED, version=case.version)
    refused = lifecycle.refusal(old, str(new), reason)
    if refused is not None:
        raise Rejection(*refused)
    version = case.bump()
    case.record["status"] = new
    case.field_versions["status"] = [version, device.id]
    batch.add_history(case, old=old, new=str(new), actor=_text(p, "actor", 100), reason=reason, source="device",
                      device_id=device.id, seq=mt.seq, client_at=_client_at(p, "at", mt))
    return Outcome(APPLIED if p.get("from") == old else MERGED, version=version)


def case_resolve(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    """A person chose values for fields in conflict: `{"choices": {field: value}}`."""
    case = _visible_case(batch, device, mt.entity_id)
    choices = mt.payload.get("choices")
    if not isinstance(choices, dict) or not choices:
        raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail="choices"))
    bad = sorted(k for k in choices if k.split(".")[0] in NOT_EDITABLE)
    if bad:
        raise Rejection("field_not_editable", m.FIELD_NOT_EDITABLE.format(field=", ".join(bad)))
    version = case.bump()
    data = copy.deepcopy(case.record.get("conflict_data") or {})
    for path, value in choices.items():
        _set(case.record, path, value)
        case.field_versions[path] = [version, device.id]
        data.pop(path, None)
    case.record["conflict_data"] = data or None
    case.record["conflict"] = bool(data)
    return Outcome(APPLIED, version=version)


# --- applicants ------------------------------------------------------------------------------------
def applicant_upsert(batch: Batch, device: DeviceRef, mt: Mutation) -> Outcome:
    """Applicant cards: fields from the latest arrival win (the card is the person's current data,
    each case keeps the answers it was filed with); identity documents merge by id."""
    p = {k: v for k, v in mt.payload.items() if k != "version"}
    if p.get("id", mt.entity_id) != mt.entity_id:
        raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail="id"))
    docs = p.get("documents")
    if docs is not None and not (isinstance(docs, list) and all(isinstance(d, dict) for d in docs)):
        raise Rejection("invalid", m.INVALID_PAYLOAD.format(detail="documents"))
    rec = batch.applicant(mt.entity_id)
    if rec is None:
        p["id"] = mt.entity_id
        batch.add_applicant(ApplicantRec(mt.entity_id, p, 1, device.office_code, batch.now))
        return Outcome(APPLIED, version=1)
    if rec.office_code != device.office_code and not _sees_applicant(batch, device, rec.id):
        raise Rejection("forbidden", m.FORBIDDEN)
    data = dict(rec.data)
    for key, value in p.items():
        if key == "documents" and isinstance(value, list):
            by_id = {d.get("id"): d for d in data.get("documents") or [] if isinstance(d, dict)}
            for doc in value:
                by_id[doc.get("id")] = doc
            data["documents"] = list(by_id.values())
        else:
            data[key] = value
    if data == rec.data:
        return Outcome(MERGED, version=rec.version)
    rec.data = data
    rec.version += 1
    rec.dirty = True
    return Outcome(APPLIED if (mt.base_version or 0) >= rec.version - 1 else MERGED, version=rec.version)


def _sees_applicant(batch: Batch, device: DeviceRef, applicant_id: str) -> bool:
    """A card of another centre may be updated where one of the person's cases is visible."""
    c, a = schema.cases.c, schema.assignments.c
    own = batch.conn.execute(select(c.id).where(c.applicant_id == applicant_id, c.office_code == device.office_code)
                             .limit(1)).first()
    if own is not None:
        return True
    assigned = batch.conn.execute(
        select(a.case_id).join(schema.cases, schema.cases.c.id == a.case_id)
        .where(c.applicant_id == applicant_id, a.device_id == device.id, a.active.is_(True)).limit(1)).first()
    return assigned is not None


_CASE_OPS = {"create": case_create, "update": case_update, "status": case_status, "resolve": case_resolve}
_APPLICANT_OPS = {"create": applicant_upsert, "update": applicant_upsert}
