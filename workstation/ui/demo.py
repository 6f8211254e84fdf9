"""In-memory stand-ins for the store, printing and sync, used until those are wired.

They keep the screens honest: every call goes through the worker lanes exactly as the real
parts will, and each one is thread-safe. Nothing here survives a restart, and `DemoPrinting`
and the offline `DemoSync` say plainly that the real part is missing.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.listeners import Listeners
from workstation.ui import texts as t
from workstation.ui.errors import UserError
from workstation.ui.ports import (
    AcceptedCase,
    AcceptRequest,
    ApplicantCard,
    ApplicantRow,
    Backends,
    CaseRow,
    DraftRecord,
    PrinterChoice,
    StaffInfo,
    SyncState,
)

if TYPE_CHECKING:
    from forms.model import Catalog

DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo2026"


class DemoAccounts:
    """One demo specialist; the store's staff table (argon2 hashes) replaces this."""

    def __init__(self, login: str = DEMO_LOGIN, password: str = DEMO_PASSWORD) -> None:
        self._login = login
        self._password = password
        self.staff = StaffInfo(login, "Демонстрационный Специалист", "specialist", "Специалист (демо)")

    def authenticate(self, login: str, password: str) -> StaffInfo | None:
        if login.strip().casefold() == self._login and password == self._password:
            return self.staff
        return None

    def demo_account(self) -> tuple[str, str] | None:
        return self._login, self._password


def _short_person(answers: Mapping[str, object]) -> str:
    person = answers.get("applicant")
    if not isinstance(person, Mapping):
        return "—"
    surname = str(person.get("surname") or "").strip()
    initials = "".join(f"{str(person.get(k))[0]}." for k in ("name", "patronymic") if person.get(k))
    return f"{surname} {initials}".strip() or "—"


class MemoryCases:
    """Drafts and accepted cases in memory: `CaseSource`, `Drafts` and `Intake` at once."""

    def __init__(self, titles: Callable[[str], str] | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self._today = today
        self._lock = threading.Lock()
        self._drafts: dict[str, DraftRecord] = {}
        self._cases: list[tuple[AcceptRequest, AcceptedCase]] = []
        self._ids = itertools.count(1)
        self._numbers = itertools.count(1)
        self._titles = titles or (lambda service_id: service_id)
        self.on_change: Callable[[], None] | None = None
        self.applicants: MemoryApplicants | None = None  # told of the person of each accepted case

    def set_titles(self, titles: Callable[[str], str]) -> None:
        self._titles = titles

    # Drafts
    def save_draft(self, draft: DraftRecord) -> str:
        with self._lock:
            draft_id = draft.draft_id or f"draft-{next(self._ids)}"
            self._drafts[draft_id] = replace(draft, draft_id=draft_id, updated_at=datetime.now())
            return draft_id

    def load_draft(self, draft_id: str) -> DraftRecord:
        with self._lock:
            draft = self._drafts.get(draft_id)
        if draft is None:
            raise UserError("Черновик не найден: возможно, он уже принят или удалён.")
        return draft

    def discard_draft(self, draft_id: str) -> None:
        with self._lock:
            self._drafts.pop(draft_id, None)

    # Intake
    def accept(self, request: AcceptRequest) -> AcceptedCase:
        with self._lock:
            number = f"{request.office_id or '0000'}-{request.accepted_on:%y%m%d}-{next(self._numbers):04d}"
            case = AcceptedCase(case_id=f"case-{number}", number=number, due=None)
            stamped = replace(request, draft=replace(request.draft, updated_at=datetime.now()))
            self._cases.append((stamped, case))
            if request.draft.draft_id:
                self._drafts.pop(request.draft.draft_id, None)
        if self.applicants is not None:
            self.applicants.remember(request.draft.applicant_id, request.draft.answers)
        if self.on_change is not None:
            self.on_change()  # what the sync status shows as waiting to be sent
        return case

    # CaseSource
    def todays_cases(self, office_id: str, window: str) -> Sequence[CaseRow]:
        today = self._today()
        with self._lock:
            rows = [
                CaseRow(
                    case.case_id,
                    case.number,
                    self._titles(req.draft.service_id),
                    _short_person(req.draft.answers),
                    "принято",
                    req.draft.updated_at,
                )
                for req, case in self._cases
                if req.accepted_on == today
            ]
        return rows[::-1]

    def open_drafts(self, login: str) -> Sequence[CaseRow]:
        with self._lock:
            drafts = [d for d in self._drafts.values() if not login or d.staff_login in ("", login)]
        drafts.sort(key=lambda d: d.updated_at or datetime.min, reverse=True)
        return [
            CaseRow(d.draft_id or "", "", self._titles(d.service_id), _short_person(d.answers), "черновик",
                    d.updated_at, is_draft=True)
            for d in drafts
        ]

    def ready_for_issuance(self, office_id: str) -> Sequence[CaseRow]:
        return []

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._cases)


class DemoPrinting:
    def __init__(self, printers: Callable[[], Sequence[PrinterChoice]] | None = None) -> None:
        self.lister = printers or (lambda: [PrinterChoice("Демо-принтер", default=True)])

    def print_case(self, case_id: str, printer: str) -> None:
        raise UserError(t.PRINTING_NOT_WIRED)

    def printers(self) -> list[PrinterChoice]:
        return list(self.lister())


class DemoSync:
    """No server yet: always offline; `pending` counts what would wait in the outbox."""

    def __init__(self, pending: Callable[[], int] | None = None) -> None:
        self._pending = pending or (lambda: 0)
        self.listeners: Listeners[SyncState] = Listeners()

    def current(self) -> SyncState:
        return SyncState(online=False, pending=self._pending(), last_sync=None)

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        return self.listeners.subscribe(listener)

    def changed(self) -> None:
        """Tell the listeners (from whatever thread made the change)."""
        self.listeners.tell(self.current())


class MemoryUsage:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, Counter[str]] = {}

    def frequencies(self, office_id: str) -> Mapping[str, float]:
        with self._lock:
            return {k: float(v) for k, v in self._counts.get(office_id, Counter()).items()}

    def record(self, office_id: str, service_id: str) -> None:
        with self._lock:
            self._counts.setdefault(office_id, Counter())[service_id] += 1


# People of earlier visits for the demo (invented; numbers pass their checksums).
DEMO_APPLICANTS: tuple[dict[str, Any], ...] = (
    {"applicant": {"surname": "Соколова", "name": "Анна", "patronymic": "Викторовна", "sex": "female"},
     "birth_date": "1980-03-14", "birth_place": "г. Москва", "snils": "112-233-445 95", "phone": "+79161234567",
     "email": "sokolova@example.ru",
     "address": {"region": "г. Москва", "city": "Москва", "street": "ул. Авиамоторная", "house": "12", "flat": "45",
                 "postcode": "111024"},
     "identity": {"kind": "passport-rf", "series": "4500", "number": "123456",
                  "issuer": "ОВД района Лефортово г. Москвы", "issue_date": "2000-04-10", "division_code": "772-045"}},
    {"applicant": {"surname": "Королёв", "name": "Пётр", "patronymic": "Ильич", "sex": "male"},
     "birth_date": "1975-07-02", "birth_place": "г. Тула", "phone": "+79250000002",
     "address": {"region": "г. Москва", "city": "Москва", "street": "ул. Лётчика Бабушкина", "house": "3",
                 "flat": "7", "postcode": "129344"},
     "identity": {"kind": "passport-rf", "series": "4505", "number": "654321",
                  "issuer": "ОУФМС России по г. Москве", "issue_date": "2020-07-15", "division_code": "770-001"}},
    {"applicant": {"surname": "Королева", "name": "Мария", "patronymic": "Сергеевна", "sex": "female"},
     "birth_date": "1992-11-05", "snils": "123-456-789 64", "phone": "+79250000001",
     "identity": {"kind": "passport-rf", "series": "4511", "number": "777888",
                  "issuer": "ГУ МВД России по г. Москве", "issue_date": "2012-11-20", "division_code": "770-002"}},
)


def _full_name(answers: Mapping[str, Any]) -> str:
    person = answers.get("applicant") or {}
    return " ".join(str(person[k]) for k in ("surname", "name", "patronymic") if person.get(k))


class MemoryApplicants:
    """`Applicants` in memory: a few people, and whoever an accepted case named (`remember`)."""

    def __init__(self, people: Sequence[Mapping[str, Any]] = DEMO_APPLICANTS) -> None:
        self._lock = threading.Lock()
        self._people: dict[str, dict[str, Any]] = {f"person-{n}": copy.deepcopy(dict(p))
                                                   for n, p in enumerate(people, start=1)}
        self._ids = itertools.count(len(self._people) + 1)

    def find(self, query: str) -> Sequence[ApplicantRow]:
        from workstation.core.masking import address_line, passport_tail, phone_text, snils_tail
        from workstation.core.searchkeys import digits, fold, parse_query, phone_key

        parsed = parse_query(query)
        if parsed.empty and not parsed.short_words:
            return []
        rows = []
        with self._lock:
            people = [(ref, copy.deepcopy(p)) for ref, p in self._people.items()]
        for ref, p in people[::-1]:  # the newest first, as the store does
            name = fold(_full_name(p))
            doc = p.get("identity") or {}
            keys = [digits(doc.get("series")) + digits(doc.get("number")), digits(p.get("snils")),
                    phone_key(p.get("phone"))]
            if not all(w in name for w in parsed.words + parsed.short_words):
                continue
            if not all(any(a in k for a in alternatives for k in keys if k) for alternatives in parsed.numbers):
                continue
            born = p.get("birth_date")
            rows.append(ApplicantRow(ref, _full_name(p), date.fromisoformat(born) if born else None,
                                     passport_tail(doc.get("series"), doc.get("number")), snils_tail(p.get("snils")),
                                     phone_text(p.get("phone")), address_line(p.get("address"))))
        return rows

    def card(self, ref: str) -> ApplicantCard:
        with self._lock:
            person = self._people.get(ref)
            if person is None:
                raise UserError("Заявитель не найден.")
            return ApplicantCard(ref, _full_name(person), copy.deepcopy(person))

    def remember(self, ref: str | None, answers: Mapping[str, Any]) -> None:
        """An accepted case: update the person it was linked to, or add a new one."""
        block = {k: copy.deepcopy(v) for k, v in answers.items() if k in _APPLICANT_IDS and v not in (None, "")}
        if not _full_name(block):
            return
        with self._lock:
            if ref is None or ref not in self._people:
                ref = f"person-{next(self._ids)}"
                self._people[ref] = {}
            self._people[ref].update(block)

    def get(self, ref: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._people[ref])

    def __len__(self) -> int:
        with self._lock:
            return len(self._people)


_APPLICANT_IDS = ("applicant", "birth_date", "birth_place", "identity", "snils", "inn", "phone", "email", "address")


def builtin_catalog_loader(catalogs: Path) -> Callable[[], Catalog]:
    def load() -> Catalog:
        from forms.versions import CatalogLibrary

        return CatalogLibrary(catalogs).current()

    return load


def sample_catalog() -> Catalog:
    """The built-in catalog for demonstrations and screenshots, even while it is being written.

    Service files that do not compile yet are left out and life situations keep only the
    services that exist, so a half-finished catalog still shows. The app itself never does
    this: it uses `CatalogLibrary`, which refuses a broken catalog and keeps the last good one.
    """
    import yaml

    from forms.compiler import compile_sources
    from forms.versions import builtin_sources

    sources = dict(builtin_sources())
    for _attempt in range(4):
        result = compile_sources(sources)
        if result.ok and result.catalog is not None:
            return result.catalog
        broken = {p.file for p in result.errors}
        for name in broken:
            if name.startswith("services/"):
                sources.pop(name, None)
        if "situations.yaml" in broken:
            present = {name.removeprefix("services/").removesuffix(".yaml") for name in sources
                       if name.startswith("services/")}
            data = yaml.safe_load(sources["situations.yaml"]) or {}
            kept = []
            for situation in data.get("situations", []):
                situation["services"] = [s for s in situation.get("services", []) if s in present]
                if len(situation["services"]) >= 2:
                    kept.append(situation)
            sources["situations.yaml"] = yaml.safe_dump({"situations": kept}, allow_unicode=True, sort_keys=False)
    raise RuntimeError("the built-in catalog does not compile: " + "; ".join(map(str, result.errors[:3])))


def demo_backends(catalogs: Path, catalog: Callable[[], Catalog] | None = None,
                  today: Callable[[], date] = date.today) -> Backends:
    cases = MemoryCases(today=today)
    sync = DemoSync(lambda: cases.pending)
    cases.on_change = sync.changed
    applicants = MemoryApplicants()
    cases.applicants = applicants
    return Backends(
        accounts=DemoAccounts(),
        cases=cases,
        drafts=cases,
        intake=cases,
        printing=DemoPrinting(),
        sync=sync,
        usage=MemoryUsage(),
        catalog=catalog or builtin_catalog_loader(catalogs),
        applicants=applicants,
    )
