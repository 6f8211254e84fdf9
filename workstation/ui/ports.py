"""What the screens need from the rest of the workstation, as small protocols.

The screens are written against these, not against the store, the printer or the sync
client, so wiring the real parts is a matter of passing other objects in `Backends`
(see `workstation.ui.demo` for the in-memory stand-ins used until then).

Threading contract: the UI calls every method here on a worker lane of the `TaskRunner`
(`Lane.STORE` for accounts, cases, drafts, intake and usage; `Lane.IO` for printing), never on
the Tk thread, so implementations may block and may open their own session per call.
`SyncStatus` listeners may be called from any thread; the UI forwards them to the Tk thread.
Failures meant for the user carry a Russian `user_message` (`UserError` here, `StoreError`
in the store); anything else is treated as a bug and logged with a reference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the catalog is loaded after the login window shows: keep start-up light
    from forms.model import Catalog

# --- staff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffInfo:
    login: str
    full_name: str  # «Иванова Анна Сергеевна»
    role: str = "specialist"  # specialist | field_specialist | supervisor | administrator (core/roles.py)
    position: str = "Специалист"

    @property
    def short_name(self) -> str:
        """«Иванова А. С.»"""
        parts = self.full_name.split()
        if not parts:
            return self.login
        return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:3])])


class Accounts(Protocol):
    def authenticate(self, login: str, password: str) -> StaffInfo | None:
        """The staff member, or None for a wrong login or password. Works offline."""
        ...

    def demo_account(self) -> tuple[str, str] | None:
        """(login, password) of the demo account while it is shown at first start, else None."""
        ...


# --- cases and drafts -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One line of a list on the home screen (already safe to show to the logged-in staff)."""

    ref: str  # case id or draft id: what `open` needs
    number: str  # case number, «» for a draft
    service_title: str
    applicant: str  # «Соколова А. В.»
    status: str  # Russian status label
    updated: datetime | None = None
    is_draft: bool = False


class CaseSource(Protocol):
    def todays_cases(self, office_id: str, window: str) -> Sequence[CaseRow]: ...

    def open_drafts(self, login: str) -> Sequence[CaseRow]: ...

    def ready_for_issuance(self, office_id: str) -> Sequence[CaseRow]: ...


@dataclass
class DraftRecord:
    """What autosave hands to the store: the form as typed, and where the specialist stopped."""

    service_id: str
    form_version: str  # «passport-rf@1»
    catalog_version: str
    answers: dict[str, Any]  # JSON-safe, as typed
    presented: list[dict[str, Any]] = field(default_factory=list)  # [{doc, originals, copies, sheets}]
    notification: str = ""
    privileges: list[str] = field(default_factory=list)
    focus: str = ""  # field path to put the cursor back on
    draft_id: str | None = None  # None until the store gave one
    situation_id: str | None = None  # set for every draft of a life-situation bundle
    bundle_id: str | None = None  # the same for all drafts of one life-situation visit
    staff_login: str = ""
    updated_at: datetime | None = None
    applicant_id: str | None = None  # the person chosen at intake: acceptance updates that card


class Drafts(Protocol):
    def save_draft(self, draft: DraftRecord) -> str:
        """Create or replace the draft; returns its id (stable across saves)."""
        ...

    def load_draft(self, draft_id: str) -> DraftRecord: ...

    def discard_draft(self, draft_id: str) -> None: ...


@dataclass(frozen=True)
class AcceptRequest:
    draft: DraftRecord
    staff_login: str
    office_id: str
    window: str
    accepted_on: date


@dataclass(frozen=True)
class AcceptedCase:
    case_id: str
    number: str
    due: date | None


class Intake(Protocol):
    def accept(self, request: AcceptRequest) -> AcceptedCase:
        """Validate again, write the case, its history, audit and outbox row in one transaction."""
        ...


class Printing(Protocol):
    def print_case(self, case_id: str, printer: str) -> None:
        """Render and send the application and the receipt; raise a user error if impossible."""
        ...


class ServiceUsage(Protocol):
    def frequencies(self, office_id: str) -> Mapping[str, float]:
        """How often each service is accepted at this office (any scale): frequent ones first."""
        ...

    def record(self, office_id: str, service_id: str) -> None: ...


@dataclass(frozen=True)
class ApplicantRow:
    """A person found at intake; passport and СНИЛС come masked («•••• ••3456», «•••-•••-445 95»)."""

    ref: str
    full_name: str
    birth_date: date | None
    passport: str
    snils: str
    phone: str
    address: str = ""


@dataclass(frozen=True)
class ApplicantCard:
    """The chosen person: `answers` is the form's applicant block (`forms.model.APPLICANT_FIELDS` ids).

    `ref` None: a new applicant, `answers` read from what was typed into the search
    (`workstation.ui.typed_applicant`); acceptance then finds or makes the card as for any new one.
    """

    ref: str | None
    full_name: str
    answers: dict[str, Any]


class Applicants(Protocol):
    """New intake's first step (`workstation.core.ui_backends.StoreApplicants`)."""

    def find(self, query: str) -> Sequence[ApplicantRow]:
        """By part of the ФИО, passport digits, СНИЛС or phone in any spelling; [] for a blank query."""
        ...

    def card(self, ref: str) -> ApplicantCard: ...


# --- sync -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncState:
    online: bool
    pending: int = 0  # local changes not yet acknowledged by the server
    last_sync: datetime | None = None
    progress: float | None = None  # 0..1 while a sync runs, else None
    notice: str = ""  # a short Russian line: a case changed status, a conflict to resolve …
    enrolled: bool = True  # False: no sync server configured; the status bar says so


class SyncStatus(Protocol):
    def current(self) -> SyncState: ...

    def subscribe(self, listener: Callable[[SyncState], None]) -> Callable[[], None]:
        """Call `listener` (from any thread) on every change; returns the unsubscribe function."""
        ...


# --- the device, the case cards, the printers (issue 6) -------------------------------------


@dataclass(frozen=True)
class DeviceIdentity:
    """The office and workstation codes in case numbers: the one source of what the status bar and
    Settings show. `locked_reason`: why they can no longer be changed here («» while they can)."""

    office_code: str | None
    workstation_code: str | None
    locked_reason: str = ""


class DeviceCodes(Protocol):
    def identity(self) -> DeviceIdentity: ...

    def set_codes(self, office: str, workstation: str, *, role: str) -> DeviceIdentity:
        """Administrator only, and only while `locked_reason` is empty; refusals are Russian."""
        ...


class CaseCards(Protocol):
    """The Cases screen (`workstation.core.ui_backends.StoreCaseCards`)."""

    def search(self, query: str) -> list[dict[str, Any]]: ...

    def card(self, ref: str, *, actor: str, role: str) -> dict[str, Any]:
        """The case; `conflicts` lists its fields in conflict (label, local_text, server_text …)."""
        ...

    def change_status(self, ref: str, new_status: str, *, actor: str, role: str, reason: str | None = None) -> None: ...

    def resolve_conflict(self, ref: str, choices: Mapping[str, str], *, actor: str, role: str) -> None:
        """`choices`: `{path: "local" | "server"}` for every field in conflict."""
        ...


PDF_ONLY = "pdf-only:"  # the printer setting meaning «keep the PDF, print nothing»


@dataclass(frozen=True)
class PrinterChoice:
    name: str
    default: bool = False
    ready: bool = True  # enabled and accepting jobs


# --- everything together --------------------------------------------------------------------


@dataclass
class Backends:
    accounts: Accounts
    cases: CaseSource
    drafts: Drafts
    intake: Intake
    printing: Printing
    sync: SyncStatus
    usage: ServiceUsage
    catalog: Callable[[], Catalog]  # the catalog in force; called once on the store lane
    # The Cases screen (`CaseCards`, `workstation.core.ui_backends.StoreCaseCards`); None until a store is wired.
    cards: Any = None
    # The device's codes (`DeviceCodes`); None: the settings file's office and window are shown.
    device: Any = None
    # New intake's applicant search (`Applicants`); None: intake starts with a new applicant only.
    applicants: Any = None
