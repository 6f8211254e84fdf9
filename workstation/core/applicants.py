"""Applicants: the person reused across visits, filled from the applicant block of the forms.

On acceptance the card is found (by id, else by СНИЛС, else by the current passport) and updated
from the validated answers, or created. Identity documents keep their history: a new passport
becomes current and the old one stays, marked superseded.

At intake the specialist finds the person first (`find`: ФИО, passport, СНИЛС, phone, numbers
masked in the list) and the form starts from the card (`form_answers`, the reverse of
`card_from_answers`); the draft then carries the applicant's id, so acceptance updates that card.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.fields import parse_date
from workstation.core import messages as m
from workstation.core import outbox, search
from workstation.core.changes import ChangeSet, changed
from workstation.core.database import dbapi, dumps, utc_text
from workstation.core.errors import NotFound
from workstation.core.ids import new_id
from workstation.core.masking import address_line, passport_tail, phone_text, snils_tail
from workstation.core.models import Applicant, IdentityDocument
from workstation.core.searchkeys import applicant_document

CARD_FIELDS = ("surname", "name", "patronymic", "sex", "birth_date", "birth_place", "snils", "inn", "phone",
               "email", "address")


def card_from_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The applicant card's fields found in a case's (clean) answers; {} without an applicant."""
    person = answers.get("applicant")
    if not isinstance(person, Mapping) or not person.get("surname") or not person.get("name"):
        return {}
    card: dict[str, Any] = {
        "surname": person.get("surname"),
        "name": person.get("name"),
        "patronymic": person.get("patronymic"),
        "sex": person.get("sex"),
    }
    for key in ("birth_place", "snils", "inn", "phone", "email"):
        if answers.get(key) not in (None, ""):
            card[key] = str(answers[key])
    if answers.get("birth_date"):
        card["birth_date"] = parse_date(answers["birth_date"])
    if isinstance(answers.get("address"), Mapping):
        card["address"] = dict(answers["address"])
    if isinstance(answers.get("identity"), Mapping):
        card["identity"] = dict(answers["identity"])
    return card


def get(session: Session, applicant_id: str) -> Applicant:
    found = session.scalars(select(Applicant).where(Applicant.id == applicant_id)).first()
    if found is None:
        raise NotFound(m.APPLICANT_NOT_FOUND.format(ref=applicant_id))
    return found


def _existing_id(session: Session, card: Mapping[str, Any]) -> str | None:
    conn = dbapi(session)
    row = None
    if card.get("snils"):
        row = conn.execute("SELECT id FROM applicants WHERE snils = ?", (card["snils"],)).fetchone()
    identity = card.get("identity") or {}
    if row is None and identity.get("number"):
        row = conn.execute("SELECT applicant_id FROM identity_documents WHERE number = ? AND series IS ? AND kind = ?",
                           (str(identity["number"]), identity.get("series"),
                            identity.get("kind", "passport-rf"))).fetchone()
    return None if row is None else str(row[0])


def find_existing(session: Session, card: Mapping[str, Any]) -> Applicant | None:
    """The card this person already has: same СНИЛС, else same current passport (series + number)."""
    found = _existing_id(session, card)
    return None if found is None else get(session, found)


def save(session: Session, card: Mapping[str, Any], *, now: datetime, applicant_id: str | None = None,
         privileges: Iterable[str] = (), match_existing: bool = True) -> tuple[str, ChangeSet]:
    """Create or update a card from `card` (see `card_from_answers`); written to the outbox.

    Returns the applicant's id. Plain SQL, as every acceptance runs it (a returning person is one
    acceptance in six; through the ORM the update cost three times the rest of the acceptance).
    An existing card keeps its document history, and is indexed again only if its searched text
    (names, documents, numbers) changed.
    """
    existing = applicant_id or (_existing_id(session, card) if match_existing else None)
    if existing is None:
        new = _create(session, card, sorted(set(privileges)), now)
        return new, changed("applicant", new, "created")
    return _update(session, existing, card, privileges, now)


def _create(session: Session, card: Mapping[str, Any], privileges: list[str], now: datetime) -> str:
    conn = dbapi(session)
    applicant_id = new_id()
    birth = card.get("birth_date")
    values = {
        "id": applicant_id, "surname": card["surname"], "name": card["name"], "patronymic": card.get("patronymic"),
        "sex": card.get("sex"), "birth_date": birth.isoformat() if birth else None,
        "birth_place": card.get("birth_place"), "snils": card.get("snils"), "inn": card.get("inn"),
        "phone": card.get("phone"), "email": card.get("email"), "address": card.get("address"),
    }
    stamp = utc_text(now)
    pk = conn.execute(
        "INSERT INTO applicants (id, surname, name, patronymic, sex, birth_date, birth_place, snils, inn, phone, "
        "email, address, privileges, created_at, updated_at, version, sync_state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'local') RETURNING pk",
        (*list(values.values())[:11], None if values["address"] is None else dumps(values["address"]),
         dumps(privileges), stamp, stamp)).fetchone()[0]
    documents: list[dict[str, Any]] = []
    identity = card.get("identity")
    if isinstance(identity, Mapping) and identity.get("number"):
        documents.append(_insert_identity(conn, applicant_id, identity, stamp))
    search.write_index(session, [(pk, _searched_text(values, documents))], replace=False)
    payload = {**values, "privileges": privileges, "documents": documents, "version": 1}
    outbox.record(session, entity="applicant", entity_id=applicant_id, op="create", base_version=None,
                  payload=payload, now=now)
    return applicant_id


_CARD_COLUMNS = ("pk", "surname", "name", "patronymic", "sex", "birth_date", "birth_place", "snils", "inn", "phone",
                 "email", "address", "privileges", "version", "server_version")
_DOCUMENT_COLUMNS = ("id", "kind", "series", "number", "issuer", "issue_date", "division_code", "current",
                     "superseded_at")


def _update(session: Session, applicant_id: str, card: Mapping[str, Any], privileges: Iterable[str],
            now: datetime) -> tuple[str, ChangeSet]:
    session.flush()  # ORM changes made earlier in this unit of work go first (expiring below would drop them)
    conn = dbapi(session)
    row = conn.execute(f"SELECT {', '.join(_CARD_COLUMNS)} FROM applicants WHERE id = ?", (applicant_id,)).fetchone()
    if row is None:
        raise NotFound(m.APPLICANT_NOT_FOUND.format(ref=applicant_id))
    stored = dict(zip(_CARD_COLUMNS, row, strict=True))
    old = {**stored, "birth_date": date.fromisoformat(stored["birth_date"]) if stored["birth_date"] else None,
           "address": json.loads(stored["address"]) if stored["address"] is not None else None,
           "privileges": json.loads(stored["privileges"]) if stored["privileges"] is not None else []}
    docs = [_document_view(dict(zip(_DOCUMENT_COLUMNS, r, strict=True))) for r in conn.execute(
        f"SELECT {', '.join(_DOCUMENT_COLUMNS)} FROM identity_documents WHERE applicant_id = ? ORDER BY created_at",
        (applicant_id,))]
    indexed = _searched_text(old, docs)  # what the search indexes hold for this card
    card_now = dict(old)
    changed_fields: list[str] = []
    for key in CARD_FIELDS:
        value = card.get(key)
        if value in (None, "") or card_now.get(key) == value:
            continue
        card_now[key] = value
        changed_fields.append(key)
    merged = sorted(set(old["privileges"] or []) | set(privileges))
    if merged != list(old["privileges"] or []):
        card_now["privileges"] = merged
        changed_fields.append("privileges")
    identity = card.get("identity")
    if isinstance(identity, Mapping) and identity.get("number") and _add_identity(conn, applicant_id, docs, identity,
                                                                                   now):
        changed_fields.append("documents")
    if not changed_fields:
        return applicant_id, ChangeSet()
    columns = [f for f in changed_fields if f != "documents"]
    card_now["version"] = old["version"] + 1
    conn.execute(
        f"UPDATE applicants SET {''.join(f'{c} = ?, ' for c in columns)}version = ?, updated_at = ?, "
        "sync_state = 'local' WHERE id = ?",
        (*(_column_value(c, card_now[c]) for c in columns), card_now["version"], utc_text(now), applicant_id))
    _expire_loaded(session, old["pk"], docs)
    text = _searched_text(card_now, docs)
    if text != indexed:  # an address or e-mail is not searched
        search.write_index(session, [(old["pk"], text)])
    payload = {"id": applicant_id, **{k: card_now[k] for k in CARD_FIELDS}, "privileges": list(card_now["privileges"]),
               "documents": docs, "version": card_now["version"]}
    payload["birth_date"] = _iso(card_now["birth_date"])
    outbox.record(session, entity="applicant", entity_id=applicant_id, op="update",
                  base_version=old["server_version"], payload=payload, now=now)
    return applicant_id, changed("applicant", applicant_id)


def _column_value(column: str, value: Any) -> Any:
    if column == "birth_date":
        return value.isoformat() if value else None
    if column in ("address", "privileges"):
        return None if value is None else dumps(value)
    return value


def _document_view(row: dict[str, Any]) -> dict[str, Any]:
    """A stored identity document as `applicant_payload` shows it."""
    row["current"] = bool(row["current"])
    if row["superseded_at"]:
        row["superseded_at"] = datetime.fromisoformat(row["superseded_at"]).isoformat()
    return row


def _searched_text(card: Mapping[str, Any], docs: Iterable[Mapping[str, Any]]) -> str:
    return applicant_document(surname=card["surname"], name=card["name"], patronymic=card.get("patronymic"),
                              snils=card.get("snils"), inn=card.get("inn"), phone=card.get("phone"),
                              passports=tuple((d["series"], d["number"]) for d in docs if d["kind"] == "passport-rf"))


def _insert_identity(conn: Any, applicant_id: str, identity: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    issued = parse_date(identity.get("issue_date"))
    doc = {"id": new_id(), "kind": str(identity.get("kind") or "passport-rf"), "series": identity.get("series"),
           "number": str(identity["number"]), "issuer": identity.get("issuer"),
           "issue_date": issued.isoformat() if issued else None, "division_code": identity.get("division_code"),
           "current": True, "superseded_at": None}
    conn.execute(
        "INSERT INTO identity_documents (id, applicant_id, kind, series, number, issuer, issue_date, "
        "division_code, current, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (doc["id"], applicant_id, doc["kind"], doc["series"], doc["number"], doc["issuer"], doc["issue_date"],
         doc["division_code"], stamp))
    return doc


def _add_identity(conn: Any, applicant_id: str, docs: list[dict[str, Any]], identity: Mapping[str, Any],
                  now: datetime) -> bool:
    """Add the document unless the card has it; the earlier one of its kind stays, superseded.

    `docs` (the card's documents, as in the payload) is updated in place."""
    kind = str(identity.get("kind") or "passport-rf")
    series = identity.get("series")
    number = str(identity.get("number"))
    if any(d["kind"] == kind and d["series"] == series and d["number"] == number for d in docs):
        return False
    superseded = [d for d in docs if d["kind"] == kind and d["current"]]
    if superseded:
        conn.execute("UPDATE identity_documents SET current = 0, superseded_at = ? WHERE applicant_id = ? "
                     "AND kind = ? AND current = 1", (utc_text(now), applicant_id, kind))
        for d in superseded:
            d["current"], d["superseded_at"] = False, now.isoformat()
    docs.append(_insert_identity(conn, applicant_id, {**identity, "kind": kind}, utc_text(now)))
    return True


def _expire_loaded(session: Session, pk: int, docs: Iterable[Mapping[str, Any]]) -> None:
    """ORM objects of this card the session already holds are stale after the plain SQL: reload on use."""
    keys = [session.identity_key(Applicant, pk), *(session.identity_key(IdentityDocument, d["id"]) for d in docs)]
    for key in keys:
        loaded = session.identity_map.get(key)
        if loaded is not None:
            session.expire(loaded)


def identity_documents(session: Session, applicant_id: str) -> list[IdentityDocument]:
    return list(session.scalars(select(IdentityDocument).where(IdentityDocument.applicant_id == applicant_id)
                                .order_by(IdentityDocument.created_at)))


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def applicant_payload(session: Session, a: Applicant, docs: list[IdentityDocument] | None = None
                      ) -> dict[str, Any]:
    """The card as JSON (outbox payload, CLI output, printing)."""
    if docs is None:
        docs = identity_documents(session, a.id)
    return {
        "id": a.id,
        "surname": a.surname,
        "name": a.name,
        "patronymic": a.patronymic,
        "sex": a.sex,
        "birth_date": _iso(a.birth_date),
        "birth_place": a.birth_place,
        "snils": a.snils,
        "inn": a.inn,
        "phone": a.phone,
        "email": a.email,
        "address": a.address,
        "privileges": list(a.privileges or []),
        "documents": [
            {"id": d.id, "kind": d.kind, "series": d.series, "number": d.number, "issuer": d.issuer,
             "issue_date": _iso(d.issue_date), "division_code": d.division_code, "current": d.current,
             "superseded_at": _iso(d.superseded_at)}
            for d in docs
        ],
        "version": a.version,
    }


# --- finding a person at intake ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Listing:
    """One person in the intake's search results; the numbers are masked (see `masking`)."""

    id: str
    full_name: str
    birth_date: date | None
    passport: str  # «•••• ••3456»
    snils: str  # «•••-•••-445 95»
    phone: str  # «+7 (916) 123-45-67»
    address: str


def find(session: Session, text: str, *, limit: int = 20) -> list[Listing]:
    """People matching what was typed: part of the ФИО, passport digits, СНИЛС or phone in any spelling."""
    hits = search.search(session, text, limit=limit).applicants
    if not hits:
        return []
    ids = [h.id for h in hits]
    marks = ",".join("?" * len(ids))
    conn = dbapi(session)
    passports: dict[str, str] = {}
    for applicant_id, series, number in conn.execute(
            f"SELECT applicant_id, series, number FROM identity_documents WHERE current = 1 AND kind = 'passport-rf' "
            f"AND applicant_id IN ({marks}) ORDER BY created_at", ids):
        passports[applicant_id] = passport_tail(series, number)
    addresses: dict[str, str] = {}
    for applicant_id, address in conn.execute(f"SELECT id, address FROM applicants WHERE id IN ({marks})", ids):
        addresses[applicant_id] = address_line(json.loads(address) if isinstance(address, str) else address)
    return [Listing(h.id, h.full_name, h.birth_date, passports.get(h.id, ""), snils_tail(h.snils),
                    phone_text(h.phone), addresses.get(h.id, "")) for h in hits]


def current_identity(docs: Iterable[IdentityDocument]) -> IdentityDocument | None:
    """The document the person shows today: the current Russian passport, else any current one."""
    current = [d for d in docs if d.current]
    return next((d for d in current if d.kind == "passport-rf"), current[-1] if current else None)


def form_answers(session: Session, applicant_id: str) -> dict[str, Any]:
    """The card as a form's applicant block (`APPLICANT_FIELDS` ids): what intake fills in.

    Values are spelled as the engine accepts them (dates ISO, the phone and СНИЛС as stored);
    fields the card does not know are left out. A form uses the ids it declares.
    """
    a = get(session, applicant_id)
    person = {k: getattr(a, k) for k in ("surname", "name", "patronymic", "sex") if getattr(a, k)}
    answers: dict[str, Any] = {"applicant": person}
    if a.birth_date is not None:
        answers["birth_date"] = a.birth_date.isoformat()
    for key in ("birth_place", "snils", "inn", "phone", "email"):
        value = getattr(a, key)
        if value:
            answers[key] = value
    if isinstance(a.address, Mapping) and a.address:
        answers["address"] = {k: v for k, v in a.address.items() if v not in (None, "")}
    doc = current_identity(identity_documents(session, a.id))
    if doc is not None:
        identity = {"kind": doc.kind, "series": doc.series, "number": doc.number, "issuer": doc.issuer,
                    "issue_date": _iso(doc.issue_date), "division_code": doc.division_code}
        answers["identity"] = {k: v for k, v in identity.items() if v not in (None, "")}
    return answers
