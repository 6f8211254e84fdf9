"""The desktop screens' ports (`workstation/ui/ports.py`) implemented on the store and printing.

No tkinter here. Every method is called by the UI on a worker lane of its `TaskRunner` and
hands the database work to the one `StoreWorker` (`worker.call`), so the Tk thread never touches
the database and all store jobs run in order (a draft's autosave before its acceptance).
Drafts are written through a `DraftAutosaver`; a new draft is first created with
`cases.start_intake` (a life situation's drafts share a bundle made with `cases.create_bundle`).

The ports' dataclasses are duck-typed (`ui_types`) so this module does not import the UI package:
the UI passes its own `StaffInfo`, `CaseRow`, `DraftRecord` and `AcceptedCase` factories in.
"""

from __future__ import annotations

import logging
import secrets
import string
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms.model import Catalog
from workstation.core import cases, device, roles
from workstation.core.autosave import DraftAutosaver
from workstation.core.errors import NotConfigured, NotFound
from workstation.core.lifecycle import Status
from workstation.core.models import Bundle, Case
from workstation.core.worker import StoreWorker

log = logging.getLogger(__name__)

DEMO_LOGIN = "demo"
DEMO_OFFICE = "0101"
DEMO_WORKSTATION = "001"
PRINTER_SETTING = "printer"
_DEMO_SETTING = "ui.demo_account"  # {"login", "password"} while the first-start account is shown
_FOCUS_SETTING = "ui.draft_focus."  # + draft id: the field the cursor was in
_USAGE_SETTING = "ui.service_usage"  # {office: {service: count}}

# What a sender of a PDF looks like: `printing.send_to_printer` (tests pass one writing to a folder).
Sender = Callable[..., Any]


@dataclass(frozen=True)
class FirstStart:
    configured_codes: bool  # office 0101 / workstation 001 were set now
    demo: tuple[str, str] | None  # (login, password) of the demo account, while shown


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def first_start(worker: StoreWorker, *, password: str | None = None) -> FirstStart:
    """Demo codes if the device has none; the demo account (argon2 hash in the staff table) if absent."""

    def codes_job(session: Session) -> bool:
        try:
            device.codes(session)
            return False
        except NotConfigured:
            device.configure_device(session, DEMO_OFFICE, DEMO_WORKSTATION)
            return True

    configured = worker.call(codes_job, kind="first_start_codes")

    def demo_job(session: Session) -> None:
        if device.find_staff(session, DEMO_LOGIN) is not None:
            return
        chosen = password or "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
        device.create_demo_account(session, DEMO_LOGIN, _hasher().hash(chosen), now=worker.store.now())
        device.set_setting(session, _DEMO_SETTING, {"login": DEMO_LOGIN, "password": chosen})

    worker.call(demo_job, kind="first_start_demo")
    return FirstStart(configured, StoreAccounts(worker, staff_info=lambda *a: a).demo_account())


class StoreAccounts:
    """`Accounts`: offline log-in against the argon2 hashes of the staff table."""

    def __init__(self, worker: StoreWorker, *, staff_info: Callable[..., Any]) -> None:
        self._worker = worker
        self._staff_info = staff_info  # (login, full_name, role, position) -> StaffInfo

    def authenticate(self, login: str, password: str) -> Any:
        login = login.strip().casefold()

        def job(session: Session) -> tuple[str, str, str, str | None] | None:
            staff = device.find_staff(session, login)
            if staff is None or not staff.active or not staff.password_hash:
                return None
            return staff.login, staff.full_name, staff.role, staff.password_hash

        found = self._worker.call(job, kind="login", write=False)
        if found is None or found[3] is None:
            return None
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            _hasher().verify(found[3], password)
        except (VerificationError, InvalidHashError):
            return None
        position = roles.POSITIONS.get(found[2], "Специалист")
        return self._staff_info(found[0], found[1], found[2], position)

    def demo_account(self) -> tuple[str, str] | None:
        def job(session: Session) -> tuple[str, str] | None:
            shown = device.get_setting(session, _DEMO_SETTING)
            if not isinstance(shown, Mapping):
                return None
            staff = device.find_staff(session, str(shown.get("login")))
            if staff is None or not staff.password_hash:
                return None
            return str(shown["login"]), str(shown["password"])

        found = self._worker.call(job, kind="demo_account", write=False)
        if found is None:
            return None
        from argon2.exceptions import InvalidHashError, VerificationError

        def still_valid(session: Session) -> str | None:
            staff = device.find_staff(session, found[0])
            return staff.password_hash if staff is not None else None

        digest = self._worker.call(still_valid, kind="demo_account", write=False)
        try:
            _hasher().verify(digest or "", found[1])
        except (VerificationError, InvalidHashError):
            return None  # the password was changed: no longer shown
        return found


def _role_of(session: Session, login: str) -> str | None:
    """The role of a staff account as the staff table has it (the services do not trust the screen)."""
    staff = device.find_staff(session, login) if login else None
    return staff.role if staff is not None and staff.active else None


def _short_person(answers: Mapping[str, Any] | None) -> str:
    person = (answers or {}).get("applicant")
    if not isinstance(person, Mapping):
        return "—"
    surname = str(person.get("surname") or "").strip()
    initials = "".join(f"{str(person.get(k))[0]}." for k in ("name", "patronymic") if person.get(k))
    return f"{surname} {initials}".strip() or "—"


class StoreCases:
    """`CaseSource`, `Drafts`, `Intake` and `ServiceUsage` on the store."""

    def __init__(self, worker: StoreWorker, catalog: Callable[[], Catalog], *, types: Mapping[str, Any],
                 autosaver: DraftAutosaver | None = None, today: Callable[[], date] | None = None) -> None:
        self._worker = worker
        self._catalog_loader = catalog
        self._catalog: Catalog | None = None
        self._types = types  # CaseRow, DraftRecord, AcceptedCase
        self.autosaver = autosaver or DraftAutosaver(worker)
        self._today = today or (lambda: worker.store.now().date())  # the day acceptance stamps
        self.on_change: Callable[[], None] | None = None  # a new outbox row (the sync worker's `kick`)
        self._lock = threading.Lock()

    # --- helpers ---------------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        with self._lock:
            if self._catalog is None:
                self._catalog = self._catalog_loader()
            return self._catalog

    def title(self, service_id: str) -> str:
        service = self.catalog.services.get(service_id)
        return service.short_title if service is not None else service_id

    def _row(self, case: Case) -> Any:
        return self._types["CaseRow"](
            case.id if case.status == Status.DRAFT else (case.number or case.id),
            case.number or "", self.title(case.service_id), _short_person(case.answers),
            "⚠ Конфликт версий" if case.conflict else Status(case.status).label,
            case.updated_at.astimezone() if case.updated_at else None, is_draft=case.status == Status.DRAFT)

    # --- CaseSource ------------------------------------------------------------------------
    def todays_cases(self, office_id: str, window: str) -> Sequence[Any]:
        day = self._today()
        found = self._worker.call(lambda s: cases.list_cases(s, day=day, limit=200), kind="todays", write=False)
        return [self._row(c) for c in found]

    def open_drafts(self, login: str) -> Sequence[Any]:
        found = self._worker.call(lambda s: cases.drafts(s, specialist=login or None), kind="drafts", write=False)
        return [self._row(c) for c in found]

    def ready_for_issuance(self, office_id: str) -> Sequence[Any]:
        found = self._worker.call(lambda s: cases.list_cases(s, status="ready", limit=200), kind="ready",
                                  write=False)
        return [self._row(c) for c in found]

    def conflicted_cases(self, office_id: str) -> Sequence[Any]:
        """Cases a sync conflict holds until a person chooses (Home shows them above everything)."""
        found = self._worker.call(lambda s: list(s.scalars(select(Case).where(Case.conflict.is_(True))
                                                           .order_by(Case.updated_at.desc()).limit(50))),
                                  kind="conflicts", write=False)
        return [self._row(c) for c in found]

    # --- Drafts ----------------------------------------------------------------------------
    def save_draft(self, draft: Any) -> str:
        draft_id: str | None = draft.draft_id
        now = self._worker.store.now()
        if draft_id is None:
            catalog = self.catalog

            def create(session: Session) -> str:
                role = _role_of(session, draft.staff_login)
                channel = roles.intake_channel(role)
                roles.require_intake(role, channel)
                bundle_id = None
                if draft.bundle_id:
                    if session.get(Bundle, draft.bundle_id) is None:
                        made, _ = cases.create_bundle(session, situation_id=draft.situation_id or "",
                                                      specialist=draft.staff_login, now=now)
                        bundle = session.get(Bundle, made)
                        assert bundle is not None
                        bundle.id = draft.bundle_id  # the UI's id for this visit, shared by its drafts
                        session.flush()
                    bundle_id = draft.bundle_id
                case_id, _ = cases.start_intake(session, catalog=catalog, service_id=draft.service_id,
                                                specialist=draft.staff_login, now=now, bundle_id=bundle_id,
                                                channel=channel, applicant_id=getattr(draft, "applicant_id", None))
                return case_id

            draft_id = self._worker.call(create, kind="start_intake")
        notify = draft.notification if draft.notification in cases.NOTIFY else None
        self.autosaver.changed(draft_id, draft.answers, documents=draft.presented, privileges=draft.privileges,
                               notify_by=notify)
        focus = draft.focus or ""
        case_id = draft_id
        self._worker.submit(lambda s: device.set_setting(s, _FOCUS_SETTING + case_id, focus), kind="focus")
        return draft_id

    def load_draft(self, draft_id: str) -> Any:
        self.autosaver.wait(10)

        def job(session: Session) -> tuple[Case, str, str | None]:
            case = session.get(Case, draft_id)
            if case is None or case.status != Status.DRAFT:
                raise NotFound("Черновик не найден: возможно, он уже принят или удалён.")
            bundle = session.get(Bundle, case.bundle_id) if case.bundle_id else None
            focus = device.get_setting(session, _FOCUS_SETTING + draft_id, "")
            session.expunge(case)
            return case, str(focus or ""), bundle.situation_id if bundle else None

        case, focus, situation = self._worker.call(job, kind="load_draft", write=False)
        return self._types["DraftRecord"](
            service_id=case.service_id, form_version=case.form_version, catalog_version=case.catalog_version,
            answers=dict(case.answers or {}), presented=list(case.documents or []),
            notification=case.notify_by or "", privileges=list(case.privileges or []), focus=focus,
            draft_id=case.id, situation_id=situation, bundle_id=case.bundle_id, staff_login=case.specialist,
            updated_at=case.updated_at, applicant_id=case.applicant_id)

    def discard_draft(self, draft_id: str) -> None:
        self.autosaver.forget(draft_id)
        self.autosaver.wait(10)
        self._worker.call(lambda s: cases.discard_draft(s, draft_id, actor="", now=self._worker.store.now()),
                          kind="discard_draft")

    # --- Intake ----------------------------------------------------------------------------
    def accept(self, request: Any) -> Any:
        draft_id = self.save_draft(request.draft)
        self.autosaver.forget(draft_id)
        self.autosaver.wait(10)
        catalog = self.catalog

        def job(session: Session) -> cases.Accepted:
            case = cases.get(session, draft_id)
            roles.require_intake(_role_of(session, request.staff_login), case.channel)
            return cases.accept(session, draft_id, catalogs=catalog, actor=request.staff_login,
                                now=self._worker.store.now())

        accepted = self._worker.call(job, kind="accept")
        if self.on_change is not None:
            self.on_change()
        return self._types["AcceptedCase"](accepted.case_id, accepted.number, accepted.due_date)

    # --- ServiceUsage ----------------------------------------------------------------------
    def frequencies(self, office_id: str) -> Mapping[str, float]:
        def job(session: Session) -> dict[str, float]:
            rows = session.execute(select(Case.service_id, func.count()).where(Case.status != Status.DRAFT)
                                   .group_by(Case.service_id)).all()
            return {str(service): float(n) for service, n in rows}

        return self._worker.call(job, kind="usage", write=False)

    def record(self, office_id: str, service_id: str) -> None:
        """Counted from the accepted cases themselves; nothing to write."""

    # --- settings kept in the store --------------------------------------------------------
    def printer(self) -> str:
        return str(self._worker.call(lambda s: device.get_setting(s, PRINTER_SETTING, "") or "",
                                     kind="printer", write=False))

    def set_printer(self, name: str) -> None:
        self._worker.call(lambda s: device.set_setting(s, PRINTER_SETTING, name), kind="printer")


@dataclass(frozen=True)
class Paper:
    name: str  # «0101-…-application»
    title: str  # «заявление 0101-…»
    pdf: bytes


class StorePrinting:
    """Renders a stored case's papers and hands them to `send` (`printing.send_to_printer`)."""

    def __init__(self, worker: StoreWorker, catalog: Callable[[], Catalog], folder: Path, *,
                 send: Sender | None = None, actor: Callable[[], str] = lambda: "") -> None:
        self._worker = worker
        self._catalog = catalog
        self.folder = folder
        self.sender = send  # None: printing.send_to_printer (CUPS / Windows)
        self._actor = actor

    def papers(self, ref: str, docs: Sequence[str] = ("application", "receipt")) -> list[Paper]:
        from printing import render_application, render_issuance, render_receipt
        from workstation.core.print_views import PRINTABLE, case_view, receipt_cases

        catalog = self._catalog()

        def job(session: Session) -> list[Paper]:
            case = cases.get(session, ref)
            if case.status not in PRINTABLE:
                raise NotFound(f"Дело {case.number or ref} ещё не принято: печатать нечего.")
            out = []
            for doc in docs:
                if doc == "receipt":
                    views = [case_view(session, c, catalog) for c in receipt_cases(session, case)]
                    pdf = render_receipt(catalog, views)
                    title = "расписка"
                elif doc == "issuance":
                    view = case_view(session, case, catalog)
                    if view.issuance is None:
                        continue
                    pdf, title = render_issuance(catalog, view), "расписка о выдаче"
                else:
                    pdf, title = render_application(catalog, case_view(session, case, catalog)), "заявление"
                out.append(Paper(f"{case.number}-{doc}", f"{title} {case.number}", pdf))
            return out

        return self._worker.call(job, kind="render", write=False)

    def send(self, ref: str, papers: Sequence[Paper], printer: str) -> list[Path]:
        """Send each paper; `PrinterError` (Russian, PDF kept) goes to the caller after the rest were tried."""
        from printing import PrinterError, send_to_printer

        sender = self.sender or send_to_printer
        kept: list[Path] = []
        failed: PrinterError | None = None
        for paper in papers:
            try:
                job = sender(paper.pdf, self.folder, paper.name, printer=printer or None, title=paper.title)
                kept.append(job.pdf_path)
            except PrinterError as exc:
                failed = failed or exc
                if exc.pdf_path is not None:
                    kept.append(exc.pdf_path)
                continue
            self._record_print(ref, paper.name.rsplit("-", 1)[-1])
        if failed is not None:
            raise failed
        return kept

    def _record_print(self, ref: str, document: str) -> None:
        def job(session: Session) -> None:
            cases.record_print(session, ref, actor=self._actor(), document=document, now=self._worker.store.now())

        self._worker.call(job, kind="record_print")

    def print_case(self, case_id: str, printer: str) -> None:
        self.send(case_id, self.papers(case_id), printer)


def last_saved(worker: StoreWorker, draft_id: str) -> datetime | None:
    """When the draft was last written (tests and the status line)."""
    case = worker.call(lambda s: s.get(Case, draft_id), kind="draft_time", write=False)
    return case.updated_at if case is not None else None


# --- the Cases screen ------------------------------------------------------------------------------
# Which status changes each role may make (the lifecycle decides which exist at all).
ROLE_TARGETS: dict[str, frozenset[Status]] = {
    "specialist": frozenset({Status.SENT, Status.ISSUED, Status.WITHDRAWN}),
    "field_specialist": frozenset({Status.ISSUED}),
    "supervisor": frozenset(Status) - {Status.DRAFT},
    "administrator": frozenset(),  # sets the workstation up; does not work cases (workstation/core/roles.py)
}


def allowed_targets(status: str, role: str) -> list[tuple[str, str, bool]]:
    """(status, Russian label, needs a reason) the role may move a case in `status` to."""
    from workstation.core.lifecycle import NEEDS_REASON, TRANSITIONS

    current = Status(status)
    if current == Status.DRAFT:
        return []
    mine = ROLE_TARGETS.get(role, frozenset())
    order = list(Status)
    return [(s.value, s.label, s in NEEDS_REASON)
            for s in sorted(TRANSITIONS[current] & mine, key=order.index)]


class StoreCaseCards:
    """Search, the case card (history and audit) and status changes, for the Cases screen."""

    def __init__(self, worker: StoreWorker, titles: Callable[[str], str], *,
                 catalog: Callable[[], Catalog] | None = None) -> None:
        self._worker = worker
        self._titles = titles
        self._catalog = catalog  # field labels of the conflict view
        self.on_change: Callable[[], None] | None = None  # a new outbox row (the sync worker's `kick`)

    def search(self, query: str) -> list[dict[str, Any]]:
        from workstation.core import search as search_mod

        query = query.strip()
        if not query:
            return []

        def job(session: Session) -> list[dict[str, Any]]:
            found = search_mod.search(session, query, limit=50)
            rows: list[dict[str, Any]] = []
            for hit in found.cases:
                rows.append({"ref": hit.id, "number": hit.number or "", "service": self._titles(hit.service_id),
                             "applicant": hit.applicant_name or "—", "status": Status(hit.status).label,
                             "status_id": hit.status, "accepted_on": hit.accepted_on})
            if not rows:  # a number typed whole (a barcode) that the index does not know yet
                case = cases.find(session, query)
                if case is not None and case.status != Status.DRAFT:
                    rows.append({"ref": case.id, "number": case.number or "", "service": self._titles(case.service_id),
                                 "applicant": _short_person(case.answers), "status": Status(case.status).label,
                                 "status_id": case.status, "accepted_on": case.accepted_on})
            flagged = set(session.scalars(select(Case.id).where(Case.id.in_([r["ref"] for r in rows]),
                                                                Case.conflict.is_(True))))
            for row in rows:
                row["conflict"] = row["ref"] in flagged
            return rows

        return self._worker.call(job, kind="search", write=False)

    def card(self, ref: str, *, actor: str, role: str) -> dict[str, Any]:
        """The case as the card shows it; opening it is audited."""
        from workstation.core.conflict_view import conflict_rows
        from workstation.core.models import AuditEntry

        catalog = self._catalog() if self._catalog is not None else None

        def job(session: Session) -> dict[str, Any]:
            case = cases.open_case(session, ref, actor=actor, now=self._worker.store.now())
            view = cases.case_view(session, case)
            entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == case.id)
                                      .order_by(AuditEntry.id)).all()
            view["audit"] = [{"at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail or {}}
                             for e in entries]
            specialist = device.find_staff(session, case.specialist) if case.specialist else None
            view["specialist_name"] = specialist.full_name if specialist is not None else (case.specialist or "")
            view["conflicts"] = conflict_rows(case, catalog, _own_device_id(session)) if case.conflict else []
            view["here_office"] = _office_or_none(session)
            return view

        view = self._worker.call(job, kind="case_card")
        view["service_title"] = self._titles(view["service_id"])
        view["applicant_short"] = _short_person(view.get("answers"))
        view["targets"] = allowed_targets(view["status"], role)
        view["may_resolve"] = roles.may(role, roles.Permission.RESOLVE_CONFLICT)
        for h in view.get("history") or []:
            h["from_label"] = Status(h["from"]).label if h.get("from") else "—"
            h["to_label"] = Status(h["to"]).label
        return view

    def change_status(self, ref: str, new_status: str, *, actor: str, role: str, reason: str | None = None) -> None:
        from workstation.core.errors import TransitionRefused

        def job(session: Session) -> None:
            case = cases.get(session, ref)
            if Status(new_status) not in {Status(s) for s, _l, _r in allowed_targets(case.status, role)}:
                raise TransitionRefused(f"Вашей роли не разрешено переводить дело {case.number} "
                                        f"в статус «{Status(new_status).label}».")
            here = _office_or_none(session)
            if Status(new_status) == Status.ISSUED and case.office_code and case.office_code != here:
                raise roles.RoleRefused(roles.ISSUE_ELSEWHERE.format(number=case.number, case_office=case.office_code,
                                                                     office=here or "не задан"))
            cases.change_status(session, ref, new_status, actor=actor, now=self._worker.store.now(),
                                reason=reason)

        self._worker.call(job, kind="change_status")
        if self.on_change is not None:
            self.on_change()

    def resolve_conflict(self, ref: str, choices: Mapping[str, str], *, actor: str, role: str) -> None:
        """`choices`: `{path: "local" | "server"}` for every field in conflict; the values come from the
        store (`conflict_view.chosen_values`), the resolution goes to the outbox (`op: resolve`)."""
        from workstation.core.conflict_view import chosen_values
        from workstation.core.sync_adapter import resolve_conflict

        roles.require(role, roles.Permission.RESOLVE_CONFLICT)

        def job(session: Session) -> None:
            case = cases.get(session, ref)
            values = chosen_values(case, choices, _own_device_id(session))
            resolve_conflict(session, case.id, values, actor=actor, now=self._worker.store.now())

        self._worker.call(job, kind="resolve_conflict")
        if self.on_change is not None:
            self.on_change()


def _own_device_id(session: Session) -> str | None:
    """This device's id at the sync server (the conflict data names proposals by it)."""
    from workstation.core.sync_adapter import server_info

    info = server_info(session)
    return str(info.get("device_id")) if isinstance(info, Mapping) and info.get("device_id") else None


def _office_or_none(session: Session) -> str | None:
    try:
        return device.codes(session)[0]
    except NotConfigured:
        return None


# --- the device's identity: the codes in case numbers, shown in the status bar and Settings ---------
CODES_BY_SERVER = "Офис и номер рабочего места назначены сервером при подключении; их меняют на сервере."
CODES_IN_USE = ("На этом рабочем месте уже приняты дела с номерами {office}-{workstation}-…: "
                "офис и номер рабочего места больше не меняются.")


class StoreDevice:
    """The device's office and workstation codes (`device.codes`), the one source of the office and
    workstation the screens show. An administrator may change them while the device is not enrolled
    with a sync server (then the server assigns them) and no case has been numbered with them."""

    def __init__(self, worker: StoreWorker, *, types: Mapping[str, Any]) -> None:
        self._worker = worker
        self._types = types  # DeviceIdentity

    def _identity(self, session: Session) -> Any:
        dev = device.get_device(session)
        office, workstation = dev.office_code or None, dev.workstation_code or None
        reason = ""
        if sync_server_info(session) is not None:
            reason = CODES_BY_SERVER
        elif office and workstation and session.scalar(
                select(func.count()).select_from(Case).where(Case.number.is_not(None), Case.office_code == office,
                                                             Case.workstation_code == workstation)):
            reason = CODES_IN_USE.format(office=office, workstation=workstation)
        return self._types["DeviceIdentity"](office, workstation, locked_reason=reason)

    def identity(self) -> Any:
        return self._worker.call(self._identity, kind="device_identity", write=False)

    def set_codes(self, office: str, workstation: str, *, role: str) -> Any:
        roles.require(role, roles.Permission.DEVICE_CODES)

        def job(session: Session) -> Any:
            current = self._identity(session)
            if (office, workstation) == (current.office_code, current.workstation_code):
                return current
            if current.locked_reason:
                raise roles.RoleRefused(current.locked_reason)
            device.configure_device(session, office, workstation)
            return self._identity(session)

        return self._worker.call(job, kind="device_codes")


def sync_server_info(session: Session) -> Mapping[str, Any] | None:
    from workstation.core import sync_adapter

    info = sync_adapter.server_info(session)
    return info if isinstance(info, Mapping) and info.get("url") else None


# --- New intake: find the applicant ----------------------------------------------------------------
class StoreApplicants:
    """`Applicants`: the people of earlier visits, found at intake; their card as a form's answers."""

    def __init__(self, worker: StoreWorker, *, types: Mapping[str, Any]) -> None:
        self._worker = worker
        self._types = types  # ApplicantRow, ApplicantCard

    def find(self, query: str) -> list[Any]:
        from workstation.core import applicants

        query = query.strip()
        if not query:
            return []
        found = self._worker.call(lambda s: applicants.find(s, query, limit=30), kind="applicant_search",
                                  write=False)
        row = self._types["ApplicantRow"]
        return [row(h.id, h.full_name, h.birth_date, h.passport, h.snils, h.phone, h.address) for h in found]

    def card(self, ref: str) -> Any:
        from workstation.core import applicants

        def job(session: Session) -> tuple[str, dict[str, Any]]:
            return applicants.get(session, ref).full_name, applicants.form_answers(session, ref)

        full_name, answers = self._worker.call(job, kind="applicant_card", write=False)
        return self._types["ApplicantCard"](ref, full_name, answers)


# --- sync: a notice when a case changes status on the server ----------------------------------------
class NoticingPort:
    """A `sync.client.LocalPort` (the store's `StorePort`) that notes the cases whose status a pull changed.

    `take_notices()` returns and clears Russian lines such as «Дело 0101-…: Результат готов.»; the UI
    shows them in the status bar's notice. Everything else is the wrapped port's.
    """

    def __init__(self, port: Any, store: Any) -> None:
        self._port = port
        self._store = store
        self._lock = threading.Lock()
        self._notices: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)

    def _statuses(self, ids: list[str]) -> dict[str, tuple[str | None, str]]:
        if not ids:
            return {}
        with self._store.reading() as session:
            rows = session.execute(select(Case.id, Case.number, Case.status).where(Case.id.in_(ids))).all()
        return {str(r[0]): (r[1], str(r[2])) for r in rows}

    def apply_pages(self, pages: list[Any], catalogs: dict[str, Any]) -> None:
        ids = sorted({c.id for page in pages for c in page.changes if c.kind == "case"})
        before = self._statuses(ids)
        self._port.apply_pages(pages, catalogs)
        after = self._statuses(ids)
        lines = [f"Дело {number or case_id}: {Status(status).label}."
                 for case_id, (number, status) in after.items()
                 if case_id in before and before[case_id][1] != status and status != Status.DRAFT]
        if lines:
            with self._lock:
                self._notices.extend(lines)

    def take_notices(self) -> list[str]:
        with self._lock:
            taken, self._notices = self._notices, []
        return taken


def sync_server(worker: StoreWorker) -> dict[str, Any] | None:
    """The server this device is enrolled with (`sync_adapter.save_enrolment`), or None."""
    from workstation.core import sync_adapter

    info = worker.call(sync_adapter.server_info, kind="sync_server", write=False)
    return dict(info) if isinstance(info, Mapping) and info.get("url") else None
