"""This installation: its device id and codes, local settings and staff accounts.

The office code (4 digits) and the workstation code (3 digits) make case numbers unique across
the network without asking the server, so acceptance refuses to run until they are set.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.core import messages as m
from workstation.core.changes import ChangeSet, changed
from workstation.core.database import dbapi
from workstation.core.errors import InvalidOperation, NotConfigured, StoreUnavailable
from workstation.core.ids import new_id
from workstation.core.models import Device, Setting, Staff
from workstation.core.roles import Role


def get_device(session: Session) -> Device:
    found = session.get(Device, 1)
    if found is None:
        raise StoreUnavailable(m.STORE_CLOSED)
    return found


def codes(session: Session) -> tuple[str, str]:
    """(office code, workstation code), or `NotConfigured`."""
    row = dbapi(session).execute("SELECT office_code, workstation_code FROM device WHERE id = 1").fetchone()
    if row is None:
        raise StoreUnavailable(m.STORE_CLOSED)
    if not row[0] or not row[1]:
        raise NotConfigured()
    return row[0], row[1]


def configure_device(session: Session, office_code: str, workstation_code: str) -> ChangeSet:
    if not re.fullmatch(r"\d{4}", office_code or ""):
        raise InvalidOperation(m.BAD_OFFICE_CODE)
    if not re.fullmatch(r"\d{3}", workstation_code or ""):
        raise InvalidOperation(m.BAD_WORKSTATION_CODE)
    dev = get_device(session)
    dev.office_code, dev.workstation_code = office_code, workstation_code
    session.flush()  # numbering reads the codes with plain SQL
    return changed("device", dev.device_id)


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


# --- staff -------------------------------------------------------------------------------------
def add_staff(session: Session, *, login: str, full_name: str, role: str, password_hash: str | None,
              office_code: str | None, now: datetime, active: bool = True) -> tuple[Staff, ChangeSet]:
    """A staff account; `password_hash` is computed by the caller (argon2), never here."""
    if role not in set(Role):
        raise InvalidOperation(m.UNKNOWN_ROLE.format(role=role))
    if session.scalars(select(Staff).where(Staff.login == login)).first() is not None:
        raise InvalidOperation(m.LOGIN_TAKEN.format(login=login))
    staff = Staff(id=new_id(), login=login, full_name=full_name, role=role, office_code=office_code,
                  password_hash=password_hash, active=active, created_at=now, updated_at=now)
    session.add(staff)
    return staff, changed("staff", staff.id, "created")


def find_staff(session: Session, login: str) -> Staff | None:
    return session.scalars(select(Staff).where(Staff.login == login)).first()


def create_demo_account(session: Session, login: str, password_hash: str, *, now: datetime | None = None,
                        full_name: str = "Демонстрационный специалист",
                        role: str = Role.SUPERVISOR) -> ChangeSet:
    """The account the app creates on its first start so a demo can log in; no-op if it exists.

    `password_hash` is the argon2 text the UI computed; the store never sees the password.
    """
    if find_staff(session, login) is not None:
        return ChangeSet()
    office = get_device(session).office_code
    _staff, changes = add_staff(session, login=login, full_name=full_name, role=role,
                                password_hash=password_hash, office_code=office,
                                now=now or datetime.now().astimezone())
    return changes
