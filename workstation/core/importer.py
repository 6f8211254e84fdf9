"""Import of accepted cases from JSON Lines (format: docs/store.md, «Формат импорта»).

Each line is one case, validated by the form engine exactly as at the window and accepted with
its own number. A line is stored whole or not at all: it runs in a savepoint, and a bad line
(broken JSON, unknown service, invalid answers …) is rolled back and reported with its line
number and reason. Lines are committed in batches, so a large file does not hold one huge
transaction and an interrupted import keeps what was committed.

Importing is idempotent: a line's case id is derived from its content (`line_case_id`), so
running the same file again — after an interruption, or by mistake — finds the cases already
there and reports them as skipped instead of storing them twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from forms.engine import parse_date
from forms.model import APPLICANT_FIELDS, Catalog
from workstation.core import cases
from workstation.core import messages as m
from workstation.core.database import Store, dbapi
from workstation.core.errors import (
    NotConfigured,
    StoreError,
    StoreUnavailable,
    StoreWriteFailed,
    ValidationFailed,
)

log = logging.getLogger(__name__)

LINE_KEYS = frozenset({"service", "applicant", "answers", "documents", "accepted_at", "channel", "specialist",
                       "notify_by"})
PERSON_KEYS = ("surname", "name", "patronymic", "sex")
APPLICANT_KEYS = frozenset({*PERSON_KEYS, *(k for k in APPLICANT_FIELDS if k != "applicant"), "privileges"})


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"строка {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Imported:
    line: int
    case_id: str
    number: str


@dataclass(slots=True)
class ImportReport:
    imported: list[Imported] = field(default_factory=list)
    skipped: list[Imported] = field(default_factory=list)  # imported before (same content)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _BadLine(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Line:
    case_id: str
    service: str
    answers: dict[str, Any]
    documents: list[dict[str, Any]]
    privileges: list[str]
    accepted_at: datetime | None
    channel: str
    specialist: str
    notify_by: str | None


def parse_line(text: str, catalog: Catalog, default_specialist: str) -> _Line:
    """Check the shape of one line and merge the applicant block into the answers."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _BadLine(m.LINE_NOT_JSON.format(detail=exc)) from None
    if not isinstance(data, dict):
        raise _BadLine(m.LINE_NOT_OBJECT)
    for key in data:
        if key not in LINE_KEYS:
            raise _BadLine(m.LINE_UNKNOWN_KEY.format(field=key))
    service_id = data.get("service")
    if not isinstance(service_id, str) or not service_id:
        raise _BadLine(m.LINE_FIELD_MISSING.format(field="service"))
    service = catalog.services.get(service_id)
    if service is None:
        raise _BadLine(m.UNKNOWN_SERVICE.format(service=service_id, version=catalog.version))
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise _BadLine(m.LINE_FIELD_TYPE.format(field="answers", expected="ожидается объект"))
    applicant = data.get("applicant", {})
    if not isinstance(applicant, dict):
        raise _BadLine(m.LINE_FIELD_TYPE.format(field="applicant", expected="ожидается объект"))
    for key in applicant:
        if key not in APPLICANT_KEYS:
            raise _BadLine(m.LINE_APPLICANT_KEY.format(field=key))
    documents = data.get("documents", [])
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        raise _BadLine(m.LINE_FIELD_TYPE.format(field="documents", expected="ожидается список объектов"))
    privileges = applicant.get("privileges", [])
    if not isinstance(privileges, list) or not all(isinstance(p, str) for p in privileges):
        raise _BadLine(m.LINE_FIELD_TYPE.format(field="applicant.privileges", expected="ожидается список строк"))
    merged = dict(answers)
    field_ids = {f.id for f in service.fields}
    person = {k: applicant[k] for k in PERSON_KEYS if applicant.get(k) not in (None, "")}
    if person and "applicant" in field_ids and "applicant" not in merged:
        merged["applicant"] = person
    for key in APPLICANT_FIELDS:
        if key != "applicant" and key in applicant and key in field_ids and key not in merged:
            merged[key] = applicant[key]
    accepted_at = _parse_datetime(data.get("accepted_at"))
    channel = data.get("channel", "window")
    specialist = data.get("specialist") or default_specialist
    notify_by = data.get("notify_by")
    for name, value in (("channel", channel), ("specialist", specialist)):
        if not isinstance(value, str):
            raise _BadLine(m.LINE_FIELD_TYPE.format(field=name, expected="ожидается строка"))
    if channel not in cases.CHANNELS:
        raise _BadLine(m.UNKNOWN_CHANNEL)
    if notify_by is not None and notify_by not in cases.NOTIFY:
        raise _BadLine(m.UNKNOWN_NOTIFY)
    return _Line(line_case_id(data), service_id, merged, documents, list(privileges), accepted_at, channel,
                 specialist, notify_by)


def line_case_id(data: Mapping[str, Any]) -> str:
    """The case id of an import line: a UUID (RFC 9562 version 8) from the SHA-256 of its content,
    the same however the line's keys are ordered or spaced."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    raw = bytearray(hashlib.sha256(canonical.encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def _parse_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine(m.LINE_BAD_DATETIME)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        day = parse_date(value)
        if day is None:
            raise _BadLine(m.LINE_BAD_DATETIME) from None
        parsed = datetime(day.year, day.month, day.day, 12, 0)
    return parsed if parsed.tzinfo is not None else parsed.astimezone()


def _store_line(session: Session, line: _Line, catalog: Catalog, now: datetime) -> cases.Accepted:
    at = line.accepted_at or now
    case_id, _ = cases.start_intake(session, catalog=catalog, service_id=line.service, specialist=line.specialist,
                                    now=at, channel=line.channel, answers=line.answers, documents=line.documents,
                                    privileges=line.privileges, notify_by=line.notify_by, case_id=line.case_id)
    return cases.accept(session, case_id, catalogs=catalog, actor=line.specialist, now=at)


def _reason(exc: StoreError) -> str:
    if isinstance(exc, ValidationFailed):
        return "; ".join(exc.texts)
    return exc.user_message


def import_lines(store: Store, lines: Iterable[str], *, catalog: Catalog, specialist: str = "import",
                 batch: int = 500) -> ImportReport:
    """Import every good line; a store failure (disk, lock, no codes) stops the import and is raised."""
    report = ImportReport()
    pending: list[tuple[int, str]] = []

    def run_batch(items: list[tuple[int, str]]) -> None:
        done: list[Imported] = []
        seen: list[Imported] = []
        bad: list[LineProblem] = []
        with store.unit_of_work(bulk=True) as session:
            conn = dbapi(session)
            for number, text in items:
                try:
                    line = parse_line(text, catalog, specialist)
                except _BadLine as exc:
                    bad.append(LineProblem(number, exc.reason))
                    continue
                before = conn.execute("SELECT number FROM cases WHERE id = ?", (line.case_id,)).fetchone()
                if before is not None:
                    seen.append(Imported(number, line.case_id, before[0]))
                    continue
                savepoint = session.begin_nested()
                try:
                    accepted = _store_line(session, line, catalog, store.now())
                    savepoint.commit()
                except (StoreWriteFailed, StoreUnavailable, NotConfigured):
                    raise  # not the line's fault: stop, keep what earlier batches stored
                except StoreError as exc:
                    savepoint.rollback()
                    bad.append(LineProblem(number, _reason(exc)))
                    continue
                done.append(Imported(number, accepted.case_id, accepted.number))
        report.imported.extend(done)
        report.skipped.extend(seen)
        report.problems.extend(bad)

    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        pending.append((number, text))
        if len(pending) >= batch:
            run_batch(pending)
            pending = []
    if pending:
        run_batch(pending)
    report.problems.sort(key=lambda p: p.line)
    log.info("import: %d cases stored, %d imported before, %d lines refused", len(report.imported),
             len(report.skipped), len(report.problems))
    return report


def applicant_block(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The `applicant` block of the import format built from a case's answers (used by export)."""
    block: dict[str, Any] = {}
    person = answers.get("applicant")
    if isinstance(person, Mapping):
        block.update({k: person.get(k) for k in PERSON_KEYS if person.get(k) is not None})
    for key in APPLICANT_FIELDS:
        if key != "applicant" and answers.get(key) is not None:
            block[key] = answers[key]
    return block
