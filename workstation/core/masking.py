"""How an applicant's numbers are shown in a list of people: enough to tell two people apart
and to compare with the document in hand, not enough to copy a number off the screen.

A passport shows the last four digits of its number («•••• ••3456»), a СНИЛС its last five
(«•••-•••-445 95»); a phone is shown whole (it is how applicants are called back) in the
usual «+7 (916) 123-45-67» spelling. Pure functions: the in-memory demo uses them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workstation.core.searchkeys import digits, phone_key

HIDDEN = "•"


def passport_tail(series: str | None, number: str | None) -> str:
    """«•••• ••3456» for series 4500, number 123456; "" without a number."""
    n = digits(number)
    if not n:
        return ""
    s = digits(series)
    shown = n[-4:]
    return f"{HIDDEN * len(s)} {HIDDEN * (len(n) - len(shown))}{shown}".strip()


def snils_tail(snils: str | None) -> str:
    """«•••-•••-445 95»: the last three digits and the checksum; "" unless 11 digits."""
    d = digits(snils)
    if len(d) != 11:
        return ""
    return f"{HIDDEN * 3}-{HIDDEN * 3}-{d[6:9]} {d[9:]}"


def phone_text(phone: str | None) -> str:
    """«+7 (916) 123-45-67» for a Russian number; anything else as stored."""
    key = phone_key(phone)
    if len(key) != 10:
        return phone or ""
    return f"+7 ({key[:3]}) {key[3:6]}-{key[6:8]}-{key[8:]}"


ADDRESS_PARTS = ("region", "city", "street", "house", "building", "flat")
_PREFIXES = {"house": "д. ", "building": "корп. ", "flat": "кв. "}


def address_line(address: Mapping[str, Any] | None) -> str:
    """«г. Москва, ул. Авиамоторная, д. 12, кв. 45» (the postcode left out)."""
    if not isinstance(address, Mapping):
        return ""
    parts = []
    region = str(address.get("region") or "").strip()
    for key in ADDRESS_PARTS:
        value = str(address.get(key) or "").strip()
        if not value or (key == "city" and value in region):  # «г. Москва, Москва»
            continue
        parts.append(_PREFIXES.get(key, "") + value)
    return ", ".join(parts)
