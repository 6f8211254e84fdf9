"""Case services: intake (drafts), acceptance, status changes, viewing, printing marks.

Every function takes a `Session` inside the caller's unit of work and never commits; every
mutation writes its audit entry and — for what the server must learn — its outbox row in that
same transaction, and returns a `ChangeSet`.

Drafts are local work in progress: saved on every field change (cheaply, one UPDATE) and never
sent to the server; the case reaches the outbox when it is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.calendar import ProductionCalendar
from forms.engine import Context, FormResult, calendar_for, due_date, evaluate_case
from forms.model import Catalog
from forms.versions import CatalogUnavailable
from workstation.core import applicants, audit, lifecycle, numbering, outbox
from workstation.core import messages as m
from workstation.core.audit import Action
from workstation.core.changes import ChangeSet, changed
from workstation.core.database import dbapi, dumps, utc_text
from workstation.core.device import codes
from workstation.core.errors import InvalidOperation, NotFound, TransitionRefused, ValidationFailed
from workstation.core.ids import new_id
from workstation.core.lifecycle import Status
from workstation.core.models import Bundle, Case, StatusChange

CHANNELS = ("window", "home_visit")
NOTIFY = ("sms", "email", "none")


class CatalogSource(Protocol):
    """What acceptance needs of the catalogs: the one a case was filled with (a `CatalogLibrary`)."""

    def current(self) -> Catalog: ...

    def get(self, version: str) -> Catalog: ...


def catalog_of(catalogs: CatalogSource | Catalog, version: str) -> Catalog:
    if isinstance(catalogs, Catalog):
        if catalogs.version != version:
            raise InvalidOperation(m.CATALOG_MISSING.format(version=version))
        return catalogs
    try:
        return catalogs.get(version)
    except CatalogUnavailable:
        raise InvalidOperation(m.CATALOG_MISSING.format(version=version)) from None


_calendars: dict[str, ProductionCalendar] = {}


def _calendar(catalog: Catalog) -> ProductionCalendar:
    cal = _calendars.get(catalog.version)
    if cal is None:
        cal = _calendars[catalog.version] = calendar_for(catalog)
    return cal


def _check_choice(value: str | None, allowed: Sequence[str], message: str) -> None:
    if value is not None and value not in allowed:
        raise InvalidOperation(message)


# --- finding ----------------------------------------------------------------------------------------
def find(session: Session, ref: str) -> Case | None:
    """A case by id or by number (typed with or without hyphens)."""
    number = numbering.canonical(ref)
    if number is not None:
        return session.scalars(select(Case).where(Case.number == number)).first()
    return session.get(Case, ref.strip())


def get(session: Session, ref: str) -> Case:
    found = find(session, ref)
    if found is None:
        raise NotFound(m.CASE_NOT_FOUND.format(ref=ref))
    return found


def open_case(session: Session, ref: str, *, actor: str, now: datetime) -> Case:
    """The case for a screen or a print: the view is audited (so this is a write)."""
    case = get(session, ref)
    audit.record(session, actor=actor, action=Action.VIEW, entity="case", entity_id=case.id, now=now)
    return case


def list_cases(session: Session, *, status: str | None = None, day: date | None = None,
               limit: int | None = None) -> list[Case]:
    stmt = select(Case)
    if status is not None:
        stmt = stmt.where(Case.status == lifecycle.parse(status).value)
    if day is not None:
        stmt = stmt.where(Case.accepted_on == day)
    stmt = stmt.order_by(Case.accepted_at.desc().nulls_last(), Case.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def drafts(session: Session, *, specialist: str | None = None) -> list[Case]:
    """Drafts to reopen (after a crash: the UI offers them at login), newest first."""
    stmt = select(Case).where(Case.status == Status.DRAFT.value)
    if specialist is not None:
        stmt = stmt.where(Case.specialist == specialist)
    return list(session.scalars(stmt.order_by(Case.updated_at.desc())))


# --- intake -----------------------------------------------------------------------------------------
def create_bundle(session: Session, *, situation_id: str, specialist: str, now: datetime,
                  applicant_id: str | None = None) -> tuple[str, ChangeSet]:
    bundle = Bundle(id=new_id(), situation_id=situation_id, applicant_id=applicant_id, specialist=specialist,
                    created_at=now)
    session.add(bundle)
    return bundle.id, changed("bundle", bundle.id, "created")


def start_intake(session: Session, *, catalog: Catalog, service_id: str, specialist: str, now: datetime,
                 channel: str = "window", applicant_id: str | None = None, bundle_id: str | None = None,
                 answers: Mapping[str, Any] | None = None, documents: Sequence[Mapping[str, Any]] = (),
                 privileges: Iterable[str] = (), notify_by: str | None = None,
                 case_id: str | None = None) -> tuple[str, ChangeSet]:
    """A new draft for `service_id` filled with the current catalog's form (`case_id`: an id the
    caller derived, e.g. the import's id of a line, so a line imported twice is found again)."""
    service = catalog.services.get(service_id)
    if service is None:
        raise InvalidOperation(m.UNKNOWN_SERVICE.format(service=service_id, version=catalog.version))
    _check_choice(channel, CHANNELS, m.UNKNOWN_CHANNEL)
    _check_choice(notify_by, NOTIFY, m.UNKNOWN_NOTIFY)
    dev_codes = _codes_or_none(session)
    case = Case(
        id=case_id or new_id(), number=None, status=Status.DRAFT.value, service_id=service_id,
        catalog_version=catalog.version, form_version=service.form_version, applicant_id=applicant_id,
        bundle_id=bundle_id, answers=dict(answers or {}), documents=[dict(d) for d in documents],
        privileges=sorted(set(privileges)), channel=channel, specialist=specialist, notify_by=notify_by,
        office_code=dev_codes[0], workstation_code=dev_codes[1],
        intake_started_at=now, created_at=now, updated_at=now, version=1, sync_state="local", conflict=False)
    session.add(case)
    audit.record(session, actor=specialist, action=Action.CREATE, entity="case", entity_id=case.id, now=now,
                 detail={"service": service_id, "draft": True})
    return case.id, changed("case", case.id, "created")


def _codes_or_none(session: Session) -> tuple[str | None, str | None]:
    try:
        return codes(session)
    except Exception:
        return None, None


def save_draft(session: Session, case_id: str, *, answers: Mapping[str, Any], now: datetime,
               documents: Sequence[Mapping[str, Any]] | None = None, privileges: Iterable[str] | None = None,
               notify_by: str | None = None, channel: str | None = None,
               applicant_id: str | None = None) -> ChangeSet:
    """Keep what is typed so far; incomplete and invalid answers are fine in a draft."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(m.CASE_NOT_FOUND.format(ref=case_id))
    if case.status != Status.DRAFT:
        raise InvalidOperation(m.NOT_A_DRAFT.format(ref=case.number or case_id))
    _check_choice(channel, CHANNELS, m.UNKNOWN_CHANNEL)
    _check_choice(notify_by, NOTIFY, m.UNKNOWN_NOTIFY)
    case.answers = dict(answers)
    if documents is not None:
        case.documents = [dict(d) for d in documents]
    if privileges is not None:
        case.privileges = sorted(set(privileges))
    if notify_by is not None:
        case.notify_by = notify_by
    if channel is not None:
        case.channel = channel
    if applicant_id is not None:
        case.applicant_id = applicant_id
    case.updated_at = now
    return changed("case", case.id)


def discard_draft(session: Session, case_id: str, *, actor: str, now: datetime) -> ChangeSet:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(m.CASE_NOT_FOUND.format(ref=case_id))
    if case.status != Status.DRAFT:
        raise InvalidOperation(m.NOT_A_DRAFT.format(ref=case.number or case_id))
    session.delete(case)
    audit.record(session, actor=actor, action=Action.DELETE, entity="case", entity_id=case_id, now=now,
                 detail={"draft": True})
    return changed("case", case_id, "deleted")


def context_for(case: Case, catalog: Catalog, day: date) -> Context:
    office = catalog.offices.get(case.office_code or "")
    return Context(today=day, office_type=office.type if office else None, channel=case.channel,
                   privileges=frozenset(case.privileges or ()))


def check(session: Session, case_id: str, catalogs: CatalogSource | Catalog, *, now: datetime) -> FormResult:
    """What the form engine says of a draft now (the UI shows it; nothing is written)."""
    case = get(session, case_id)
    catalog = catalog_of(catalogs, case.catalog_version)
    return evaluate_case(catalog, case.service_id, case.answers, context_for(case, catalog, now.date()),
                         presented=case.documents or [])


@dataclass(frozen=True, slots=True)
class Accepted:
    case_id: str
    number: str
    due_date: date | None
    result: FormResult
    changes: ChangeSet


def accept(session: Session, case_id: str, *, catalogs: CatalogSource | Catalog, actor: str,
           now: datetime) -> Accepted:
    """Validate, number and accept a draft: the case, its applicant, history, audit and outbox rows.

    Raises `ValidationFailed` (each issue names its field) when the engine finds errors; the
    caller's unit of work then rolls back, so nothing is half-saved.
    """
    session.flush()  # a draft started in this same transaction must be findable
    with session.no_autoflush:  # then one flush at commit instead of one before every query
        return _accept(session, case_id, catalogs=catalogs, actor=actor, now=now)


_DRAFT_COLUMNS = ("id", "number", "status", "service_id", "catalog_version", "form_version", "applicant_id",
                  "bundle_id", "answers", "documents", "privileges", "channel", "office_code", "specialist",
                  "intake_started_at", "notify_by", "assigned_to", "version", "created_at")
_JSON_COLUMNS = frozenset({"answers", "documents", "privileges"})
_TIME_COLUMNS = frozenset({"intake_started_at", "created_at"})


def _load_draft(session: Session, ref: str) -> Case:
    """The case as a detached `Case` read with plain SQL (acceptance is the hottest write path)."""
    conn = dbapi(session)
    sql = f"SELECT {', '.join(_DRAFT_COLUMNS)} FROM cases WHERE id = ?"
    row = conn.execute(sql, (ref,)).fetchone()
    if row is None:
        found = find(session, ref)  # by number
        if found is None:
            raise NotFound(m.CASE_NOT_FOUND.format(ref=ref))
        row = conn.execute(sql, (found.id,)).fetchone()
    values: dict[str, Any] = dict(zip(_DRAFT_COLUMNS, row, strict=True))
    for key in _JSON_COLUMNS:
        values[key] = json.loads(values[key]) if values[key] is not None else None
    for key in _TIME_COLUMNS:
        values[key] = datetime.fromisoformat(values[key]) if values[key] else None
    return Case(**values)


def _accept(session: Session, case_id: str, *, catalogs: CatalogSource | Catalog, actor: str,
            now: datetime) -> Accepted:
    case = _load_draft(session, case_id)
    if case.status != Status.DRAFT:
        raise InvalidOperation(m.NOT_A_DRAFT.format(ref=case.number or case_id))
    catalog = catalog_of(catalogs, case.catalog_version)
    if case.service_id not in catalog.services:
        raise InvalidOperation(m.UNKNOWN_SERVICE.format(service=case.service_id, version=catalog.version))
    day = now.date()
    result = evaluate_case(catalog, case.service_id, case.answers, context_for(case, catalog, day),
                           presented=case.documents or [])
    if not result.ok:
        raise ValidationFailed(result.errors)
    office, workstation = codes(session)
    changes = changed("case", case.id)
    card = applicants.card_from_answers(result.answers)
    if card:
        applicant_id, applicant_changes = applicants.save(session, card, now=now, applicant_id=case.applicant_id,
                                                          privileges=case.privileges or ())
        case.applicant_id = applicant_id
        changes |= applicant_changes
    case.number = numbering.next_number(session, day)
    case.status = Status.ACCEPTED.value
    case.answers = result.answers
    case.fee_amount = result.fee.amount
    case.fee_full_amount = result.fee.full_amount
    case.fee_tariff = result.fee.tariff
    case.fee_exempt_by = result.fee.exempt_by
    case.accepted_at = now
    case.accepted_on = day
    case.due_date = due_date(result.deadline, day, _calendar(catalog))
    case.office_code, case.workstation_code = office, workstation
    case.intake_finished_at = now
    case.updated_at = now
    case.version += 1
    dbapi(session).execute(
        "UPDATE cases SET number = ?, status = ?, applicant_id = ?, answers = ?, fee_amount = ?, "
        "fee_full_amount = ?, fee_tariff = ?, fee_exempt_by = ?, accepted_at = ?, accepted_on = ?, due_date = ?, "
        "office_code = ?, workstation_code = ?, intake_finished_at = ?, updated_at = ?, version = ?, "
        "sync_state = 'local' WHERE id = ? AND status = 'draft'",
        (case.number, case.status, case.applicant_id, dumps(case.answers), str(case.fee_amount),
         str(case.fee_full_amount), case.fee_tariff, case.fee_exempt_by, utc_text(now), day.isoformat(),
         case.due_date.isoformat() if case.due_date else None, office, workstation, utc_text(now), utc_text(now),
         case.version, case.id))
    loaded = session.identity_map.get(session.identity_key(Case, case.id))
    if loaded is not None:  # the session holds it (a draft started in this transaction): reload on use
        session.expire(loaded)
    _history(session, case.id, Status.DRAFT.value, Status.ACCEPTED.value, now, actor, None)
    audit.record(session, actor=actor, action=Action.STATUS, entity="case", entity_id=case.id, now=now,
                 detail={"from": "draft", "to": "accepted", "number": case.number})
    outbox.record(session, entity="case", entity_id=case.id, op="create", base_version=None,
                  payload=case_payload(case), now=now)
    return Accepted(case.id, case.number, case.due_date, result, changes)


def _history(session: Session, case_id: str, old: str | None, new: str, at: datetime, actor: str,
             reason: str | None) -> None:
    dbapi(session).execute(
        "INSERT INTO status_history (case_id, from_status, to_status, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)",
        (case_id, old, new, utc_text(at), actor, reason))


def change_status(session: Session, ref: str, new_status: str, *, actor: str, now: datetime,
                  reason: str | None = None) -> ChangeSet:
    """Move a case along the lifecycle (never into or out of a draft here)."""
    case = get(session, ref)
    new = lifecycle.parse(new_status)
    if case.status == Status.DRAFT or new == Status.DRAFT:  # a draft is accepted only by `accept`
        raise TransitionRefused(m.TRANSITION_REFUSED.format(old=Status(case.status).label, new=new.label))
    lifecycle.check(case.status, new, reason)
    old = case.status
    case.status = new.value
    case.updated_at = now
    case.version += 1
    case.sync_state = "local"
    _history(session, case.id, old, new.value, now, actor, reason)
    audit.record(session, actor=actor, action=Action.STATUS, entity="case", entity_id=case.id, now=now,
                 detail={"from": old, "to": new.value})
    outbox.record(session, entity="case", entity_id=case.id, op="status", base_version=case.server_version,
                  payload={"from": old, "to": new.value, "reason": reason, "at": now.isoformat(), "actor": actor,
                           "version": case.version}, now=now)
    return changed("case", case.id)


def assign(session: Session, ref: str, login: str | None, *, actor: str, now: datetime) -> ChangeSet:
    """Give a home-visit case to a field specialist (or take it back with None)."""
    case = get(session, ref)
    case.assigned_to = login
    case.updated_at = now
    case.version += 1
    audit.record(session, actor=actor, action=Action.CHANGE, entity="case", entity_id=case.id, now=now,
                 detail={"fields": ["assigned_to"]})
    outbox.record(session, entity="case", entity_id=case.id, op="update", base_version=case.server_version,
                  payload={"assigned_to": login, "version": case.version}, now=now)
    return changed("case", case.id)


def record_print(session: Session, ref: str, *, actor: str, document: str, now: datetime) -> ChangeSet:
    """Printing calls this after a document of the case went to the printer (audited, not synced)."""
    case = get(session, ref)
    audit.record(session, actor=actor, action=Action.PRINT, entity="case", entity_id=case.id, now=now,
                 detail={"document": document})
    return ChangeSet()


def record_export(session: Session, case_ids: Iterable[str], *, actor: str, now: datetime, target: str) -> None:
    for case_id in case_ids:
        audit.record(session, actor=actor, action=Action.EXPORT, entity="case", entity_id=case_id, now=now,
                     detail={"target": target})


# --- JSON views -------------------------------------------------------------------------------------
def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def case_payload(case: Case) -> dict[str, Any]:
    """The case as JSON: what the outbox sends, `case show` prints and printing reads."""
    return {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "service_id": case.service_id,
        "catalog_version": case.catalog_version,
        "form_version": case.form_version,
        "applicant_id": case.applicant_id,
        "bundle_id": case.bundle_id,
        "answers": case.answers,
        "documents": case.documents,
        "privileges": list(case.privileges or []),
        "fee": {
            "amount": None if case.fee_amount is None else str(case.fee_amount),
            "full_amount": None if case.fee_full_amount is None else str(case.fee_full_amount),
            "tariff": case.fee_tariff,
            "exempt_by": case.fee_exempt_by,
        },
        "accepted_at": _iso(case.accepted_at),
        "accepted_on": _iso(case.accepted_on),
        "due_date": _iso(case.due_date),
        "channel": case.channel,
        "office_code": case.office_code,
        "workstation_code": case.workstation_code,
        "specialist": case.specialist,
        "intake_started_at": _iso(case.intake_started_at),
        "intake_finished_at": _iso(case.intake_finished_at),
        "notify_by": case.notify_by,
        "assigned_to": case.assigned_to,
        "version": case.version,
    }


def case_view(session: Session, case: Case) -> dict[str, Any]:
    """`case_payload` plus the status history, the applicant card and sync flags."""
    data = case_payload(case)
    data["status_label"] = Status(case.status).label
    data["history"] = [
        {"from": h.from_status, "to": h.to_status, "at": _iso(h.at), "actor": h.actor, "reason": h.reason}
        for h in session.scalars(select(StatusChange).where(StatusChange.case_id == case.id)
                                 .order_by(StatusChange.id))
    ]
    data["applicant"] = (applicants.applicant_payload(session, applicants.get(session, case.applicant_id))
                         if case.applicant_id else None)
    data["sync_state"] = case.sync_state
    data["conflict"] = case.conflict
    return data


def summary(case: Case, applicant_name: str | None = None) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "service_id": case.service_id,
        "applicant": applicant_name,
        "accepted_at": _iso(case.accepted_at),
        "due_date": _iso(case.due_date),
        "specialist": case.specialist,
    }
