"""Case numbers: `OOOO-WWW-YYMMDD-NNNN`, unique across the network without asking the server.

Office code (4 digits) + workstation code (3 digits) name the window; the local date and a
per-day sequence kept in `day_counters` — bumped in the same transaction as the acceptance —
make the rest. Digits and hyphens only, 20 characters: fits Code 128 and QR, and reads aloud.
A scanner that drops the hyphens types 17 digits, which `canonical` turns back into the number.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.core import messages as m
from workstation.core.database import dbapi
from workstation.core.device import codes
from workstation.core.errors import InvalidOperation
from workstation.core.models import DayCounter
from workstation.core.searchkeys import CASE_NUMBER_DIGITS, digits, format_case_number

MAX_PER_DAY = 9999
NUMBER_RE = re.compile(r"^(\d{4})-(\d{3})-(\d{6})-(\d{4})$")


def prefix_for(office_code: str, workstation_code: str, day: date) -> str:
    return f"{office_code}-{workstation_code}-{day:%y%m%d}"


def next_number(session: Session, day: date) -> str:
    """Take the next number of `day` for this workstation (inside the caller's transaction).

    One atomic upsert: under BEGIN IMMEDIATE no other writer can run between reading and
    bumping the counter, and a rolled-back acceptance gives its number back.
    """
    office, workstation = codes(session)
    prefix = prefix_for(office, workstation, day)
    last = dbapi(session).execute(
        "INSERT INTO day_counters (prefix, last) VALUES (?, 1) "
        "ON CONFLICT(prefix) DO UPDATE SET last = last + 1 RETURNING last", (prefix,)).fetchone()[0]
    if last > MAX_PER_DAY:
        raise InvalidOperation(m.NUMBERS_EXHAUSTED.format(day=f"{day:%d.%m.%Y}"))
    return f"{prefix}-{last:04d}"


def canonical(text: str) -> str | None:
    """The number in `text` as printed (hyphens), from a typed or scanned form; None if not one."""
    d = digits(text)
    if len(d) != CASE_NUMBER_DIGITS:
        return None
    stripped = text.strip()
    if any(ch not in "0123456789- " for ch in stripped):
        return None
    return format_case_number(d)


def counters(session: Session) -> dict[str, int]:
    return {c.prefix: c.last for c in session.scalars(select(DayCounter))}
