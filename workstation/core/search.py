"""Finding applicants and cases by what a specialist types or a scanner reads.

Applicants are indexed twice inside the encrypted file, in contentless FTS5 tables (the text
exists only in the indexes; rowid = applicants.pk): `applicant_words` (whole words; every typed
word of three letters or more is the beginning of a word — «корол» finds «Королёва») answers
almost every query fast; `applicant_search` (trigram) is asked only when the words find nobody,
and matches any substring («олев»). One- and two-letter words filter the candidates by the start
of a name part. Numbers are matched by
their digits whatever the formatting (see `searchkeys`). A case number — typed with hyphens,
scanned without — is looked up directly in the unique index on `cases.number`; the cases of the
matching applicants follow, newest first.

A write transaction adds one small segment to each index. Segments are merged when the store is
idle (`database.merge_search_indexes`, on the store's background thread) or at once after a bulk
load (`optimize_indexes`), not inside a user's commit — except FTS5's crisis merge, when a long
run of writes with no pause leaves 16 segments on one level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.core.database import dbapi
from workstation.core.models import SEARCH_TABLE, SEARCH_TABLES, WORDS_TABLE, Applicant, IdentityDocument
from workstation.core.searchkeys import applicant_document, fold, fts_expression, parse_query


@dataclass(frozen=True, slots=True)
class ApplicantHit:
    id: str
    full_name: str
    birth_date: date | None
    snils: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class CaseHit:
    id: str
    number: str | None
    status: str
    service_id: str
    accepted_on: date | None
    due_date: date | None
    applicant_id: str | None
    applicant_name: str | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    applicants: tuple[ApplicantHit, ...]
    cases: tuple[CaseHit, ...]

    @property
    def empty(self) -> bool:
        return not self.applicants and not self.cases


def document_for(session: Session, applicant: Applicant, docs: list[IdentityDocument] | None = None) -> str:
    if docs is None:
        docs = list(session.scalars(select(IdentityDocument).where(IdentityDocument.applicant_id == applicant.id)))
    passports = tuple((d.series, d.number) for d in docs if d.kind == "passport-rf")
    return applicant_document(surname=applicant.surname, name=applicant.name, patronymic=applicant.patronymic,
                              snils=applicant.snils, inn=applicant.inn, phone=applicant.phone,
                              passports=passports)


def write_index(session: Session, rows: Iterable[tuple[int, str]], *, replace: bool = True) -> None:
    """Put (applicants.pk, document) rows into both search indexes.

    Everything that adds or changes applicants without `applicants.save` (bulk loads, sync)
    must come through here so the two indexes never disagree.
    """
    rows = list(rows)
    if not rows:
        return
    conn = dbapi(session)
    for table in SEARCH_TABLES:
        if replace:
            conn.executemany(f"DELETE FROM {table} WHERE rowid = ?", [(pk,) for pk, _ in rows])
        conn.executemany(f"INSERT INTO {table}(rowid, doc) VALUES (?, ?)", rows)


def optimize_indexes(session: Session) -> None:
    """Merge each search index into one segment: the end of a bulk load (one long transaction).

    Day to day the store merges segments itself when writes pause (`database.merge_search_indexes`);
    a load of a million rows in batches would leave that work, and slower lookups, to the first
    minutes of use instead.
    """
    conn = dbapi(session)
    for table in SEARCH_TABLES:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def index_applicant(session: Session, applicant: Applicant, docs: list[IdentityDocument] | None = None,
                    *, new: bool = False) -> None:
    """(Re)index one applicant (flushed: it needs its pk); call after any change to names or documents."""
    write_index(session, [(applicant.pk, document_for(session, applicant, docs))], replace=not new)


def unindex_applicant(session: Session, applicant: Applicant) -> None:
    conn = dbapi(session)
    for table in SEARCH_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (applicant.pk,))


def _name_parts(row: tuple) -> list[str]:
    return [fold(p) for p in row[2:5] if p]


# Plain SQL from here on: a search runs on every keystroke pause, and loading ORM objects (with
# their JSON columns) for a result list costs more than the index lookups themselves.
_APPLICANT_COLUMNS = "pk, id, surname, name, patronymic, birth_date, snils, phone"
_CASE_COLUMNS = "c.id, c.number, c.status, c.service_id, c.accepted_on, c.due_date, c.applicant_id"


def _matching(conn: Any, table: str, expression: str, want: int) -> list[tuple]:
    order = [pk for (pk,) in conn.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?", (expression, want))]
    if not order:
        return []
    marks = ",".join("?" * len(order))
    by_pk = {r[0]: r for r in conn.execute(f"SELECT {_APPLICANT_COLUMNS} FROM applicants WHERE pk IN ({marks})",
                                           order)}
    return [by_pk[pk] for pk in order if pk in by_pk]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _full_name(row: tuple) -> str:
    return " ".join(p for p in row[2:5] if p)


def search(session: Session, query_text: str, *, limit: int = 20) -> SearchResult:
    query = parse_query(query_text)
    conn = dbapi(session)
    case_rows: dict[str, tuple] = {}
    for number in query.case_numbers:
        for row in conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases c WHERE c.number = ?", (number,)):
            case_rows[row[0]] = row
    for prefix in query.case_prefixes:
        for row in conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases c WHERE c.number >= ? AND c.number < ? "
                                "ORDER BY c.number DESC LIMIT ?", (prefix, prefix + "\uffff", limit)):
            case_rows[row[0]] = row

    people: list[tuple] = []
    want = limit if not query.short_words else limit * 10
    # Fast path: word prefixes. Fallback, only when that finds nobody: any substring (trigram).
    for table, expression in ((WORDS_TABLE, fts_expression(query, prefix=True)),
                              (SEARCH_TABLE, fts_expression(query))):
        if expression is None:
            break
        people = _matching(conn, table, expression, want)
        if query.short_words:
            people = [r for r in people
                      if all(any(part.startswith(w) for part in _name_parts(r)) for w in query.short_words)]
        if people:
            break
    people = people[:limit]

    names = {r[1]: _full_name(r) for r in people}
    if people and len(case_rows) < limit:
        marks = ",".join("?" * len(names))
        for row in conn.execute(
                f"SELECT {_CASE_COLUMNS} FROM cases c WHERE c.applicant_id IN ({marks}) AND c.status != 'draft' "
                "ORDER BY c.accepted_at DESC LIMIT ?", [*names, limit - len(case_rows)]):
            case_rows.setdefault(row[0], row)
    missing = sorted({r[6] for r in case_rows.values() if r[6] and r[6] not in names})
    if missing:
        marks = ",".join("?" * len(missing))
        for row in conn.execute(f"SELECT {_APPLICANT_COLUMNS} FROM applicants WHERE id IN ({marks})", missing):
            names[row[1]] = _full_name(row)
    return SearchResult(
        applicants=tuple(ApplicantHit(r[1], _full_name(r), _day(r[5]), r[6], r[7]) for r in people),
        cases=tuple(CaseHit(r[0], r[1], r[2], r[3], _day(r[4]), _day(r[5]), r[6], names.get(r[6] or ""))
                    for r in case_rows.values()),
    )
