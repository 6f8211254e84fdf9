"""The compiled catalog: immutable, typed objects built by `forms.compiler`.

Nothing here reads files or validates YAML; the compiler guarantees the invariants (ids are
unique, every reference resolves, every expression names known fields and functions), so the
engine and the printers can trust these objects without re-checking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from forms.expressions import Expression


class FieldKind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    PERSON = "person"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    IDENTITY_DOCUMENT = "identity_document"
    SNILS = "snils"
    INN = "inn"
    OGRN = "ogrn"
    OGRNIP = "ogrnip"
    OMS = "oms"
    BIRTH_CERTIFICATE = "birth_certificate"
    CADASTRAL = "cadastral"
    DRIVING_LICENCE = "driving_licence"
    VEHICLE = "vehicle"
    BANK_ACCOUNT = "bank_account"
    GROUP = "group"


# Parts of compound values, in printing order.
PERSON_PARTS = ("surname", "name", "patronymic", "sex")
ADDRESS_PARTS = ("region", "city", "street", "house", "building", "flat", "postcode")
IDENTITY_PARTS = ("kind", "series", "number", "issuer", "issue_date", "division_code")
VEHICLE_PARTS = ("vin", "plate", "make", "model", "year")
BANK_PARTS = ("bik", "account")

COMPOUND_PARTS: Mapping[FieldKind, tuple[str, ...]] = {
    FieldKind.PERSON: PERSON_PARTS,
    FieldKind.ADDRESS: ADDRESS_PARTS,
    FieldKind.IDENTITY_DOCUMENT: IDENTITY_PARTS,
    FieldKind.VEHICLE: VEHICLE_PARTS,
    FieldKind.BANK_ACCOUNT: BANK_PARTS,
}

# Field ids that mean the applicant's own data: filled from the applicant card and shared by
# every application of a life-situation bundle.
APPLICANT_FIELDS: Mapping[str, FieldKind] = {
    "applicant": FieldKind.PERSON,
    "birth_date": FieldKind.DATE,
    "birth_place": FieldKind.TEXT,
    "identity": FieldKind.IDENTITY_DOCUMENT,
    "snils": FieldKind.SNILS,
    "inn": FieldKind.INN,
    "phone": FieldKind.PHONE,
    "email": FieldKind.EMAIL,
    "address": FieldKind.ADDRESS,
}

# Names every expression may use besides field ids.
CONTEXT_NAMES = frozenset({"office_type", "channel", "privileges"})


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    kind: FieldKind
    label: str
    required: bool | Expression = False
    hint: str = ""
    visible_if: Expression | None = None
    default: Any = None
    # text
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    mask: str | None = None
    # numbers
    min: Decimal | None = None
    max: Decimal | None = None
    places: int | None = None
    # dates
    past_only: bool = False
    future_only: bool = False
    # choices: `options` for a plain choice; `options_by` when the list depends on another field
    options: tuple[Option, ...] = ()
    depends_on: str | None = None
    options_by: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)
    min_selected: int | None = None
    max_selected: int | None = None
    # compound kinds
    patronymic_required: bool = False
    inn_length: int | None = None
    document_kinds: tuple[str, ...] = ()
    # repeat groups
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    item_label: str = ""
    rules: tuple[Rule, ...] = ()
    line: int = 0

    def options_for(self, parent_value: Any) -> tuple[Option, ...]:
        """The options offered now: for a cascading choice they depend on the parent's value."""
        if self.depends_on is None:
            return self.options
        if parent_value is None:
            return ()
        return self.options_by.get(str(parent_value), ())

    def option_label(self, value: Any, parent_value: Any = None) -> str:
        for option in self.options_for(parent_value) or self.options:
            if option.value == value:
                return option.label
        for group in self.options_by.values():
            for option in group:
                if option.value == value:
                    return option.label
        return "" if value is None else str(value)

    @property
    def is_group(self) -> bool:
        return self.kind is FieldKind.GROUP


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    fields: tuple[Field, ...]
    visible_if: Expression | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: Expression
    message: str
    field: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class Calculated:
    id: str
    label: str
    expr: Expression


@dataclass(frozen=True, slots=True)
class DocumentRequirement:
    doc: str
    originals: int = 0
    copies: int = 0
    required: bool | Expression = True
    when: Expression | None = None
    by_request: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class TariffStep:
    start: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Tariff:
    id: str
    title: str
    basis: str
    history: tuple[TariffStep, ...]  # sorted by start

    def amount_on(self, day: date) -> Decimal | None:
        """The amount in force on `day`; None before the first step."""
        current = None
        for step in self.history:
            if step.start <= day:
                current = step.amount
            else:
                break
        return current


@dataclass(frozen=True, slots=True)
class FeeRule:
    tariff: str
    when: Expression | None = None
    times: Expression | None = None


class DeadlineUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    unit: DeadlineUnit
    amount: int
    when: Expression | None = None

    def describe(self) -> str:
        from forms.messages import deadline_text

        return deadline_text(self.unit, self.amount)


@dataclass(frozen=True, slots=True)
class Availability:
    office_types: tuple[str, ...]
    pre_appointment: bool = False
    home_visit: bool = False
    extraterritorial: bool = True


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    short: str
    addressee: str


@dataclass(frozen=True, slots=True)
class OfficeType:
    id: str
    name: str
    hours: str = ""


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    name: str
    type: str
    address: str = ""
    district: str = ""


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class DocumentKind:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Situation:
    id: str
    title: str
    services: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    version: int
    title: str
    short_title: str
    subject: str
    agency: str
    keywords: tuple[str, ...]
    availability: Availability
    layout: str
    deadline: tuple[DeadlineRule, ...]
    fee: tuple[FeeRule, ...]
    exemptions: tuple[str, ...]
    notification: tuple[str, ...]
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    calculated: tuple[Calculated, ...]
    documents: tuple[DocumentRequirement, ...]
    example: Mapping[str, Any]
    generic: bool = False
    source: str = ""
    # Field ids that section/field conditions and calculated values look at: hiding any other
    # field cannot change what is shown, so the engine needs no second relevance pass.
    condition_roots: frozenset[str] = frozenset()

    @property
    def fields(self) -> tuple[Field, ...]:
        """Top-level fields in form order (groups count as one field)."""
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, field_id: str) -> Field:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def section_of(self, field_id: str) -> Section:
        for s in self.sections:
            if any(f.id == field_id for f in s.fields):
                return s
        raise KeyError(field_id)

    @property
    def form_version(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True, slots=True)
class Catalog:
    version: str
    title: str
    published: date
    services: Mapping[str, Service]
    agencies: Mapping[str, Agency]
    office_types: Mapping[str, OfficeType]
    offices: Mapping[str, Office]
    categories: Mapping[str, Category]
    documents: Mapping[str, DocumentKind]
    tariffs: Mapping[str, Tariff]
    situations: Mapping[str, Situation]
    synonyms: Mapping[str, tuple[str, ...]]
    calendar_overrides: Mapping[date, bool]
    sources: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def shared_fields(self, situation_id: str) -> tuple[str, ...]:
        """Fields typed once for a life-situation bundle.

        The applicant block always; besides it, any field id that two or more of the bundle's
        services declare alike — same kind, same options (a child's birth certificate in every
        application of «Рождение ребенка», say). A field declared differently is typed per service.
        """
        situation = self.situations[situation_id]
        seen: dict[str, tuple[tuple[Any, ...], int]] = {}
        for service_id in situation.services:
            for f in self.services[service_id].fields:
                # Same kind, and for choices the same options: a value typed once must be valid
                # in every application it is copied into.
                shape = (f.kind, tuple(o.value for o in f.options), tuple(sorted(f.options_by)))
                known, n = seen.get(f.id, (shape, 0))
                seen[f.id] = (known, n + 1) if known == shape else (known, -999)
        return tuple(fid for fid, (_, n) in seen.items() if n >= 0 and (fid in APPLICANT_FIELDS or n >= 2))
