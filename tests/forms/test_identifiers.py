"""Tests for forms.identifiers: checksums, accepted typings, messages and properties.

Check digits in the hard-coded cases were computed by hand (shown in the comments) or, for the
ОГРН/ОГРНИП remainders, found with a throwaway search script and then re-checked here with plain
integer arithmetic so the test documents why each number is (in)valid.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from forms.identifiers import (
    MSG_BIRTH_FORMAT,
    MSG_BIRTH_LETTERS,
    MSG_BIRTH_NUMBER,
    MSG_BIRTH_ROMAN,
    MSG_CADASTRAL_FORMAT,
    MSG_CHECKSUM,
    MSG_DIGITS_ONLY,
    MSG_DRIVING_LICENCE_FORMAT,
    MSG_DRIVING_LICENCE_SERIES,
    MSG_EMAIL_AT,
    MSG_EMAIL_DOMAIN,
    MSG_EMAIL_LOCAL,
    MSG_EMAIL_SPACES,
    MSG_EMAIL_TOO_LONG,
    MSG_EMPTY,
    MSG_INN_LENGTH,
    MSG_OMS_WARNING,
    MSG_PASSPORT_LENGTH,
    MSG_PHONE_CHARS,
    MSG_PHONE_LENGTH,
    MSG_PHONE_NOT_RUSSIAN,
    MSG_PLATE_FORMAT,
    MSG_PLATE_LETTERS,
    MSG_PLATE_REGION,
    MSG_VIN_CHARS,
    MSG_VIN_FORBIDDEN,
    MSG_VIN_LENGTH,
    IdentifierError,
    check_oms,
    digits_only,
    format_passport,
    format_phone,
    format_snils,
    normalize_birth_certificate,
    normalize_cadastral,
    normalize_division_code,
    normalize_driving_licence,
    normalize_email,
    normalize_inn,
    normalize_ogrn,
    normalize_ogrnip,
    normalize_passport,
    normalize_passport_number,
    normalize_passport_series,
    normalize_phone,
    normalize_plate,
    normalize_postcode,
    normalize_snils,
    normalize_vin,
    snils_check_digits,
)

# --- Independent reference implementations (used only by the property tests) -------------------


def ref_snils_check(first9: str) -> str:
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total < 100:
        return f"{total:02d}"
    if total <= 101:
        return "00"
    return f"{total % 101 % 100:02d}"


def ref_snils_sum(first9: str) -> int:
    return sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))


INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN11_W = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_W = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def ref_inn_remainder(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def ref_inn10(body9: str) -> str:
    return body9 + str(ref_inn_remainder(body9, INN10_W) % 10)


def ref_inn12(body10: str) -> str:
    with11 = body10 + str(ref_inn_remainder(body10, INN11_W) % 10)
    return with11 + str(ref_inn_remainder(with11, INN12_W) % 10)


def ref_luhn_check_digit(body: str) -> str:
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:  # these positions get doubled once the check digit is appended
            value = value * 2 - 9 if value * 2 > 9 else value * 2
        total += value
    return str(-total % 10)


def replace_digit(number: str, index: int, new: str) -> str:
    return number[:index] + new + number[index + 1 :]


def to_roman(value: int) -> str:
    parts = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"))
    out = ""
    for amount, symbol in (*parts, (1, "I")):
        while value >= amount:
            out += symbol
            value -= amount
    return out


digit_strings = lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)


def raises_message(func, raw, message: str) -> IdentifierError:  # type: ignore[no-untyped-def]
    with pytest.raises(IdentifierError) as info:
        func(raw)
    assert info.value.message == message
    assert info.value.warning is False
    return info.value


# --- IdentifierError and digits_only ------------------------------------------------------------


def test_identifier_error_is_value_error_with_message_and_warning() -> None:
    error = IdentifierError(MSG_CHECKSUM)
    assert isinstance(error, ValueError)
    assert error.message == MSG_CHECKSUM
    assert str(error) == MSG_CHECKSUM
    assert error.warning is False
    assert IdentifierError("x", warning=True).warning is True


def test_identifier_error_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(IdentifierError("осторожно", warning=True)))
    assert isinstance(copy, IdentifierError)
    assert (copy.message, copy.warning) == ("осторожно", True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("112-233-445 95", "11223344595"),
        ("+7 (916) 123-45-67", "79161234567"),
        ("  45\u00a010 № 123456\n", "4510123456"),
        ("abc", ""),
        ("", ""),
        ("١٢٣", ""),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_digits_only(raw: str, expected: str) -> None:
    assert digits_only(raw) == expected


# --- СНИЛС --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first9", "check"),
    [
        # 1*9+1*8+2*7+2*6+3*5+3*4+4*3+4*2+5*1 = 95 (< 100: the sum itself)
        ("112233445", "95"),
        # 2*(9+8+7+6+5+4+3) + 5*2 + 5*1 = 84+10+5 = 99 (largest sum used as is)
        ("222222255", "99"),
        # 84 + 5*2 + 6*1 = 100 -> "00"
        ("222222256", "00"),
        # 84 + 5*2 + 7*1 = 101 -> "00"
        ("222222257", "00"),
        # 84 + 5*2 + 8*1 = 102 -> 102 mod 101 = 1 -> "01"
        ("222222258", "01"),
        # 4*(9+8+7+6+5+4) + 8*3 + 7*2 + 7*1 = 156+24+14+7 = 201 -> 201 mod 101 = 100 -> "00"
        ("444444877", "00"),
        # 156+24+14+8 = 202 -> 202 mod 101 = 0 -> "00"
        ("444444878", "00"),
        # 5*45 = 225 -> 225 mod 101 = 23
        ("555555555", "23"),
        # 9*45 = 405 -> 405 mod 101 = 1
        ("999999999", "01"),
        # 0+0+1*7+0+0+1*4+9*3+9*2+9*1 = 65
        ("001001999", "65"),
    ],
)
def test_snils_check_digits(first9: str, check: str) -> None:
    assert snils_check_digits(first9) == check
    assert normalize_snils(first9 + check) == first9 + check


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678a", ""])
def test_snils_check_digits_rejects_non_nine_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        snils_check_digits(bad)


@pytest.mark.parametrize(
    "raw",
    [
        "11223344595",
        "112-233-445 95",
        "112-233-445-95",
        " 112 233 445 95 ",
        "112233445 95",
        "112.233.445 95",
        "\t11223344595\n",  # barcode scanner adds a terminator
        "112\u2011233\u2011445\u00a095",  # non-breaking hyphen and space pasted from a document
    ],
)
def test_snils_accepts_typings(raw: str) -> None:
    assert normalize_snils(raw) == "11223344595"


@pytest.mark.parametrize("raw", ["11223344596", "112-233-445 59", "222-222-256 01", "444-444-877 10"])
def test_snils_bad_checksum(raw: str) -> None:
    raises_message(normalize_snils, raw, MSG_CHECKSUM)


def test_snils_unchecked_range() -> None:
    # Up to and including 001-001-998 any check digits are accepted...
    for raw in ("001-001-998 00", "001-001-998 64", "001-001-998 99", "000-000-001 13", "00000000000"):
        assert normalize_snils(raw) == digits_only(raw)
    # ...from 001-001-999 on they are verified (sum 65, see above).
    assert normalize_snils("001-001-999 65") == "00100199965"
    raises_message(normalize_snils, "001-001-999 00", MSG_CHECKSUM)
    raises_message(normalize_snils, "001-001-999 64", MSG_CHECKSUM)


@pytest.mark.parametrize("raw", ["1122334459", "112233445951", "112-233-445", "1"])
def test_snils_wrong_length(raw: str) -> None:
    raises_message(normalize_snils, raw, "должно быть 11 цифр")


@pytest.mark.parametrize("raw", ["", "   ", "\n", "___-___-___ __"])
def test_snils_empty(raw: str) -> None:
    raises_message(normalize_snils, raw, MSG_EMPTY)


@pytest.mark.parametrize("raw", ["112-233-445 9S", "СНИЛС 11223344595", "112/233/445 95"])
def test_snils_letters_rejected(raw: str) -> None:
    raises_message(normalize_snils, raw, MSG_DIGITS_ONLY)


def test_format_snils() -> None:
    assert format_snils("11223344595") == "112-233-445 95"
    assert format_snils(" 112 233 445 95 ") == "112-233-445 95"
    # Display never re-verifies the checksum, so legacy stored values can still be shown.
    assert format_snils("11223344596") == "112-233-445 96"
    raises_message(format_snils, "1122334459", "должно быть 11 цифр")


# --- ИНН ----------------------------------------------------------------------------------------


def test_inn10_valid() -> None:
    # 7707083893: 7*2+7*4+0*10+7*3+0*5+8*9+3*4+8*6+9*8 = 14+28+0+21+0+72+12+48+72 = 267;
    # 267 mod 11 = 3 -> check 3.
    assert normalize_inn("7707083893") == "7707083893"
    assert normalize_inn(" 7707 083893 ", length=10) == "7707083893"
    assert normalize_inn("7707-083-893", length=None) == "7707083893"


def test_inn10_remainder_10_gives_0() -> None:
    # 770000007: 7*2 + 7*4 + 7*8 = 14+28+56 = 98; 98 mod 11 = 10; 10 mod 10 = 0 -> "7700000070".
    assert normalize_inn("7700000070") == "7700000070"
    raises_message(normalize_inn, "7700000071", MSG_CHECKSUM)


def test_inn12_valid() -> None:
    # 500100732259:
    # digit 11: 5*7+0*2+0*4+1*10+0*3+0*5+7*9+3*4+2*6+2*8 = 35+10+63+12+12+16 = 148; 148 mod 11 = 5
    # digit 12: 5*3+0*7+0*2+1*4+0*10+0*3+7*5+3*9+2*4+2*6+5*8 = 15+4+35+27+8+12+40 = 141;
    #           141 mod 11 = 9
    assert normalize_inn("500100732259") == "500100732259"
    assert normalize_inn("5001-0073-2259", length=12) == "500100732259"


@pytest.mark.parametrize("raw", ["7707083894", "7707083883", "500100732258", "500100732269", "500100732159"])
def test_inn_bad_checksum(raw: str) -> None:
    raises_message(normalize_inn, raw, MSG_CHECKSUM)


@pytest.mark.parametrize("raw", ["770708389", "77070838931", "5001007322590", "1"])
def test_inn_wrong_length(raw: str) -> None:
    raises_message(normalize_inn, raw, MSG_INN_LENGTH)


def test_inn_length_restriction() -> None:
    raises_message(lambda raw: normalize_inn(raw, length=12), "7707083893", "должно быть 12 цифр")
    raises_message(lambda raw: normalize_inn(raw, length=10), "500100732259", "должно быть 10 цифр")
    raises_message(lambda raw: normalize_inn(raw, length=10), "770708389", "должно быть 10 цифр")
    with pytest.raises(ValueError) as info:
        normalize_inn("7707083893", length=11)
    assert not isinstance(info.value, IdentifierError)


def test_inn_empty_and_letters() -> None:
    raises_message(normalize_inn, "  ", MSG_EMPTY)
    raises_message(normalize_inn, "77O7083893", MSG_DIGITS_ONLY)  # letter O instead of zero


# --- ОГРН / ОГРНИП -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "remainder"),
    [
        ("1027700132195", 5),  # Сбербанк: 102770013219 mod 11 = 5
        ("1027700132240", 10),  # remainder 10 -> check 0
        ("1027700132250", 0),
    ],
)
def test_ogrn_valid(raw: str, remainder: int) -> None:
    assert int(raw[:12]) % 11 == remainder
    assert normalize_ogrn(raw) == raw
    assert normalize_ogrn(f" {raw[:1]} {raw[1:3]} {raw[3:5]} {raw[5:7]} {raw[7:12]} {raw[12]} ") == raw


@pytest.mark.parametrize("raw", ["1027700132196", "1027700132241", "1027700132251"])
def test_ogrn_bad_checksum(raw: str) -> None:
    raises_message(normalize_ogrn, raw, MSG_CHECKSUM)


@pytest.mark.parametrize("raw", ["102770013219", "10277001321950", "304500116000157"])
def test_ogrn_wrong_length(raw: str) -> None:
    raises_message(normalize_ogrn, raw, "должно быть 13 цифр")


@pytest.mark.parametrize(
    ("raw", "remainder"),
    [
        ("304500116000157", 7),  # 30450011600015 mod 13 = 7
        ("304123456789003", 3),
        ("304123456789100", 0),
        # remainders 10..12: the check digit is the LAST digit of the remainder
        ("304123456789070", 10),
        ("304123456789081", 11),
        ("304123456789092", 12),
    ],
)
def test_ogrnip_valid(raw: str, remainder: int) -> None:
    assert int(raw[:14]) % 13 == remainder
    assert normalize_ogrnip(raw) == raw
    assert normalize_ogrnip(f"{raw[:5]}-{raw[5:10]}-{raw[10:]}\n") == raw


@pytest.mark.parametrize(
    "raw",
    [
        "304500116000158",
        # The tempting wrong rule "remainder 10..12 -> 0" must not be accepted:
        "304123456789080",
        "304123456789090",
        "304123456789071",
    ],
)
def test_ogrnip_bad_checksum(raw: str) -> None:
    raises_message(normalize_ogrnip, raw, MSG_CHECKSUM)


@pytest.mark.parametrize("raw", ["30450011600015", "3045001160001570", "1027700132195"])
def test_ogrnip_wrong_length(raw: str) -> None:
    raises_message(normalize_ogrnip, raw, "должно быть 15 цифр")


# --- ОМС ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["7700001234567895", "5000000000000017", "7700 0012 3456 7895", "7700-0012-3456-7895"]
)
def test_oms_luhn_ok(raw: str) -> None:
    assert check_oms(raw) == (digits_only(raw), None)


def test_oms_luhn_mismatch_is_only_a_warning() -> None:
    assert check_oms("7700001234567890") == ("7700001234567890", MSG_OMS_WARNING)
    assert MSG_OMS_WARNING == "возможно, ошибка в номере: не сходится контрольная цифра"


@pytest.mark.parametrize("raw", ["770000123456789", "77000012345678950", "123"])
def test_oms_wrong_length(raw: str) -> None:
    raises_message(check_oms, raw, "должно быть 16 цифр")


def test_oms_empty_and_letters() -> None:
    raises_message(check_oms, "", MSG_EMPTY)
    raises_message(check_oms, "77000012345678ЕП", MSG_DIGITS_ONLY)


# --- Passport -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["4510", "45 10", " 45-10 "])
def test_passport_series(raw: str) -> None:
    assert normalize_passport_series(raw) == "4510"


@pytest.mark.parametrize("raw", ["451", "45100"])
def test_passport_series_wrong_length(raw: str) -> None:
    raises_message(normalize_passport_series, raw, "должно быть 4 цифры")


@pytest.mark.parametrize("raw", ["123456", " 123 456 ", "№123456", "№ 123456"])
def test_passport_number(raw: str) -> None:
    assert normalize_passport_number(raw) == "123456"


@pytest.mark.parametrize("raw", ["12345", "1234567"])
def test_passport_number_wrong_length(raw: str) -> None:
    raises_message(normalize_passport_number, raw, "должно быть 6 цифр")


@pytest.mark.parametrize(
    "raw", ["4510 123456", "45 10 123456", "4510123456", "45 10 № 123456", "4510-123456", " 4510  123456\n"]
)
def test_passport_combined(raw: str) -> None:
    assert normalize_passport(raw) == ("4510", "123456")


@pytest.mark.parametrize("raw", ["4510 12345", "4510 1234567", "45 10"])
def test_passport_combined_wrong_length(raw: str) -> None:
    raises_message(normalize_passport, raw, MSG_PASSPORT_LENGTH)


def test_passport_combined_letters_and_empty() -> None:
    raises_message(normalize_passport, "серия 4510 номер 123456", MSG_DIGITS_ONLY)
    raises_message(normalize_passport, " ", MSG_EMPTY)


def test_format_passport() -> None:
    assert format_passport("4510", "123456") == "4510 123456"
    assert format_passport("45 10", "123 456") == "4510 123456"
    raises_message(lambda series: format_passport(series, "123456"), "451", "должно быть 4 цифры")


@pytest.mark.parametrize("raw", ["770001", "770-001", "770 001", " 770–001 "])
def test_division_code(raw: str) -> None:
    assert normalize_division_code(raw) == "770-001"


def test_division_code_errors() -> None:
    raises_message(normalize_division_code, "77-001", "должно быть 6 цифр")
    raises_message(normalize_division_code, "770-0011", "должно быть 6 цифр")
    raises_message(normalize_division_code, "77O-001", MSG_DIGITS_ONLY)


# --- Birth certificate --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "IV-МЮ 123456",
        "IV МЮ 123456",
        "iv-мю123456",
        "IVМЮ123456",
        " IV - МЮ  № 123456 ",
        "IV—МЮ 123456",  # em dash from a word processor
        "iv-MЮ 123456",  # Latin M in the letter part
    ],
)
def test_birth_certificate_typings(raw: str) -> None:
    assert normalize_birth_certificate(raw) == "IV-МЮ 123456"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ХIV-МЮ 000001", "XIV-МЮ 000001"),  # Cyrillic Х in the numeral
        ("Сх-ЕК 654321", "CX-ЕК 654321"),  # Cyrillic С and х in the numeral
        ("ІІ-МЮ 123456", "II-МЮ 123456"),  # Ukrainian/Belarusian І
        ("I-AK 123456", "I-АК 123456"),  # Latin look-alikes in the letters
        ("ii-xc 123456", "II-ХС 123456"),  # letter part of look-alikes only
        ("IIXC123456", "II-ХС 123456"),  # no separators: the last two letters are the letter part
        ("CCCXCIX-ЖК 123456", "CCCXCIX-ЖК 123456"),  # 399
        ("XL-ЁЖ 123456", "XL-ЁЖ 123456"),
    ],
)
def test_birth_certificate_lookalikes(raw: str, expected: str) -> None:
    assert normalize_birth_certificate(raw) == expected


@pytest.mark.parametrize(
    "raw", ["IIII-МЮ 123456", "VV-МЮ 123456", "IC-МЮ 123456", "CCCC-МЮ 123456", "IM-МЮ 123456"]
)
def test_birth_certificate_bad_roman(raw: str) -> None:
    raises_message(normalize_birth_certificate, raw, MSG_BIRTH_ROMAN)


@pytest.mark.parametrize("raw", ["IV-ZZ 123456", "IV-SQ 123456"])
def test_birth_certificate_bad_letters(raw: str) -> None:
    raises_message(normalize_birth_certificate, raw, MSG_BIRTH_LETTERS)


@pytest.mark.parametrize("raw", ["IV-МЮ 12345", "IV-МЮ 1234567"])
def test_birth_certificate_bad_number(raw: str) -> None:
    raises_message(normalize_birth_certificate, raw, MSG_BIRTH_NUMBER)


@pytest.mark.parametrize("raw", ["МЮ 123456", "IV-МЮ", "123456", "IV-МЮ 123-456x", "IV/МЮ 123456"])
def test_birth_certificate_bad_format(raw: str) -> None:
    raises_message(normalize_birth_certificate, raw, MSG_BIRTH_FORMAT)


def test_birth_certificate_empty() -> None:
    raises_message(normalize_birth_certificate, "  ", MSG_EMPTY)


# --- Cadastral ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("77:01:0001001:1234", "77:01:0001001:1234"),
        ("  77:01:0001001:1234\n", "77:01:0001001:1234"),
        ("77 : 01 : 0001001 : 1234", "77:01:0001001:1234"),
        ("50:21:000000:1", "50:21:000000:1"),
        ("77:17:0120316:1234567890", "77:17:0120316:1234567890"),
    ],
)
def test_cadastral_valid(raw: str, expected: str) -> None:
    assert normalize_cadastral(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "77:01:00010:1234",  # quarter too short
        "77:01:00010011:1234",  # quarter too long
        "7:01:0001001:1234",
        "77:1:0001001:1234",
        "77:01:0001001",
        "77:01:0001001:",
        "77:01:0001001:12345678901",
        "77-01-0001001-1234",
        "77010001001 1234",
    ],
)
def test_cadastral_invalid(raw: str) -> None:
    raises_message(normalize_cadastral, raw, MSG_CADASTRAL_FORMAT)


def test_cadastral_empty() -> None:
    raises_message(normalize_cadastral, "", MSG_EMPTY)


# --- Phone --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "8 (916) 123-45-67",
        "+7 (916) 123-45-67",
        "+79161234567",
        "79161234567",
        "89161234567",
        "9161234567",
        "916 123 45 67",
        "+7-916-123-45-67",
        " 8 916 123 45 67 ",
        "8.916.123.45.67",
    ],
)
def test_phone_typings(raw: str) -> None:
    assert normalize_phone(raw) == "+79161234567"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8 (495) 777-77-77", "+74957777777"),
        ("(495) 777-77-77", "+74957777777"),
        ("8 800 555-35-35", "+78005553535"),
        ("800 555 35 35", "+78005553535"),
        ("3812 12-34-56", "+73812123456"),
    ],
)
def test_phone_ranges(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "+375 29 123-45-67",  # Belarus
        "+1 (212) 555-1234",
        "+8 916 123 45 67",
        "+7 701 123 45 67",  # Kazakhstan
        "8 701 123 45 67",
        "7011234567",
        "1 916 123 45 67",
        "5161234567",
    ],
)
def test_phone_not_russian(raw: str) -> None:
    raises_message(normalize_phone, raw, MSG_PHONE_NOT_RUSSIAN)


@pytest.mark.parametrize(
    "raw", ["8 916 123 45 6", "8916123456", "+7 916 123 45 678", "123-45-67", "+7", "8 10 7 916 1234567"]
)
def test_phone_wrong_length(raw: str) -> None:
    raises_message(normalize_phone, raw, MSG_PHONE_LENGTH)


@pytest.mark.parametrize("raw", ["8 916 123 45 67 доб. 12", "7+9161234567", "8916123456a"])
def test_phone_bad_characters(raw: str) -> None:
    raises_message(normalize_phone, raw, MSG_PHONE_CHARS)


def test_phone_empty() -> None:
    raises_message(normalize_phone, " ", MSG_EMPTY)
    raises_message(normalize_phone, "(___) ___-__-__", MSG_EMPTY)


def test_format_phone() -> None:
    assert format_phone("+79161234567") == "+7 (916) 123-45-67"
    assert format_phone("8 916 1234567") == "+7 (916) 123-45-67"
    raises_message(format_phone, "+7916123456", MSG_PHONE_LENGTH)


# --- Postcode -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["101000", " 101 000 ", "101-000"])
def test_postcode(raw: str) -> None:
    assert normalize_postcode(raw) == "101000"


def test_postcode_errors() -> None:
    raises_message(normalize_postcode, "10100", "должно быть 6 цифр")
    raises_message(normalize_postcode, "1010000", "должно быть 6 цифр")
    raises_message(normalize_postcode, "1O1000", MSG_DIGITS_ONLY)
    raises_message(normalize_postcode, "", MSG_EMPTY)


# --- Driving licence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("77 01 123456", "77 01 123456"),
        ("7701123456", "77 01 123456"),
        ("77-01-123456", "77 01 123456"),
        (" 77 01 № 123456 ", "77 01 123456"),
        ("77 АВ 123456", "77 АВ 123456"),
        ("77ав123456", "77 АВ 123456"),
        ("77 AB 123456", "77 АВ 123456"),  # Latin look-alikes
        ("50 ЯЯ 000001", "50 ЯЯ 000001"),
    ],
)
def test_driving_licence_valid(raw: str, expected: str) -> None:
    assert normalize_driving_licence(raw) == expected


@pytest.mark.parametrize(
    "raw", ["77 01 12345", "77 01 1234567", "7 01 123456", "77 0A 123456", "AB 01 123456"]
)
def test_driving_licence_bad_format(raw: str) -> None:
    raises_message(normalize_driving_licence, raw, MSG_DRIVING_LICENCE_FORMAT)


@pytest.mark.parametrize("raw", ["77 ZZ 123456", "77 SA 123456"])
def test_driving_licence_bad_series(raw: str) -> None:
    raises_message(normalize_driving_licence, raw, MSG_DRIVING_LICENCE_SERIES)


def test_driving_licence_empty() -> None:
    raises_message(normalize_driving_licence, "", MSG_EMPTY)


# --- VIN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("XTA21099043456789", "XTA21099043456789"),
        ("xta21099043456789", "XTA21099043456789"),
        (" XTA 21099 043456789 ", "XTA21099043456789"),
        ("ХТА21099043456789", "XTA21099043456789"),  # Cyrillic Х, Т, А
        ("WVWZZZ1JZ3W386752", "WVWZZZ1JZ3W386752"),
        ("1HGCM826-33A004352", "1HGCM82633A004352"),
    ],
)
def test_vin_valid(raw: str, expected: str) -> None:
    assert normalize_vin(raw) == expected


def test_vin_errors() -> None:
    raises_message(normalize_vin, "XTA2109904345678", MSG_VIN_LENGTH)
    raises_message(normalize_vin, "XTA210990434567890", MSG_VIN_LENGTH)
    raises_message(normalize_vin, "XTA21O99043456789", MSG_VIN_FORBIDDEN)  # letter O
    raises_message(normalize_vin, "XTA21099О43456789", MSG_VIN_FORBIDDEN)  # Cyrillic О -> O
    raises_message(normalize_vin, "ITA21099043456789", MSG_VIN_FORBIDDEN)
    raises_message(normalize_vin, "QTA21099043456789", MSG_VIN_FORBIDDEN)
    raises_message(normalize_vin, "ЖTA21099043456789", MSG_VIN_CHARS)
    raises_message(normalize_vin, "XTA21099/43456789", MSG_VIN_CHARS)
    raises_message(normalize_vin, " ", MSG_EMPTY)


# --- Plate --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("А123ВС77", "А123ВС77"),
        ("А123ВС777", "А123ВС777"),
        ("а123вс77", "А123ВС77"),
        ("A123BC77", "А123ВС77"),  # all Latin look-alikes
        ("а 123 вс 777", "А123ВС777"),
        ("А123ВС|77", "А123ВС77"),
        ("А123ВС 77 RUS", "А123ВС77"),
        ("А123ВС 199 рус", "А123ВС199"),
        ("x001ox 97", "Х001ОХ97"),
    ],
)
def test_plate_valid(raw: str, expected: str) -> None:
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    "raw", ["А12ВС77", "А1234ВС77", "А123В77", "А123ВС7", "А123ВС7777", "123ВС77", "АА123ВС77"]
)
def test_plate_bad_format(raw: str) -> None:
    raises_message(normalize_plate, raw, MSG_PLATE_FORMAT)


@pytest.mark.parametrize("raw", ["Б123ВС77", "А123ВД77", "Z123BC77", "А123ВЯ77"])
def test_plate_bad_letters(raw: str) -> None:
    raises_message(normalize_plate, raw, MSG_PLATE_LETTERS)


@pytest.mark.parametrize("raw", ["А123ВС00", "А123ВС077"])
def test_plate_bad_region(raw: str) -> None:
    raises_message(normalize_plate, raw, MSG_PLATE_REGION)


def test_plate_empty() -> None:
    raises_message(normalize_plate, "", MSG_EMPTY)


# --- E-mail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ivanov@mail.ru", "ivanov@mail.ru"),
        ("  Ivanov.I@Mail.RU \n", "Ivanov.I@mail.ru"),
        ("first+tag@sub.example.com", "first+tag@sub.example.com"),
        ("user@ПОЧТА.РФ", "user@почта.рф"),
        ("a@xn--p1ai.xn--p1ai", "a@xn--p1ai.xn--p1ai"),
        ("a_b-c@my-host.ru", "a_b-c@my-host.ru"),
    ],
)
def test_email_valid(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ivanov mail.ru", MSG_EMAIL_SPACES),
        ("ivanov @mail.ru", MSG_EMAIL_SPACES),
        ("ivanov.mail.ru", MSG_EMAIL_AT),
        ("a@b@mail.ru", MSG_EMAIL_AT),
        ("@mail.ru", MSG_EMAIL_LOCAL),
        (".ivanov@mail.ru", MSG_EMAIL_LOCAL),
        ("ivanov.@mail.ru", MSG_EMAIL_LOCAL),
        ("iva..nov@mail.ru", MSG_EMAIL_LOCAL),
        ("<ivanov@mail.ru", MSG_EMAIL_LOCAL),
        ("ivanov@mailru", MSG_EMAIL_DOMAIN),
        ("ivanov@", MSG_EMAIL_DOMAIN),
        ("ivanov@.mail.ru", MSG_EMAIL_DOMAIN),
        ("ivanov@mail.ru.", MSG_EMAIL_DOMAIN),
        ("ivanov@mail..ru", MSG_EMAIL_DOMAIN),
        ("ivanov@-mail.ru", MSG_EMAIL_DOMAIN),
        ("ivanov@mail_box.ru", MSG_EMAIL_DOMAIN),
        ("ivanov@mail.ru>", MSG_EMAIL_DOMAIN),
        ("a" * 250 + "@mail.ru", MSG_EMAIL_TOO_LONG),
        ("", MSG_EMPTY),
    ],
)
def test_email_invalid(raw: str, message: str) -> None:
    raises_message(normalize_email, raw, message)


# --- Property tests -----------------------------------------------------------------------------

SEPARATORS = st.sampled_from([" ", "-", "  ", "\u00a0", "–", ""])


def sprinkle(digits: str, seps: list[str]) -> str:
    """Interleave separators between digits, as a person or input mask might."""
    return "".join(d + s for d, s in zip(digits, seps, strict=False)) + digits[len(seps) :]


@given(first9=digit_strings(9), seps=st.lists(SEPARATORS, max_size=11))
def test_prop_snils_with_computed_check_validates(first9: str, seps: list[str]) -> None:
    number = first9 + snils_check_digits(first9)
    assert snils_check_digits(first9) == ref_snils_check(first9)
    assert normalize_snils(sprinkle(number, seps)) == number
    assert normalize_snils(format_snils(number)) == number


@given(first9=digit_strings(9), wrong=digit_strings(2))
def test_prop_snils_wrong_check_rejected_above_threshold(first9: str, wrong: str) -> None:
    assume(wrong != snils_check_digits(first9))
    if int(first9) > 1_001_998:
        raises_message(normalize_snils, first9 + wrong, MSG_CHECKSUM)
    else:
        assert normalize_snils(first9 + wrong) == first9 + wrong


@given(
    # Small digits keep the weighted sum mostly below 100 so few examples are filtered out.
    first9=st.text(alphabet="0123", min_size=9, max_size=9),
    index=st.integers(0, 8),
    new=st.sampled_from("0123456789"),
)
def test_prop_snils_single_digit_change_below_100(first9: str, index: int, new: str) -> None:
    # Weights 9..1 are nonzero and |weight*delta| <= 81, so while both sums stay below 100
    # (the check is the sum itself) any change of one body digit changes the check digits.
    changed = replace_digit(first9, index, new)
    assume(changed != first9 and int(changed) > 1_001_998)
    assume(ref_snils_sum(first9) < 100 and ref_snils_sum(changed) < 100)
    raises_message(normalize_snils, changed + snils_check_digits(first9), MSG_CHECKSUM)


@given(body=digit_strings(9))
def test_prop_inn10_with_computed_check_validates(body: str) -> None:
    assert normalize_inn(ref_inn10(body)) == ref_inn10(body)


@given(body=digit_strings(10))
def test_prop_inn12_with_computed_check_validates(body: str) -> None:
    assert normalize_inn(ref_inn12(body), length=12) == ref_inn12(body)


@given(body=digit_strings(9), new=st.sampled_from("0123456789"))
def test_prop_inn10_changed_check_digit_rejected(body: str, new: str) -> None:
    inn = ref_inn10(body)
    assume(new != inn[-1])
    raises_message(normalize_inn, inn[:-1] + new, MSG_CHECKSUM)


@given(body=digit_strings(9), index=st.integers(0, 8), new=st.sampled_from("0123456789"))
def test_prop_inn10_single_body_digit_change(body: str, index: int, new: str) -> None:
    # Each weight is nonzero mod 11, so a one-digit change always changes the remainder mod 11.
    # Only remainders 0 and 10 share a check digit (0), so if the original remainder is 1..9 the
    # change is always detected.
    inn = ref_inn10(body)
    changed = replace_digit(inn, index, new)
    assume(changed != inn and ref_inn_remainder(body, INN10_W) not in (0, 10))
    raises_message(normalize_inn, changed, MSG_CHECKSUM)


@given(body=digit_strings(10), index=st.integers(0, 11), new=st.sampled_from("0123456789"))
def test_prop_inn12_single_digit_change(body: str, index: int, new: str) -> None:
    inn = ref_inn12(body)
    changed = replace_digit(inn, index, new)
    assume(changed != inn)
    if index < 10:
        # Same argument as for ИНН-10, applied to the 11th digit's remainder.  Changing digit 11
        # or 12 (a check digit) alone is always caught.
        assume(ref_inn_remainder(body, INN11_W) not in (0, 10))
    raises_message(normalize_inn, changed, MSG_CHECKSUM)


@given(body=digit_strings(12))
def test_prop_ogrn_with_computed_check_validates(body: str) -> None:
    ogrn = body + str(int(body) % 11 % 10)
    assert normalize_ogrn(ogrn) == ogrn


@given(body=digit_strings(12), index=st.integers(0, 12), new=st.sampled_from("0123456789"))
def test_prop_ogrn_single_digit_change(body: str, index: int, new: str) -> None:
    # 10**k mod 11 is +-1, so a one-digit change alters the remainder mod 11; it can only keep the
    # check digit when the remainder moves between 0 and 10.  A changed check digit always fails.
    ogrn = body + str(int(body) % 11 % 10)
    changed = replace_digit(ogrn, index, new)
    assume(changed != ogrn)
    if index < 12:
        assume(int(body) % 11 not in (0, 10))
    raises_message(normalize_ogrn, changed, MSG_CHECKSUM)


@given(body=digit_strings(14))
def test_prop_ogrnip_with_computed_check_validates(body: str) -> None:
    ogrnip = body + str(int(body) % 13 % 10)
    assert normalize_ogrnip(ogrnip) == ogrnip


@given(body=digit_strings(14), index=st.integers(0, 14), new=st.sampled_from("0123456789"))
def test_prop_ogrnip_single_digit_change(body: str, index: int, new: str) -> None:
    # 13 is prime and coprime to 10, so a one-digit change alters the remainder mod 13.  Only the
    # pairs 0/10, 1/11, 2/12 share a last digit, so with a remainder of 3..9 any change is caught.
    ogrnip = body + str(int(body) % 13 % 10)
    changed = replace_digit(ogrnip, index, new)
    assume(changed != ogrnip)
    if index < 14:
        assume(3 <= int(body) % 13 <= 9)
    raises_message(normalize_ogrnip, changed, MSG_CHECKSUM)


@given(body=digit_strings(15), new=st.sampled_from("0123456789"))
def test_prop_oms_luhn(body: str, new: str) -> None:
    good = body + ref_luhn_check_digit(body)
    assert check_oms(good) == (good, None)
    bad = body + new
    if bad != good:
        assert check_oms(bad) == (bad, MSG_OMS_WARNING)


@given(national=st.tuples(st.sampled_from("3489"), digit_strings(9)).map("".join))
def test_prop_phone_roundtrip(national: str) -> None:
    canonical = "+7" + national
    assert normalize_phone("8" + national) == canonical
    if not national.startswith("89"):  # bare "89…" is read as a mistyped 8-prefixed mobile
        assert normalize_phone(national) == canonical
    assert normalize_phone(format_phone(canonical)) == canonical


@given(
    roman_value=st.integers(1, 399),
    pair=st.text(alphabet="АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ", min_size=2, max_size=2),
    number=digit_strings(6),
    hyphen=st.sampled_from(["-", " ", "", " - ", "—"]),
    gap=st.sampled_from([" ", "", " № ", "  "]),
    lower=st.booleans(),
)
def test_prop_birth_certificate_any_numeral(
    roman_value: int, pair: str, number: str, hyphen: str, gap: str, lower: bool
) -> None:
    raw = f"{to_roman(roman_value)}{hyphen}{pair}{gap}{number}"
    expected = f"{to_roman(roman_value)}-{pair} {number}"
    assert normalize_birth_certificate(raw.lower() if lower else raw) == expected
    assert normalize_birth_certificate(expected) == expected
