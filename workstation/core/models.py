"""The tables of the local store (SQLAlchemy 2 typed models).

Public ids are client-made UUIDv7 strings (see `ids.py`), so rows made offline on 7,000
workstations never collide and the sync engine can send them as they are. Every synced row has
`version` (bumped on every local change), `server_version` (the last version the server
confirmed; None until then) and `sync_state`. Timestamps are stored in UTC; `accepted_on` is the
local calendar day of acceptance (numbering, reports and due dates count in local days).

The schema is created and changed only by the Alembic migrations in `migrations/`; these models
must describe the head revision (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC ISO text (sortable); naive input is refused."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware one")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


class DecimalText(TypeDecorator[Decimal]):
    """Money kept exact (SQLite has no decimal type)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime, Decimal: DecimalText, dict[str, Any]: JSON, list[Any]: JSON}


class Device(Base):
    """This installation: one row. `last_seq` numbers outbox rows without gaps."""

    __tablename__ = "device"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    office_code: Mapped[str | None] = mapped_column(String(4))
    workstation_code: Mapped[str | None] = mapped_column(String(3))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class Setting(Base):
    """Small local settings (sync cursor, UI preferences …) as JSON values."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32))
    office_code: Mapped[str | None] = mapped_column(String(4))
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    server_version: Mapped[int | None] = mapped_column(Integer)


class Applicant(Base):
    """A person reused across visits. `pk` is the stable rowid the search index points at."""

    __tablename__ = "applicants"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(300))
    snils: Mapped[str | None] = mapped_column(String(11), index=True)
    inn: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(16))  # found through the search indexes, not by value
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    privileges: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    server_version: Mapped[int | None] = mapped_column(Integer)
    sync_state: Mapped[str] = mapped_column(String(16), default="local")

    documents: Mapped[list[IdentityDocument]] = relationship(
        back_populates="applicant", order_by="IdentityDocument.created_at", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


class IdentityDocument(Base):
    """One identity document of an applicant; a replaced one stays with `current` False (history)."""

    __tablename__ = "identity_documents"
    __table_args__ = (Index("ix_identity_documents_number", "number", "series"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    series: Mapped[str | None] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(30))
    issuer: Mapped[str | None] = mapped_column(String(300))
    issue_date: Mapped[date | None] = mapped_column(Date)
    division_code: Mapped[str | None] = mapped_column(String(7))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    applicant: Mapped[Applicant] = relationship(back_populates="documents")


class Bundle(Base):
    """Cases filed together for one life situation (комплексный запрос)."""

    __tablename__ = "bundles"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    situation_id: Mapped[str] = mapped_column(String(64))
    applicant_id: Mapped[str | None] = mapped_column(ForeignKey("applicants.id"))
    specialist: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]


class Case(Base):
    """One application for one service, from the first keystroke (draft) to issuance."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_accepted_on", "status", "accepted_on"),
        # Partial: drafts (no day, usually no applicant yet) are not in them (migration 0004).
        Index("ix_cases_accepted_on", "accepted_on", sqlite_where=text("accepted_on IS NOT NULL")),
        Index("ix_cases_applicant", "applicant_id", "accepted_at", sqlite_where=text("applicant_id IS NOT NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[str] = mapped_column(String(64))
    catalog_version: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(100))
    applicant_id: Mapped[str | None] = mapped_column(ForeignKey("applicants.id"))
    bundle_id: Mapped[str | None] = mapped_column(ForeignKey("bundles.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the checklist as presented
    privileges: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fee_amount: Mapped[Decimal | None]
    fee_full_amount: Mapped[Decimal | None]
    fee_tariff: Mapped[str | None] = mapped_column(String(64))
    fee_exempt_by: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime | None]
    accepted_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16), default="window")
    office_code: Mapped[str | None] = mapped_column(String(4))
    workstation_code: Mapped[str | None] = mapped_column(String(3))
    specialist: Mapped[str | None] = mapped_column(String(100))
    intake_started_at: Mapped[datetime | None]
    intake_finished_at: Mapped[datetime | None]
    notify_by: Mapped[str | None] = mapped_column(String(8))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    server_version: Mapped[int | None] = mapped_column(Integer)
    sync_state: Mapped[str] = mapped_column(String(16), default="local")
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    applicant: Mapped[Applicant | None] = relationship()
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="case", order_by="StatusChange.id", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class StatusChange(Base):
    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="history")


class AuditEntry(Base):
    """Who created, viewed, changed, printed or exported what, and when. `detail` has no personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OutboxRow(Base):
    """A change to send to the central server, written in the same transaction as the change."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "device_seq", sqlite_where=text("acked_at IS NULL")),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_seq: Mapped[int] = mapped_column(Integer, unique=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(16))
    base_version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    acked_at: Mapped[datetime | None]


class DayCounter(Base):
    """The last case sequence used for one number prefix `OOOO-WWW-YYMMDD`."""

    __tablename__ = "day_counters"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


# The search indexes (FTS5, contentless) are created by migration 0002 with raw SQL, rowid =
# applicants.pk, one column `doc`: `applicant_words` (unicode61 words: prefix queries, the fast
# path) and `applicant_search` (trigram: any substring, the fallback). See `search.py`. Since
# 0004 they do not merge their segments inside commits (`database.merge_search_indexes`).
SEARCH_TABLE = "applicant_search"
WORDS_TABLE = "applicant_words"
SEARCH_TABLES = (WORDS_TABLE, SEARCH_TABLE)
