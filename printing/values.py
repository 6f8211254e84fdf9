"""Answers as a person reads them on paper: dates «14.03.1980», addresses in postal order, passports
as «серия 4500 № 123456, выдан …», money as «1 500 руб. 00 коп.».

Every function takes the JSON-safe value the store keeps (ISO date strings, decimal strings,
dicts of parts) and never returns "None": a missing value is an empty string, which the
layout prints as a blank line to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from forms import identifiers as ids
from forms.messages import SEX_LABELS
from forms.model import Catalog, Field, FieldKind
from printing import texts as t


def text_of(value: Any) -> str:
    """A plain value as text; None and empty containers give ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t.YES if value else t.NO
    if isinstance(value, date | datetime):
        return format_date(value)
    return str(value).strip()


def format_date(value: Any) -> str:
    """«14.03.1980» from a date or an ISO string; anything else as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def format_datetime(value: datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M")


def date_in_words(day: date) -> str:
    """«21» ноября 2026 г. — the way a date is written next to a signature."""
    return f"«{day.day:02d}» {t.MONTHS_GENITIVE[day.month - 1]} {day.year} {t.YEAR_SUFFIX}"


def format_money(value: Any, *, currency: bool = True) -> str:
    """«1 500,00 руб.» (or «1 500,00» without the currency); "" for nothing."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return text_of(value)
    if not amount.is_finite():
        return ""
    text = f"{amount.quantize(Decimal('0.01')):,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text} {t.RUBLES}" if currency else text


def format_number(value: Any) -> str:
    text = text_of(value)
    return text.replace(".", ",") if text and text.replace(".", "", 1).lstrip("-").isdigit() else text


def person_text(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    return " ".join(str(value[p]).strip() for p in ("surname", "name", "patronymic") if value.get(p))


def sex_text(value: Mapping[str, Any] | None) -> str:
    sex = (value or {}).get("sex")
    return SEX_LABELS.get(str(sex), "") if sex else ""


def address_text(value: Mapping[str, Any] | None) -> str:
    """Postal order: index, region, locality, street, house, building, flat."""
    if not value:
        return ""
    get = lambda key: str(value.get(key) or "").strip()
    region, city = get("region"), get("city")
    parts = [get("postcode"), region]
    if city and city.casefold() not in region.casefold():
        parts.append(city)
    parts.append(get("street"))
    if get("house"):
        parts.append(f"{t.HOUSE} {get('house')}")
    if get("building"):
        parts.append(f"{t.BUILDING} {get('building')}")
    if get("flat"):
        parts.append(f"{t.FLAT} {get('flat')}")
    return ", ".join(p for p in parts if p)


def document_name(catalog: Catalog | None, doc: str) -> str:
    if catalog is not None and doc in catalog.documents:
        return catalog.documents[doc].name
    return doc


def identity_text(value: Mapping[str, Any] | None, catalog: Catalog | None) -> str:
    """«Паспорт гражданина РФ, серия 4500 № 123456, выдан ОВД … 10.04.2000, код подразделения 772-045»."""
    if not value:
        return ""
    get = lambda key: str(value.get(key) or "").strip()
    parts = []
    if get("kind"):
        parts.append(document_name(catalog, get("kind")))
    number = " ".join(
        x for x in ((f"{t.SERIES}\u00a0{get('series')}" if get("series") else ""),
                    (f"{t.NUMBER_SIGN}\u00a0{get('number')}" if get("number") else "")) if x
    )
    if number:
        parts.append(number)
    issued = " ".join(x for x in (get("issuer"), format_date(value.get("issue_date"))) if x)
    if issued:
        parts.append(f"{t.ISSUED} {issued}")
    if get("division_code"):
        parts.append(f"{t.DIVISION_CODE} {get('division_code')}")
    return ", ".join(parts)


def vehicle_text(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    get = lambda key: str(value.get(key) or "").strip()
    parts = []
    if get("vin"):
        parts.append(f"{t.VIN} {get('vin')}")
    if get("plate"):
        parts.append(f"{t.PLATE} {get('plate')}")
    make = " ".join(x for x in (get("make"), get("model")) if x)
    if make:
        parts.append(make)
    if get("year"):
        parts.append(t.YEAR_MADE.format(year=get("year")))
    return ", ".join(parts)


def bank_text(value: Mapping[str, Any] | None) -> str:
    if not value:
        return ""
    parts = []
    if value.get("bik"):
        parts.append(f"{t.BIK} {value['bik']}")
    if value.get("account"):
        parts.append(f"{t.ACCOUNT} {value['account']}")
    return ", ".join(parts)


def phone_text(value: Any) -> str:
    text = text_of(value)
    if not text:
        return ""
    try:
        return ids.format_phone(text)
    except ids.IdentifierError:
        return text


def snils_text(value: Any) -> str:
    text = text_of(value)
    try:
        return ids.format_snils(text) if text else ""
    except ids.IdentifierError:
        return text


CAPTIONS: Mapping[FieldKind, str] = {
    FieldKind.PERSON: t.PERSON_CAPTION,
    FieldKind.ADDRESS: t.ADDRESS_CAPTION,
    FieldKind.IDENTITY_DOCUMENT: t.IDENTITY_CAPTION,
    FieldKind.VEHICLE: t.VEHICLE_CAPTION,
    FieldKind.BANK_ACCOUNT: t.BANK_CAPTION,
}


def field_text(f: Field, value: Any, catalog: Catalog | None, answers: Mapping[str, Any] | None = None) -> str:
    """One answer of a non-group field as a line of text (choices by their labels)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    kind = f.kind
    if kind is FieldKind.PERSON:
        name = person_text(value)
        return name
    if kind is FieldKind.ADDRESS:
        return address_text(value)
    if kind is FieldKind.IDENTITY_DOCUMENT:
        return identity_text(value, catalog)
    if kind is FieldKind.VEHICLE:
        return vehicle_text(value)
    if kind is FieldKind.BANK_ACCOUNT:
        return bank_text(value)
    if kind is FieldKind.DATE:
        return format_date(value)
    if kind is FieldKind.MONEY:
        return format_money(value)
    if kind in (FieldKind.DECIMAL, FieldKind.INTEGER):
        return format_number(value)
    if kind is FieldKind.PHONE:
        return phone_text(value)
    if kind is FieldKind.SNILS:
        return snils_text(value)
    if kind is FieldKind.CHOICE:
        parent = (answers or {}).get(f.depends_on) if f.depends_on else None
        return f.option_label(value, parent)
    if kind is FieldKind.MULTICHOICE:
        items = value if isinstance(value, list | tuple) else [value]
        return "; ".join(f.option_label(v) for v in items)
    if isinstance(value, Mapping):
        return ", ".join(text_of(v) for v in value.values() if text_of(v))
    return text_of(value)
