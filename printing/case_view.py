"""What the printers take: a plain, frozen picture of one case, independent of the store.

The store's adapter builds a `CaseView` from its rows (the case, its applicant, the presented
documents, the specialist and the office); the printers never look anything up themselves
except in the `Catalog` they are given. Every field is plain data, so a case can also be
built by hand in a test or from a JSON file, and printing stays a pure function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's ФИО; `sex` is "male", "female" or None (then detected when declining)."""

    surname: str
    name: str = ""
    patronymic: str = ""
    sex: str | None = None

    @classmethod
    def from_answer(cls, value: Mapping[str, Any] | None) -> PersonName:
        """From a `person` answer of a form (`{surname, name, patronymic, sex}`)."""
        value = value or {}
        return cls(
            surname=str(value.get("surname") or ""),
            name=str(value.get("name") or ""),
            patronymic=str(value.get("patronymic") or ""),
            sex=value.get("sex") or None,
        )

    @property
    def full(self) -> str:
        """«Соколова Анна Викторовна»."""
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)

    @property
    def short(self) -> str:
        """Surname and initials, as under a signature: «Соколова А. В.»."""
        initials = " ".join(f"{p[0]}." for p in (self.name, self.patronymic) if p)
        return f"{self.surname} {initials}".strip()

    def __bool__(self) -> bool:
        return bool(self.surname or self.name or self.patronymic)


@dataclass(frozen=True, slots=True)
class PresentedDocument:
    """One row of the documents the applicant handed over.

    `doc` is a document-kind id of the catalog; `title` overrides the catalog's name (and is
    the name for a document outside the catalog). Counts are copies (экземпляры) and sheets
    (листы) of originals and of copies.
    """

    doc: str
    originals: int = 0
    originals_sheets: int = 0
    copies: int = 0
    copies_sheets: int = 0
    title: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PresentedDocument:
        def count(key: str) -> int:
            try:
                return max(0, int(row.get(key) or 0))
            except (TypeError, ValueError):
                return 0

        return cls(
            doc=str(row.get("doc") or ""),
            originals=count("originals"),
            originals_sheets=count("originals_sheets"),
            copies=count("copies"),
            copies_sheets=count("copies_sheets"),
            title=str(row.get("title") or ""),
        )


@dataclass(frozen=True, slots=True)
class FeeView:
    """The fee charged: `amount` in roubles; `exemption` is a category id (or text) when exempt."""

    amount: Decimal = Decimal(0)
    exemption: str | None = None


@dataclass(frozen=True, slots=True)
class Notification:
    """How the applicant is told the result is ready: "sms", "email" or "none", and where."""

    method: str = "none"
    contact: str = ""


@dataclass(frozen=True, slots=True)
class Specialist:
    name: PersonName
    position: str = ""


@dataclass(frozen=True, slots=True)
class OfficeView:
    name: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class IssuanceView:
    """The handing over of the result.

    `recipient` is None when the applicant took it personally; a representative is named with
    the basis of the authority (a power of attorney, say). `issued_by` is None when the
    specialist who accepted the case also issues the result.
    """

    result: str
    issued_at: datetime
    recipient: PersonName | None = None
    basis: str = ""
    issued_by: Specialist | None = None


@dataclass(frozen=True, slots=True)
class CaseView:
    """One case as printed.

    `answers` are the clean answers as `forms.engine.FormResult.answers` gives them (JSON-safe);
    `catalog_version` and `form_version` ("passport-rf@1") name the catalog and form it was
    filled with: the printers refuse another catalog, so an old case prints with its own form.
    """

    number: str
    service_id: str
    catalog_version: str
    accepted_at: datetime
    applicant: PersonName
    answers: Mapping[str, Any]
    specialist: Specialist
    office: OfficeView
    form_version: str = ""
    due_date: date | None = None
    channel: str = "window"
    office_type: str | None = None
    privileges: frozenset[str] = frozenset()
    documents: tuple[PresentedDocument, ...] = ()
    fee: FeeView = field(default_factory=FeeView)
    notification: Notification = field(default_factory=Notification)
    bundle_title: str = ""
    issuance: IssuanceView | None = None

    def __post_init__(self) -> None:
        # Freeze what callers may hand over as mutable containers.
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "documents", tuple(self.documents))
        object.__setattr__(self, "privileges", frozenset(self.privileges))

    @property
    def bundle(self) -> bool:
        return bool(self.bundle_title)


def documents_from_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[PresentedDocument, ...]:
    """Presented documents from the store's JSON rows (`{doc, originals, originals_sheets, …}`)."""
    return tuple(PresentedDocument.from_row(r) for r in rows)
