"""The sync protocol: the messages both ends exchange, as pydantic models.

Shared by `sync.client` and `sync.server`; imports nothing of the workstation. Everything here is
versioned by the URL prefix (`/v1`): a change that an old client could misread gets a new prefix.

Push: a workstation sends its outbox rows in order, each with its per-device sequence number
(`Mutation.seq`). The server applies them and answers a `MutationResult` per mutation plus the
last sequence number it has applied for the device (`PushResponse.last_applied_seq`).

Pull: the workstation asks for the changes after an opaque cursor and gets a `ChangesPage` of full
records (latest state of a case, an applicant card, a staff account, a catalog version, an
assignment); applying a record twice is harmless, so a page may be re-applied after a crash.

Every answer carries the server's `epoch`: a server restored from a backup gets a new one, and a
workstation that sees it change re-pushes what the server no longer has and pulls from scratch.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PROTOCOL_VERSION = 1
PREFIX = "/v1"
EPOCH_HEADER = "X-MFC-Epoch"

MAX_SEQ = 2**53  # exact in every JSON reader
MAX_DEPTH = 16  # of a payload's nesting
MAX_STRING = 100_000  # one string value of a payload, in characters

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._:-]+$")]
Seq = Annotated[int, Field(ge=1, le=MAX_SEQ)]
Version = Annotated[int, Field(ge=0, le=MAX_SEQ)]
Text = Annotated[str, Field(max_length=2000)]

# Mutation results.
ResultStatus = Literal["applied", "merged", "conflict", "duplicate", "rejected"]
APPLIED: Final = "applied"  # applied as sent
MERGED: Final = "merged"  # applied; the server had changes of others to other fields (or the same value)
CONFLICT: Final = "conflict"  # applied, but a field was changed elsewhere too: both kept, case flagged
DUPLICATE: Final = "duplicate"  # already applied earlier (a resend): nothing changed; `original` says how
REJECTED: Final = "rejected"  # refused for good (validation, lifecycle, permission): recorded, never retried
ACCEPTED_RESULTS = frozenset({APPLIED, MERGED, CONFLICT})

# Kinds of records that flow down.
KIND_CASE = "case"
KIND_APPLICANT = "applicant"
KIND_STAFF = "staff"
KIND_CATALOG = "catalog"
KIND_ASSIGNMENT = "assignment"

ROLES = ("specialist", "field_specialist", "supervisor", "administrator")


def check_json_value(value: Any, depth: int = 0) -> Any:
    """Refuse what a database or a JSON reader would choke on: NUL characters, NaN, deep nesting.

    Pydantic has already made sure `value` is JSON-shaped; this keeps a malformed payload a 422
    instead of a database error (PostgreSQL refuses U+0000 in text). One loop over an explicit
    stack (every pushed mutation's payload passes here: no call per value).
    """
    stack: list[tuple[Any, int]] = [(value, depth)]
    pop, push = stack.pop, stack.append
    while stack:
        item, level = pop()
        if level > MAX_DEPTH:
            raise ValueError("payload nested too deeply")
        kind = type(item)
        if kind is str or isinstance(item, str):
            if "\x00" in item:
                raise ValueError("NUL character in a string")
            if len(item) > MAX_STRING:
                raise ValueError("string too long")
        elif kind is dict or isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or "\x00" in key or len(key) > 200:
                    raise ValueError("bad key")
                if type(child) is str:  # the common leaf, checked in place
                    if "\x00" in child:
                        raise ValueError("NUL character in a string")
                    if len(child) > MAX_STRING:
                        raise ValueError("string too long")
                    if level >= MAX_DEPTH:
                        raise ValueError("payload nested too deeply")
                else:
                    push((child, level + 1))
        elif kind is list or isinstance(item, list):
            for child in item:
                push((child, level + 1))
        elif kind is bool or item is None:
            pass
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError("non-finite number")
        elif isinstance(item, int) and abs(item) > MAX_SEQ:
            raise ValueError("integer out of range")
    return value


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# --- errors ------------------------------------------------------------------------------------
class ErrorBody(Message):
    """Every refusal: a stable machine code and a Russian message that can be shown as is."""

    error: str
    message: str
    last_applied_seq: int | None = None  # with "sequence_gap"
    retry_after: float | None = None  # with "rate_limited" and "transient"
    detail: Any = None


# --- enrolment ---------------------------------------------------------------------------------
class EnrolRequest(Message):
    code: Annotated[str, Field(min_length=4, max_length=64)]
    local_device_id: Id
    acked_seq: Annotated[int, Field(ge=0, le=MAX_SEQ)] = 0  # outbox rows already confirmed (re-enrolment)
    hostname: Annotated[str, Field(max_length=200)] = ""

    @field_validator("code", "hostname")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return check_json_value(value)


class EnrolResponse(Message):
    device_id: str
    token: str
    name: str
    office_code: str
    workstation_code: str
    epoch: str


class DeviceStatus(Message):
    """`GET /v1/status`: who the server thinks this device is; a cheap reachability check."""

    epoch: str
    device_id: str
    name: str
    office_code: str
    workstation_code: str
    last_applied_seq: int
    server_time: datetime


# --- push --------------------------------------------------------------------------------------
class Mutation(Message):
    seq: Seq
    id: Id  # the outbox row's id (UUIDv7)
    entity: Annotated[str, Field(min_length=1, max_length=32)]
    entity_id: Id
    op: Annotated[str, Field(min_length=1, max_length=32)]
    base_version: Version | None = None  # the server version the change was made on (None: never seen one)
    payload: dict[str, Any] = Field(default_factory=dict)
    client_time: datetime | None = None  # recorded, never used to order

    @field_validator("payload")
    @classmethod
    def _payload(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_json_value(value)

    @field_validator("entity", "op")
    @classmethod
    def _plain(cls, value: str) -> str:
        return check_json_value(value)


class PushRequest(Message):
    epoch: str | None = Field(default=None, max_length=64)  # the epoch the workstation last saw
    mutations: Annotated[list[Mutation], Field(min_length=1, max_length=1000)]


class MutationResult(Message):
    seq: int
    status: ResultStatus
    code: str | None = None  # with "rejected" (and "conflict": which fields)
    message: str | None = None  # Russian, for the person at the workstation
    version: int | None = None  # the entity's server version after the mutation
    original: ResultStatus | None = None  # with "duplicate": the first outcome

    @property
    def accepted(self) -> bool:
        return (self.original or self.status) in ACCEPTED_RESULTS

    @property
    def rejected(self) -> bool:
        return (self.original or self.status) == REJECTED


class PushResponse(Message):
    epoch: str
    last_applied_seq: int
    results: list[MutationResult]


# --- pull --------------------------------------------------------------------------------------
class Change(Message):
    kind: str
    id: str
    version: int = 0
    data: dict[str, Any]


class ChangesPage(Message):
    epoch: str
    cursor: str  # opaque: pass back as is
    more: bool  # another page is ready now
    reset: bool = False  # the given cursor was from another epoch (or unreadable): this page starts over
    changes: list[Change]


# --- catalogs ----------------------------------------------------------------------------------
class CatalogBundle(Message):
    version: str
    digest: str
    sources: dict[str, str]


# --- staff API (back office, supervisors, agency systems) --------------------------------------
class StaffLoginRequest(Message):
    login: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]

    @field_validator("login", "password")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return check_json_value(value)


class StaffToken(Message):
    token: str
    login: str
    role: str
    office_code: str | None
    expires_at: datetime


class StatusChangeRequest(Message):
    status: Annotated[str, Field(min_length=1, max_length=16)]
    reason: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("status", "reason")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        return None if value is None else check_json_value(value)


class CaseSummary(Message):
    id: str
    number: str | None
    office_code: str | None
    status: str
    service_id: str | None
    version: int
    conflict: bool


class AssignmentRequest(Message):
    case: Annotated[str, Field(min_length=1, max_length=64)]  # number or id
    device_id: Id
    login: Annotated[str | None, Field(max_length=100)] = None
    active: bool = True

    @field_validator("case", "login")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        return None if value is None else check_json_value(value)


class CaseState(Message):
    """A case as the server holds it (`POST …/status`, `POST /v1/assignments`)."""

    id: str
    number: str | None
    status: str
    version: int
    conflict: bool
