"""Checking and normalising one field's value, by field kind.

`check_value` takes what a person typed, what a JSON file holds or what a previous save
produced, and returns the value in its typed form (dates as `date`, money as `Decimal`,
identifiers normalised) plus the problems found. `to_json` turns a typed value back into
what the store and the sync protocol keep. Emptiness and `required` are the engine's business:
an empty value arrives here only as None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from forms import identifiers as ids
from forms import messages as m
from forms.model import COMPOUND_PARTS, Field, FieldKind, Severity


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    severity: Severity = Severity.ERROR
    part: str | None = None  # "series" of a passport, "3" of a group item …


@dataclass(slots=True)
class Checked:
    value: Any
    problems: list[Problem]


def is_empty(value: Any) -> bool:
    """True for what a person would call an unfilled field."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)  # a list of blank rows is blank
    if isinstance(value, Mapping):
        return all(is_empty(v) for k, v in value.items() if k != "sex" and k != "kind")
    return False


def parse_date(raw: Any) -> date | None:
    """A date from a date, an ISO string or the Russian `дд.мм.гггг`; None if unparseable."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        match = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
        if match:
            d, mo, y = (int(g) for g in match.groups())
            return date(y, mo, d)
    except ValueError:
        return None
    return None


def parse_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw)) if abs(raw) < 1e18 else None
    if not isinstance(raw, str):
        return None
    text = "".join(raw.split()).replace(",", ".")
    text = text.removesuffix("₽").removesuffix("руб.").removesuffix("р.")
    # Plain positional notation only: "1e999999999" would be a gigabyte once written out.
    if not re.fullmatch(r"[-+]?\d{1,18}(\.\d{1,12})?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _fmt_num(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",")


def to_json(value: Any) -> Any:
    """The storable form of a typed value: ISO dates, decimal strings, plain containers."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


# --- scalar kinds -------------------------------------------------------------------------


def _text(f: Field, raw: Any, today: date) -> Checked:
    if not isinstance(raw, str | int | Decimal) or isinstance(raw, bool):
        return Checked(None, [Problem(m.NOT_TEXT)])
    value = " ".join(str(raw).split()) if f.kind is FieldKind.TEXT else str(raw).strip()
    problems: list[Problem] = []
    if f.min_length is not None and len(value) < f.min_length:
        problems.append(Problem(m.TOO_SHORT.format(n=f.min_length)))
    if f.max_length is not None and len(value) > f.max_length:
        problems.append(Problem(m.TOO_LONG.format(n=f.max_length)))
    if f.mask and not _fits_mask(value, f.mask):
        problems.append(Problem(m.MASK.format(mask=f.mask)))
    if f.pattern and not re.fullmatch(f.pattern, value):
        problems.append(Problem(f.pattern_message or m.PATTERN))
    return Checked(value, problems)


def _fits_mask(value: str, mask: str) -> bool:
    """`9` is a digit, `А` (or Latin `A`) a letter, anything else stands for itself."""
    if len(value) != len(mask):
        return False
    for ch, slot in zip(value, mask, strict=True):
        if slot == "9":
            if not ch.isdigit():
                return False
        elif slot in "АA":
            if not ch.isalpha():
                return False
        elif ch != slot:
            return False
    return True


def _range(f: Field, value: Decimal) -> list[Problem]:
    problems = []
    if f.min is not None and value < f.min:
        problems.append(Problem(m.TOO_SMALL.format(n=_fmt_num(f.min))))
    if f.max is not None and value > f.max:
        problems.append(Problem(m.TOO_LARGE.format(n=_fmt_num(f.max))))
    return problems


def _integer(f: Field, raw: Any, today: date) -> Checked:
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str):
        text = "".join(raw.split())  # "1 000", also with no-break spaces
        if re.fullmatch(r"[-+]?\d{1,18}", text):
            value = int(text)
    elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
        value = int(raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_INTEGER)])
    return Checked(value, _range(f, Decimal(value)))


def _decimal(f: Field, raw: Any, today: date) -> Checked:
    value = parse_decimal(raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_MONEY if f.kind is FieldKind.MONEY else m.NOT_NUMBER)])
    problems = _range(f, value)
    places = 2 if f.kind is FieldKind.MONEY else f.places
    if places is not None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            problems.append(Problem(m.TOO_MANY_PLACES.format(n=places)))
    if f.kind is FieldKind.MONEY and value < 0:
        problems.append(Problem(m.TOO_SMALL.format(n=0)))
    return Checked(value, problems)


def _date(f: Field, raw: Any, today: date) -> Checked:
    value = parse_date(raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_DATE)])
    problems = []
    if f.past_only and value > today:
        problems.append(Problem(m.DATE_IN_FUTURE))
    if f.future_only and value < today:
        problems.append(Problem(m.DATE_IN_PAST))
    return Checked(value, problems)


_TRUE = {"true", "да", "1", "yes", "y"}
_FALSE = {"false", "нет", "0", "no", "n"}


def _boolean(f: Field, raw: Any, today: date) -> Checked:
    if isinstance(raw, bool):
        return Checked(raw, [])
    if isinstance(raw, str | int):
        text = str(raw).strip().lower()
        if text in _TRUE:
            return Checked(True, [])
        if text in _FALSE:
            return Checked(False, [])
    return Checked(None, [Problem(m.NOT_BOOLEAN)])


def _identifier(normalize: Callable[[str], str]) -> Callable[[Field, Any, date], Checked]:
    def check(f: Field, raw: Any, today: date) -> Checked:
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            return Checked(None, [Problem(m.NOT_TEXT)])
        try:
            return Checked(normalize(raw), [])
        except ids.IdentifierError as exc:
            if exc.warning:
                return Checked(raw.strip(), [Problem(exc.message, Severity.WARNING)])
            return Checked(raw.strip(), [Problem(exc.message)])

    return check


def _inn(f: Field, raw: Any, today: date) -> Checked:
    return _identifier(lambda s: ids.normalize_inn(s, f.inn_length))(f, raw, today)


def _oms(f: Field, raw: Any, today: date) -> Checked:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        return Checked(None, [Problem(m.NOT_TEXT)])
    try:
        value, warning = ids.check_oms(str(raw))
    except ids.IdentifierError as exc:
        return Checked(str(raw).strip(), [Problem(exc.message)])
    return Checked(value, [Problem(warning, Severity.WARNING)] if warning else [])


# --- choices ------------------------------------------------------------------------------


def _choice(f: Field, raw: Any, today: date, parent: Any = None) -> Checked:
    if f.depends_on is not None and parent is None:
        return Checked(raw, [Problem(m.UNKNOWN_OPTION)])
    values = {o.value for o in f.options_for(parent)}
    value = raw.strip() if isinstance(raw, str) else str(raw)
    if value not in values:
        # People and imports sometimes give the label instead of the value.
        by_label = {o.label.casefold(): o.value for o in f.options_for(parent)}
        if value.strip().casefold() in by_label:
            return Checked(by_label[value.strip().casefold()], [])
        return Checked(value, [Problem(m.UNKNOWN_OPTION)])
    return Checked(value, [])


def _multichoice(f: Field, raw: Any, today: date) -> Checked:
    if not isinstance(raw, list | tuple):
        return Checked(None, [Problem(m.NOT_LIST)])
    values = {o.value for o in f.options}
    chosen = list(dict.fromkeys(str(v) for v in raw))  # a repeated value counts once
    problems = [Problem(m.UNKNOWN_OPTION) for v in chosen if v not in values][:1]
    if f.min_selected is not None and len(chosen) < f.min_selected:
        problems.append(Problem(m.TOO_FEW_SELECTED.format(n=f.min_selected)))
    if f.max_selected is not None and len(chosen) > f.max_selected:
        problems.append(Problem(m.TOO_MANY_SELECTED.format(n=f.max_selected)))
    ordered = [o.value for o in f.options if o.value in chosen]  # keep the form's order, drop repeats
    return Checked(ordered + [v for v in chosen if v not in values], problems)


# --- compound kinds -----------------------------------------------------------------------

_NAME_RE = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:[ \-'’][A-Za-zА-Яа-яЁё]+)*")


def _parts(f: Field, raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    parts = COMPOUND_PARTS[f.kind]
    out: dict[str, Any] = {}
    for key in parts:
        value = raw.get(key)
        if isinstance(value, str):
            value = " ".join(value.split())
        out[key] = None if is_empty(value) else value
    return out


def _part_problem(part: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(f"{m.PART_LABELS[part]}: {message}", severity, part)


def _person(f: Field, raw: Any, today: date) -> Checked:
    value = _parts(f, raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_COMPOUND)])
    problems = []
    needed = ["surname", "name"] + (["patronymic"] if f.patronymic_required else [])
    for part in ("surname", "name", "patronymic"):
        text = value[part]
        if text is None:
            if part in needed:
                problems.append(_part_problem(part, m.REQUIRED))
            continue
        if not isinstance(text, str) or not _NAME_RE.fullmatch(text):
            problems.append(_part_problem(part, m.NAME_LETTERS))
    sex = value["sex"]
    if sex is not None:
        sex = str(sex).strip().lower()
        sex = {"м": "male", "ж": "female", "мужской": "male", "женский": "female"}.get(sex, sex)
        if sex not in ("male", "female"):
            problems.append(Problem(m.SEX_UNKNOWN, part="sex"))
        value["sex"] = sex
    return Checked(value, problems)


def _address(f: Field, raw: Any, today: date) -> Checked:
    value = _parts(f, raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_COMPOUND)])
    problems = []
    if value["region"] is None and value["city"] is None:
        problems.append(_part_problem("city", m.REQUIRED))
    for part in ("street", "house"):
        if value[part] is None:
            problems.append(_part_problem(part, m.REQUIRED))
    for part in ("house", "building", "flat"):
        if value[part] is not None:
            value[part] = str(value[part])
    if value["postcode"] is not None:
        try:
            value["postcode"] = ids.normalize_postcode(str(value["postcode"]))
        except ids.IdentifierError as exc:
            problems.append(_part_problem("postcode", exc.message))
    return Checked(value, problems)


def _identity(f: Field, raw: Any, today: date) -> Checked:
    value = _parts(f, raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_COMPOUND)])
    allowed = f.document_kinds or ("passport-rf",)
    if value["kind"] is None:
        value["kind"] = allowed[0]
    problems: list[Problem] = []
    if value["kind"] not in allowed:
        problems.append(Problem(m.UNKNOWN_DOCUMENT_KIND, part="kind"))
    is_passport = value["kind"] == "passport-rf"
    is_birth_cert = value["kind"] == "birth-certificate"
    for part, normalize in (
        ("series", ids.normalize_passport_series if is_passport else None),
        ("number", ids.normalize_passport_number if is_passport else None),
        ("division_code", ids.normalize_division_code if is_passport else None),
    ):
        text = value[part]
        if text is None:
            if is_passport or part == "number":
                problems.append(_part_problem(part, m.REQUIRED))
            continue
        value[part] = str(text).strip()
        if normalize is not None:
            try:
                value[part] = normalize(str(text))
            except ids.IdentifierError as exc:
                problems.append(_part_problem(part, exc.message))
    if is_birth_cert and value["series"] is not None and value["number"] is not None:
        try:
            series, number = ids.normalize_birth_certificate(f"{value['series']} {value['number']}").split(
                " "
            )
            value["series"], value["number"] = series, number
        except (ids.IdentifierError, ValueError) as exc:
            problems.append(_part_problem("series", getattr(exc, "message", m.PATTERN)))
    if value["issuer"] is None:
        problems.append(_part_problem("issuer", m.REQUIRED))
    if value["issue_date"] is None:
        problems.append(_part_problem("issue_date", m.REQUIRED))
    else:
        issued = parse_date(value["issue_date"])
        if issued is None:
            problems.append(_part_problem("issue_date", m.NOT_DATE))
        elif issued > today:
            problems.append(_part_problem("issue_date", m.DATE_IN_FUTURE))
        value["issue_date"] = issued if issued is not None else value["issue_date"]
    return Checked(value, problems)


def _vehicle(f: Field, raw: Any, today: date) -> Checked:
    value = _parts(f, raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_COMPOUND)])
    problems = []
    if value["vin"] is None and value["plate"] is None:
        problems.append(Problem(m.VEHICLE_ID_NEEDED, part="vin"))
    for part, normalize in (("vin", ids.normalize_vin), ("plate", ids.normalize_plate)):
        if value[part] is not None:
            try:
                value[part] = normalize(str(value[part]))
            except ids.IdentifierError as exc:
                problems.append(_part_problem(part, exc.message))
    if value["year"] is not None:
        year = value["year"]
        ok = isinstance(year, int) or (isinstance(year, str) and year.strip().isdigit())
        if ok and 1900 <= int(year) <= today.year + 1:
            value["year"] = int(year)
        else:
            problems.append(Problem(m.YEAR_RANGE.format(n=today.year + 1), part="year"))
    return Checked(value, problems)


_ACCOUNT_WEIGHTS = (7, 1, 3) * 8


def account_key_ok(bik: str, account: str) -> bool:
    """The control key of a settlement account at a credit institution (ЦБ РФ rule).

    The last three digits of the БИК followed by the 20 digits of the account are multiplied by
    the weights 7, 1, 3 repeated; the sum of the last digits of the products ends in zero.
    """
    digits = bik[-3:] + account
    return sum((int(d) * w) % 10 for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=False)) % 10 == 0


def _bank_account(f: Field, raw: Any, today: date) -> Checked:
    value = _parts(f, raw)
    if value is None:
        return Checked(None, [Problem(m.NOT_COMPOUND)])
    problems = []
    bik = ids.digits_only(str(value["bik"] or ""))
    account = ids.digits_only(str(value["account"] or ""))
    if len(bik) != 9 or _has_letters(value["bik"]):
        problems.append(Problem(m.BIK_FORMAT, part="bik"))
    if len(account) != 20 or _has_letters(value["account"]):
        problems.append(Problem(m.ACCOUNT_FORMAT, part="account"))
    if not problems and not account_key_ok(bik, account):
        problems.append(Problem(m.ACCOUNT_KEY, part="account"))
    value["bik"], value["account"] = bik or value["bik"], account or value["account"]
    return Checked(value, problems)


def _has_letters(value: Any) -> bool:
    return value is not None and re.search(r"[^\d\s.-]", str(value)) is not None


CHECKERS: dict[FieldKind, Callable[[Field, Any, date], Checked]] = {
    FieldKind.TEXT: _text,
    FieldKind.TEXTAREA: _text,
    FieldKind.INTEGER: _integer,
    FieldKind.DECIMAL: _decimal,
    FieldKind.MONEY: _decimal,
    FieldKind.DATE: _date,
    FieldKind.BOOLEAN: _boolean,
    FieldKind.MULTICHOICE: _multichoice,
    FieldKind.PERSON: _person,
    FieldKind.ADDRESS: _address,
    FieldKind.PHONE: _identifier(ids.normalize_phone),
    FieldKind.EMAIL: _identifier(ids.normalize_email),
    FieldKind.IDENTITY_DOCUMENT: _identity,
    FieldKind.SNILS: _identifier(ids.normalize_snils),
    FieldKind.INN: _inn,
    FieldKind.OGRN: _identifier(ids.normalize_ogrn),
    FieldKind.OGRNIP: _identifier(ids.normalize_ogrnip),
    FieldKind.OMS: _oms,
    FieldKind.BIRTH_CERTIFICATE: _identifier(ids.normalize_birth_certificate),
    FieldKind.CADASTRAL: _identifier(ids.normalize_cadastral),
    FieldKind.DRIVING_LICENCE: _identifier(ids.normalize_driving_licence),
    FieldKind.VEHICLE: _vehicle,
    FieldKind.BANK_ACCOUNT: _bank_account,
}


def check_value(f: Field, raw: Any, today: date, parent: Any = None) -> Checked:
    """Check one non-empty value of a scalar or compound field (not a group)."""
    if f.kind is FieldKind.CHOICE:
        return _choice(f, raw, today, parent)
    checked = CHECKERS[f.kind](f, raw, today)
    parts = COMPOUND_PARTS.get(f.kind)
    if parts is not None and isinstance(raw, Mapping):
        for key in sorted(set(raw) - set(parts), key=str):
            checked.problems.append(Problem(f"«{key}»: {m.UNKNOWN_FIELD}", part=str(key)))
    return checked
