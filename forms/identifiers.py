"""Validation and normalisation of Russian personal and registry identifiers.

Every ``normalize_*`` function takes what a person (or a barcode scanner) typed into a field and
returns the single canonical spelling that is stored in the database, or raises
:class:`IdentifierError` with a short Russian message meant to be shown after the field label
("СНИЛС: неверная контрольная сумма").  The functions are pure and use the standard library only,
so they are safe to call from the UI thread, from the sync server and from tests.

The checksum rules follow the "Identifier rules" section of the project's DOMAIN.md.  They are
implemented here on purpose instead of relying on python-stdnum, which has no released СНИЛС check
and mishandles ОГРНИП check digits when the remainder is 10–12.
"""

from __future__ import annotations

import re

__all__ = [
    "IdentifierError",
    "check_oms",
    "digits_only",
    "format_passport",
    "format_phone",
    "format_snils",
    "normalize_birth_certificate",
    "normalize_cadastral",
    "normalize_division_code",
    "normalize_driving_licence",
    "normalize_email",
    "normalize_inn",
    "normalize_ogrn",
    "normalize_ogrnip",
    "normalize_passport",
    "normalize_passport_number",
    "normalize_passport_series",
    "normalize_phone",
    "normalize_plate",
    "normalize_postcode",
    "normalize_snils",
    "normalize_vin",
    "snils_check_digits",
]

# --- User-facing messages (Russian, lowercase-first, without the field name) -------------------
MSG_EMPTY = "не заполнено"
MSG_DIGITS_ONLY = "допустимы только цифры"
MSG_CHECKSUM = "неверная контрольная сумма"
# "должно быть 11 цифр", "должно быть 4 цифры": filled in by _length_message().
MSG_LENGTH_TEMPLATE = "должно быть {count} {noun}"
MSG_INN_LENGTH = "должно быть 10 или 12 цифр"
MSG_OMS_WARNING = "возможно, ошибка в номере: не сходится контрольная цифра"
MSG_PASSPORT_LENGTH = "ожидается серия (4 цифры) и номер (6 цифр)"
MSG_BIRTH_FORMAT = "ожидается серия и номер вида IV-МЮ 123456"
MSG_BIRTH_ROMAN = "серия должна начинаться с римского числа из букв I, V, X, L, C"
MSG_BIRTH_LETTERS = "в серии после римского числа должны стоять две русские буквы"
MSG_BIRTH_NUMBER = "номер должен состоять из 6 цифр"
MSG_CADASTRAL_FORMAT = "ожидается номер вида 77:01:0001001:1234"
MSG_PHONE_CHARS = "допустимы только цифры, знак +, скобки и дефисы"
MSG_PHONE_LENGTH = "ожидается +7 или 8 и 10 цифр номера"
MSG_PHONE_NOT_RUSSIAN = "принимаются только российские номера (+7)"
MSG_DRIVING_LICENCE_FORMAT = "ожидается номер вида 77 01 123456"
MSG_DRIVING_LICENCE_SERIES = "серия должна состоять из двух цифр или двух русских букв"
MSG_VIN_CHARS = "допустимы только латинские буквы и цифры"
MSG_VIN_LENGTH = "должно быть 17 символов"
MSG_VIN_FORBIDDEN = "буквы I, O и Q в VIN не используются"
MSG_PLATE_FORMAT = "ожидается номер вида А123ВС77 или А123ВС777"
MSG_PLATE_LETTERS = "допустимы только буквы А, В, Е, К, М, Н, О, Р, С, Т, У, Х"
MSG_PLATE_REGION = "неверный код региона"
MSG_EMAIL_SPACES = "адрес не должен содержать пробелов"
MSG_EMAIL_AT = "адрес должен содержать один знак @"
MSG_EMAIL_LOCAL = "неверная часть адреса до знака @"
MSG_EMAIL_DOMAIN = "неверный домен после знака @"
MSG_EMAIL_TOO_LONG = "слишком длинный адрес"

# --- Character classes and look-alike tables ----------------------------------------------------
# Punctuation people (and input masks) put between digit groups.  Whitespace of any kind is also
# accepted; see _is_separator().  "_" is the placeholder of masked entry fields, "№" is typed before
# document numbers.
_SEPARATOR_CHARS = frozenset("-‐‑‒–—−_.()№")
_DASHES = "-‐‑‒–—−"

# Latin letters that look exactly like Cyrillic capitals (used in plates, birth certificate series,
# old driving licence series).  Keys are upper-case: callers upper-case the input first.
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTYX", "АВЕКМНОРСТУХ")
# The reverse, for VINs, which are Latin-only.
_CYRILLIC_TO_LATIN = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
# Roman numerals in birth certificate series: Cyrillic Х and С, and Ukrainian/Belarusian І, are
# what a person on a Russian keyboard layout ends up typing for X, C and I.
_ROMAN_LOOKALIKES = str.maketrans("ХСІ", "XCI")

_CYRILLIC_CAPITALS = frozenset("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
_PLATE_LETTERS = frozenset("АВЕКМНОРСТУХ")
_VIN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_VIN_FORBIDDEN = frozenset("IOQ")

# Well-formed Roman numerals 1..399 (C{0,3} hundreds).  The empty string also matches; callers
# reject it separately.
_ROMAN_RE = re.compile(r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_BIRTH_RE = re.compile(r"([^\W\d_]+)([0-9]+)")
_CADASTRAL_RE = re.compile(r"([0-9]{2})\s*:\s*([0-9]{2})\s*:\s*([0-9]{6,7})\s*:\s*([0-9]{1,10})")
_DRIVING_LICENCE_RE = re.compile(r"([0-9]{2})([0-9]{2}|[^\W\d_]{2})([0-9]{6})")
_PLATE_RE = re.compile(r"([^\W\d_])([0-9]{3})([^\W\d_]{2})([0-9]{2,3})")
_EMAIL_FORBIDDEN_LOCAL = frozenset('<>()[]\\,;:"')
_EMAIL_DOMAIN_LABEL_RE = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?")

# --- Checksum constants -------------------------------------------------------------------------
_SNILS_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, 1)
# СНИЛС numbers whose first nine digits are not above 001-001-998 were issued before the check
# digits were introduced: any check digits are accepted for them.
_SNILS_UNCHECKED_MAX = 1_001_998
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
# First digit of a Russian national phone number (after +7): 3xx/4xx/8xx/9xx are Russian ranges,
# 6xx/7xx belong to Kazakhstan, the rest are unassigned.
_RUSSIAN_PHONE_FIRST_DIGITS = frozenset("3489")


class IdentifierError(ValueError):
    """A value that is not a valid identifier.

    ``message`` is Russian, lowercase-first and does not name the field: the caller prefixes the
    field label.  ``warning`` True means the value is acceptable but the message should still be
    shown to the operator as a warning.
    """

    def __init__(self, message: str, *, warning: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.warning = warning

    def __reduce__(self) -> tuple[object, ...]:
        # Keep ``warning`` when the exception crosses a process boundary (default pickling only
        # replays positional args).
        return (_rebuild_identifier_error, (self.message, self.warning))

    def __str__(self) -> str:
        return self.message


def _rebuild_identifier_error(message: str, warning: bool) -> IdentifierError:
    return IdentifierError(message, warning=warning)


# --- Helpers ------------------------------------------------------------------------------------


def _digit_noun(count: int) -> str:
    """Russian plural of "цифра" agreeing with ``count`` (1 цифра, 2 цифры, 5 цифр)."""
    if count % 100 in (11, 12, 13, 14):
        return "цифр"
    if count % 10 == 1:
        return "цифра"
    if count % 10 in (2, 3, 4):
        return "цифры"
    return "цифр"


def _length_message(count: int) -> str:
    return MSG_LENGTH_TEMPLATE.format(count=count, noun=_digit_noun(count))


def _is_separator(char: str) -> bool:
    return char.isspace() or char in _SEPARATOR_CHARS


def _is_ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _strip_separators(text: str) -> str:
    return "".join(char for char in text if not _is_separator(char))


def _require_text(raw: str) -> str:
    """Return ``raw`` stripped, or raise the "empty" error."""
    text = raw.strip()
    if not text:
        raise IdentifierError(MSG_EMPTY)
    return text


def _clean_digits(raw: str) -> str:
    """Digits of ``raw`` with separators removed; anything else is an error.

    Unlike :func:`digits_only` this refuses letters, so "77O7083893" (letter O) is reported as
    a typing mistake instead of silently losing a character.  Input that holds nothing but
    separators (an untouched input mask such as "___-___-___ __") counts as empty.
    """
    text = _require_text(raw)
    digits: list[str] = []
    for char in text:
        if _is_ascii_digit(char):
            digits.append(char)
        elif not _is_separator(char):
            raise IdentifierError(MSG_DIGITS_ONLY)
    if not digits:
        raise IdentifierError(MSG_EMPTY)
    return "".join(digits)


def _fixed_digits(raw: str, length: int) -> str:
    digits = _clean_digits(raw)
    if len(digits) != length:
        raise IdentifierError(_length_message(length))
    return digits


def _weighted_check(digits: str, weights: tuple[int, ...]) -> str:
    """The ФНС-style check digit: weighted sum mod 11 mod 10."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))
    return str(total % 11 % 10)


def _luhn_valid(digits: str) -> bool:
    """Standard Luhn (mod 10) check over the whole string, check digit last."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# --- Public API ---------------------------------------------------------------------------------


def digits_only(raw: str) -> str:
    """Return the ASCII digits of ``raw`` in order, dropping everything else.

    This is deliberately lenient (it never raises); the normalizers use a stricter variant that
    rejects letters.
    """
    return "".join(char for char in raw if _is_ascii_digit(char))


def snils_check_digits(first9: str) -> str:
    """The two СНИЛС check digits for the first nine digits, e.g. "95" for "112233445".

    Always computed by the formula, even for numbers not above 001-001-998 whose check digits
    are not verified.  Raises plain :class:`ValueError` if ``first9`` is not nine ASCII digits
    (a programming error, not user input).
    """
    if len(first9) != 9 or not all(_is_ascii_digit(char) for char in first9):
        raise ValueError(f"expected 9 ASCII digits, got {first9!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first9, _SNILS_WEIGHTS, strict=True))
    if total < 100:
        return f"{total:02d}"
    if total in (100, 101):
        return "00"
    remainder = total % 101
    return "00" if remainder == 100 else f"{remainder:02d}"


def normalize_snils(raw: str) -> str:
    """Return the 11 digits of a СНИЛС typed in any formatting ("112-233-445 95").

    The check digits are verified unless the first nine digits are not above 001-001-998.
    """
    digits = _fixed_digits(raw, 11)
    if int(digits[:9]) > _SNILS_UNCHECKED_MAX and snils_check_digits(digits[:9]) != digits[9:]:
        raise IdentifierError(MSG_CHECKSUM)
    return digits


def format_snils(value: str) -> str:
    """Display form "112-233-445 95" of an 11-digit СНИЛС.

    Accepts any formatting of 11 digits and does not re-verify the check digits, so a stored
    legacy value can always be shown; raises :class:`IdentifierError` if there are not 11 digits.
    """
    digits = _fixed_digits(value, 11)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def normalize_inn(raw: str, length: int | None = None) -> str:
    """Return the digits of an ИНН: 10 (organisation) or 12 (person), with check digits verified.

    ``length`` (10 or 12) restricts the accepted kind; any other value is a programming error and
    raises plain :class:`ValueError`.
    """
    if length not in (None, 10, 12):
        raise ValueError(f"ИНН length must be 10, 12 or None, got {length!r}")
    digits = _clean_digits(raw)
    if length is not None and len(digits) != length:
        raise IdentifierError(_length_message(length))
    if len(digits) == 10:
        valid = _weighted_check(digits[:9], _INN10_WEIGHTS) == digits[9]
    elif len(digits) == 12:
        valid = (
            _weighted_check(digits[:10], _INN12_WEIGHTS_11) == digits[10]
            and _weighted_check(digits[:11], _INN12_WEIGHTS_12) == digits[11]
        )
    else:
        raise IdentifierError(MSG_INN_LENGTH)
    if not valid:
        raise IdentifierError(MSG_CHECKSUM)
    return digits


def normalize_ogrn(raw: str) -> str:
    """Return the 13 digits of an ОГРН; check: (first 12 as a number) mod 11 mod 10."""
    digits = _fixed_digits(raw, 13)
    if str(int(digits[:12]) % 11 % 10) != digits[12]:
        raise IdentifierError(MSG_CHECKSUM)
    return digits


def normalize_ogrnip(raw: str) -> str:
    """Return the 15 digits of an ОГРНИП; check: last digit of ((first 14 as a number) mod 13).

    A remainder of 10, 11 or 12 therefore gives check digit 0, 1 or 2.
    """
    digits = _fixed_digits(raw, 15)
    if str(int(digits[:14]) % 13 % 10) != digits[14]:
        raise IdentifierError(MSG_CHECKSUM)
    return digits


def check_oms(raw: str) -> tuple[str, str | None]:
    """Return (16 digits, warning or None) for a unified ОМС policy number.

    The official check algorithm is unconfirmed, so the commonly published Luhn (mod 10) check
    of the 16th digit is only advisory: a mismatch yields :data:`MSG_OMS_WARNING`, never an error.
    Wrong length or non-digit characters raise :class:`IdentifierError`.
    """
    digits = _fixed_digits(raw, 16)
    return digits, (None if _luhn_valid(digits) else MSG_OMS_WARNING)


def normalize_passport_series(raw: str) -> str:
    """Return the 4 digits of a Russian passport series ("45 10" -> "4510")."""
    return _fixed_digits(raw, 4)


def normalize_passport_number(raw: str) -> str:
    """Return the 6 digits of a Russian passport number."""
    return _fixed_digits(raw, 6)


def normalize_passport(raw: str) -> tuple[str, str]:
    """Split a series-and-number string ("4510 123456", "45 10 № 123456") into (series, number)."""
    digits = _clean_digits(raw)
    if len(digits) != 10:
        raise IdentifierError(MSG_PASSPORT_LENGTH)
    return digits[:4], digits[4:]


def format_passport(series: str, number: str) -> str:
    """Display form "4510 123456"; each part is normalised (and validated) first."""
    return f"{normalize_passport_series(series)} {normalize_passport_number(number)}"


def normalize_division_code(raw: str) -> str:
    """Return a passport issuing-division code as "NNN-NNN" ("770001" -> "770-001")."""
    digits = _fixed_digits(raw, 6)
    return f"{digits[:3]}-{digits[3:]}"


def normalize_birth_certificate(raw: str) -> str:
    """Return a birth certificate series and number as "IV-МЮ 123456".

    The series is a Roman numeral (Latin I, V, X, L, C; well-formed, 1..399) and two Cyrillic
    capitals.  Case, spaces, a missing or extra hyphen and "№" are tolerated; Cyrillic Х, С, І in
    the numeral become Latin, Latin look-alikes in the two letters become Cyrillic.  The two
    letters are always the last two letters before the number, which makes the split unambiguous
    even without a hyphen.
    """
    text = _require_text(raw).upper()
    compact = "".join(char for char in text if not (char.isspace() or char in _DASHES or char == "№"))
    match = _BIRTH_RE.fullmatch(compact)
    if match is None or len(match.group(1)) < 3:
        raise IdentifierError(MSG_BIRTH_FORMAT)
    letters, number = match.groups()
    roman = letters[:-2].translate(_ROMAN_LOOKALIKES)
    pair = letters[-2:].translate(_LATIN_TO_CYRILLIC)
    if not _ROMAN_RE.fullmatch(roman):
        raise IdentifierError(MSG_BIRTH_ROMAN)
    if not all(char in _CYRILLIC_CAPITALS for char in pair):
        raise IdentifierError(MSG_BIRTH_LETTERS)
    if len(number) != 6:
        raise IdentifierError(MSG_BIRTH_NUMBER)
    return f"{roman}-{pair} {number}"


def normalize_cadastral(raw: str) -> str:
    """Return a cadastral number "NN:NN:NNNNNN(N):N…" with stray spaces removed.

    District 2 digits, area 2 digits, quarter 6 or 7 digits, object 1 to 10 digits.
    """
    match = _CADASTRAL_RE.fullmatch(_require_text(raw))
    if match is None:
        raise IdentifierError(MSG_CADASTRAL_FORMAT)
    return ":".join(match.groups())


def normalize_phone(raw: str) -> str:
    """Return a Russian phone number as "+7" and 10 digits.

    Accepts "8 (916) 123-45-67", "+7 916 1234567", "7916…" and a bare 10-digit national number.
    Foreign numbers (other country codes, or the Kazakh +7 6xx/7xx ranges) are refused.
    """
    text = _require_text(raw)
    has_plus = text.startswith("+")
    body = text[1:] if has_plus else text
    digits: list[str] = []
    for char in body:
        if _is_ascii_digit(char):
            digits.append(char)
        elif not _is_separator(char):
            raise IdentifierError(MSG_PHONE_CHARS)
    number = "".join(digits)
    if not number and not has_plus:
        raise IdentifierError(MSG_EMPTY)
    if has_plus:
        if not number.startswith("7"):
            raise IdentifierError(MSG_PHONE_NOT_RUSSIAN)
        if len(number) != 11:
            raise IdentifierError(MSG_PHONE_LENGTH)
        national = number[1:]
    elif len(number) == 11:
        if number[0] not in "78":
            raise IdentifierError(MSG_PHONE_NOT_RUSSIAN)
        national = number[1:]
    elif len(number) == 10:
        # No Russian area code starts with 89, so "89…" with 10 digits is a trunk-prefixed mobile
        # number with a digit missing, not a national number to prefix with +7.
        if number.startswith("89"):
            raise IdentifierError(MSG_PHONE_LENGTH)
        national = number
    else:
        raise IdentifierError(MSG_PHONE_LENGTH)
    if national[0] not in _RUSSIAN_PHONE_FIRST_DIGITS:
        raise IdentifierError(MSG_PHONE_NOT_RUSSIAN)
    return "+7" + national


def format_phone(value: str) -> str:
    """Display form "+7 (916) 123-45-67"; accepts anything :func:`normalize_phone` accepts."""
    national = normalize_phone(value)[2:]
    return f"+7 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"


def normalize_postcode(raw: str) -> str:
    """Return a 6-digit Russian postal code."""
    return _fixed_digits(raw, 6)


def normalize_driving_licence(raw: str) -> str:
    """Return a Russian driving licence number as "RR SS NNNNNN".

    Region 2 digits; series 2 digits or, on older licences, 2 Cyrillic letters (Latin look-alikes
    are mapped to Cyrillic); number 6 digits.
    """
    text = _require_text(raw).upper()
    compact = "".join(char for char in text if not (char.isspace() or char in _DASHES or char == "№"))
    match = _DRIVING_LICENCE_RE.fullmatch(compact)
    if match is None:
        raise IdentifierError(MSG_DRIVING_LICENCE_FORMAT)
    region, series, number = match.groups()
    if not series.isdigit():
        series = series.translate(_LATIN_TO_CYRILLIC)
        if not all(char in _CYRILLIC_CAPITALS for char in series):
            raise IdentifierError(MSG_DRIVING_LICENCE_SERIES)
    return f"{region} {series} {number}"


def normalize_vin(raw: str) -> str:
    """Return a 17-character VIN in upper-case Latin.

    Cyrillic look-alikes are mapped to Latin; spaces and hyphens are dropped.  The letters I, O
    and Q never occur in a VIN and are reported rather than guessed (O may be a zero, or not).
    The position-9 check digit is not verified: it is only mandatory for North American vehicles.
    """
    text = _require_text(raw).upper()
    compact = "".join(char for char in text if not (char.isspace() or char in _DASHES))
    vin = compact.translate(_CYRILLIC_TO_LATIN)
    if not all(char in _VIN_ALPHABET for char in vin):
        raise IdentifierError(MSG_VIN_CHARS)
    if len(vin) != 17:
        raise IdentifierError(MSG_VIN_LENGTH)
    if any(char in _VIN_FORBIDDEN for char in vin):
        raise IdentifierError(MSG_VIN_FORBIDDEN)
    return vin


def normalize_plate(raw: str) -> str:
    """Return a Russian civil registration plate as "А123ВС77" or "А123ВС777".

    Letters are the twelve Cyrillic capitals shared with Latin (АВЕКМНОРСТУХ); Latin input is
    mapped to them.  Spaces, hyphens, "|" and a trailing "RUS"/"РУС" are tolerated.
    """
    text = _require_text(raw).upper()
    compact = "".join(char for char in text if not (char.isspace() or char in _DASHES or char == "|"))
    for suffix in ("RUS", "РУС"):
        if compact.endswith(suffix):
            compact = compact[: -len(suffix)]
            break
    plate = compact.translate(_LATIN_TO_CYRILLIC)
    match = _PLATE_RE.fullmatch(plate)
    if match is None:
        raise IdentifierError(MSG_PLATE_FORMAT)
    first, _number, pair, region = match.groups()
    if not all(char in _PLATE_LETTERS for char in first + pair):
        raise IdentifierError(MSG_PLATE_LETTERS)
    if region == "00" or (len(region) == 3 and region.startswith("0")):
        raise IdentifierError(MSG_PLATE_REGION)
    return plate


def normalize_email(raw: str) -> str:
    """Return an e-mail address trimmed, with the domain lower-cased.

    A simple sanity check, not RFC 5322: exactly one "@", a non-empty local part without spaces or
    address-list punctuation, and a domain of dot-separated labels with at least one dot.  The
    local part keeps its case (it is case-sensitive in principle).
    """
    text = _require_text(raw)
    if any(char.isspace() for char in text):
        raise IdentifierError(MSG_EMAIL_SPACES)
    if text.count("@") != 1:
        raise IdentifierError(MSG_EMAIL_AT)
    if len(text) > 254:
        raise IdentifierError(MSG_EMAIL_TOO_LONG)
    local, domain = text.split("@")
    if (
        not local
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or any(char in _EMAIL_FORBIDDEN_LOCAL for char in local)
    ):
        raise IdentifierError(MSG_EMAIL_LOCAL)
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_DOMAIN_LABEL_RE.fullmatch(label) for label in labels):
        raise IdentifierError(MSG_EMAIL_DOMAIN)
    return f"{local}@{domain}"
