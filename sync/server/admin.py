"""What administrators and the back office do: devices, staff, case statuses, catalogs, field visits.

Shared by the `mfc-server` command line and the staff API; every function is one transaction,
and every change a workstation must learn goes into the change feed in that transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from sync import messages as m
from sync.protocol import KIND_ASSIGNMENT, KIND_CATALOG, KIND_STAFF, ROLES, CaseState, EnrolResponse
from sync.server import auth, feed, lifecycle, schema
from sync.server.db import get_meta, writing
from sync.server.records import BACK_OFFICE, Batch, CaseRec

OFFICE_RE = re.compile(r"^\d{4}$")
WORKSTATION_RE = re.compile(r"^\d{3}$")


class AdminError(Exception):
    """A refusal with a Russian message (the CLI prints it; the API maps `kind` to a status)."""

    def __init__(self, message: str, kind: str = "bad_request") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- devices -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NewDevice:
    device_id: str
    office_code: str
    workstation_code: str
    name: str
    code: str
    expires_at: datetime


def add_device(engine: Engine, *, office: str, name: str, workstation: str | None = None,
               code_hours: int = 72, now: datetime | None = None) -> NewDevice:
    """Register a workstation; the one-time enrolment code is returned once and stored hashed."""
    now = now or utcnow()
    if not OFFICE_RE.match(office or ""):
        raise AdminError("Код центра — 4 цифры")
    if workstation is not None and not WORKSTATION_RE.match(workstation):
        raise AdminError("Номер рабочего места — 3 цифры")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise AdminError("Нужно название рабочего места (до 200 знаков)")
    code = auth.new_enrol_code()
    device_id = str(uuid.uuid4())
    with writing(engine) as conn:
        taken = {w for (w,) in conn.execute(select(schema.devices.c.workstation_code)
                                            .where(schema.devices.c.office_code == office))}
        if workstation is None:
            free = [f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in taken]
            if not free:
                raise AdminError("В центре нет свободных номеров рабочих мест")
            workstation = free[0]
        elif workstation in taken:
            raise AdminError(f"Рабочее место {office}-{workstation} уже зарегистрировано")
        expires = now + timedelta(hours=code_hours)
        conn.execute(insert(schema.devices).values(
            id=device_id, name=name, office_code=office, workstation_code=workstation,
            enrol_code_hash=auth.code_hash(code), enrol_expires_at=expires, created_at=now, last_seq=0))
    return NewDevice(device_id, office, workstation, name, code, expires)


def revoke_device(engine: Engine, device_id: str, now: datetime | None = None) -> None:
    with writing(engine) as conn:
        result = conn.execute(update(schema.devices).where(schema.devices.c.id == device_id).values(
            revoked_at=now or utcnow(), token_hash=None, enrol_code_hash=None))
        if not result.rowcount:
            raise AdminError(m.NOT_FOUND.format(what=f"рабочее место {device_id}"), "not_found")


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    d = schema.devices.c
    with engine.connect() as conn:
        rows = conn.execute(select(d.id, d.name, d.office_code, d.workstation_code, d.enrolled_at, d.revoked_at,
                                   d.last_seq, d.last_seen_at).order_by(d.office_code, d.workstation_code))
        return [dict(r._mapping) for r in rows]


def enrol(engine: Engine, *, code: str, local_device_id: str, acked_seq: int = 0,
          now: datetime | None = None) -> EnrolResponse:
    """Trade a one-time code for a long-lived device token (only its hash is kept)."""
    now = now or utcnow()
    token = auth.new_device_token()
    d = schema.devices.c
    with writing(engine) as conn:
        row = conn.execute(select(d.id, d.name, d.office_code, d.workstation_code, d.enrol_expires_at, d.revoked_at)
                           .where(d.enrol_code_hash == auth.code_hash(code))).first()
        if row is None or row.revoked_at is not None or _aware(row.enrol_expires_at) < now:
            raise AdminError(m.BAD_CODE, "unauthorised")
        conn.execute(update(schema.devices).where(d.id == row.id).values(
            token_hash=auth.sha256_hex(token), enrol_code_hash=None, enrol_expires_at=None, enrolled_at=now,
            local_device_id=local_device_id, last_seq=acked_seq, last_seen_at=now))
        epoch = get_meta(conn, "epoch") or ""
    return EnrolResponse(device_id=row.id, token=token, name=row.name, office_code=row.office_code,
                         workstation_code=row.workstation_code, epoch=epoch)


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- staff ---------------------------------------------------------------------------------------
def staff_record(row: Any) -> dict[str, Any]:
    return {"id": row.id, "login": row.login, "full_name": row.full_name, "role": row.role,
            "office_code": row.office_code, "password_hash": row.password_hash, "active": bool(row.active),
            "version": row.version}


def _emit_staff(conn: Any, staff_id: str, now: datetime) -> None:
    row = conn.execute(select(schema.staff).where(schema.staff.c.id == staff_id)).one()
    audience = feed.office_audience(row.office_code) if row.office_code else feed.ALL
    feed.emit(conn, [feed.Emit(audience, KIND_STAFF, row.id, row.version, feed.dumps(staff_record(row)))], now)


def add_staff(engine: Engine, *, login: str, full_name: str, role: str, office: str | None, password: str,
              now: datetime | None = None) -> str:
    now = now or utcnow()
    login = (login or "").strip()
    if not login or len(login) > 100 or not full_name.strip():
        raise AdminError("Нужны логин (до 100 знаков) и ФИО")
    if role not in ROLES:
        raise AdminError(f"Роль: одна из {', '.join(ROLES)}")
    if office is not None and not OFFICE_RE.match(office):
        raise AdminError("Код центра — 4 цифры")
    if office is None and role != "administrator":
        raise AdminError("Сотруднику, кроме администратора, нужен центр (--office)")
    if len(password) < 8:
        raise AdminError("Пароль — не короче 8 знаков")
    staff_id = str(uuid.uuid4())
    with writing(engine) as conn:
        if conn.execute(select(schema.staff.c.id).where(schema.staff.c.login == login)).first() is not None:
            raise AdminError(f"Логин {login} уже занят")
        conn.execute(insert(schema.staff).values(
            id=staff_id, login=login, full_name=full_name.strip(), role=role, office_code=office,
            password_hash=auth.hash_password(password), active=True, version=1, created_at=now, updated_at=now))
        _emit_staff(conn, staff_id, now)
    return staff_id


def set_staff_active(engine: Engine, login: str, active: bool, now: datetime | None = None) -> None:
    now = now or utcnow()
    s = schema.staff.c
    with writing(engine) as conn:
        staff_id = conn.execute(select(s.id).where(s.login == login)).scalar()
        if staff_id is None:
            raise AdminError(m.NOT_FOUND.format(what=f"сотрудник {login}"), "not_found")
        conn.execute(update(schema.staff).where(s.id == staff_id).values(active=active, version=s.version + 1,
                                                                          updated_at=now))
        _emit_staff(conn, staff_id, now)


# --- cases ---------------------------------------------------------------------------------------
def canonical_number(ref: str) -> str | None:
    digits = "".join(ch for ch in ref if ch.isdigit())
    if len(digits) != 17 or any(ch not in "0123456789- " for ch in ref.strip()):
        return None
    return f"{digits[:4]}-{digits[4:7]}-{digits[7:13]}-{digits[13:]}"


def find_case_id(conn: Any, ref: str) -> str | None:
    number = canonical_number(ref)
    c = schema.cases.c
    if number is not None:
        return conn.execute(select(c.id).where(c.number == number)).scalar()
    return conn.execute(select(c.id).where(c.id == ref.strip())).scalar()


def _state(rec: CaseRec) -> CaseState:
    return CaseState(id=rec.id, number=rec.record.get("number"), status=rec.status, version=rec.version,
                     conflict=bool(rec.record.get("conflict")))


def change_status(engine: Engine, ref: str, status: str, *, reason: str | None, actor: str,
                  office: str | None = None, source: str = BACK_OFFICE, now: datetime | None = None) -> CaseState:
    """A status set by the back office or an agency system; `office` limits a supervisor to theirs."""
    now = now or utcnow()
    with writing(engine) as conn:
        case_id = find_case_id(conn, ref)
        batch = Batch(conn, now)
        rec = batch.case(case_id) if case_id else None
        if rec is None or (office is not None and rec.office_code != office):
            raise AdminError(m.NOT_FOUND.format(what=f"дело {ref}"), "not_found")
        if rec.status == status:
            return _state(rec)
        refused = lifecycle.refusal(rec.status, status, reason)
        if refused is not None:
            raise AdminError(refused[1], "conflict")
        old = rec.status
        version = rec.bump()
        rec.record["status"] = status
        rec.field_versions["status"] = [version, BACK_OFFICE]
        batch.add_history(rec, old=old, new=status, actor=actor, reason=reason, source=source, device_id=None,
                          seq=None, client_at=None)
        batch.flush()
        return _state(rec)


def list_cases(engine: Engine, *, office: str | None, status: str | None = None, limit: int = 100
               ) -> list[dict[str, Any]]:
    c = schema.cases.c
    stmt = select(c.id, c.number, c.office_code, c.status, c.version, c.conflict, c.data)
    if office is not None:
        stmt = stmt.where(c.office_code == office)
    if status is not None:
        stmt = stmt.where(c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(c.updated_at.desc(), c.id).limit(limit))
        return [{"id": r.id, "number": r.number, "office_code": r.office_code, "status": r.status,
                 "service_id": json.loads(r.data).get("service_id"), "version": r.version,
                 "conflict": bool(r.conflict)} for r in rows]


def assign(engine: Engine, ref: str, device_id: str, *, login: str | None, actor: str, active: bool = True,
           office: str | None = None, now: datetime | None = None) -> CaseState:
    """Give a case to a field workstation (a home visit): the case and its applicant go to that device."""
    now = now or utcnow()
    a = schema.assignments.c
    with writing(engine) as conn:
        case_id = find_case_id(conn, ref)
        batch = Batch(conn, now)
        rec = batch.case(case_id) if case_id else None
        if rec is None or (office is not None and rec.office_code != office):
            raise AdminError(m.NOT_FOUND.format(what=f"дело {ref}"), "not_found")
        dev = conn.execute(select(schema.devices.c.id, schema.devices.c.revoked_at)
                           .where(schema.devices.c.id == device_id)).first()
        if dev is None or dev.revoked_at is not None:
            raise AdminError(m.NOT_FOUND.format(what=f"рабочее место {device_id}"), "not_found")
        exists = conn.execute(select(a.case_id).where(a.case_id == rec.id, a.device_id == device_id)).first()
        values = {"login": login, "active": active, "assigned_by": actor, "assigned_at": now}
        if exists is None:
            conn.execute(insert(schema.assignments).values(case_id=rec.id, device_id=device_id, **values))
        else:
            conn.execute(update(schema.assignments).where(a.case_id == rec.id, a.device_id == device_id)
                         .values(**values))
        version = rec.bump()
        rec.record["assigned_to"] = login if active else None
        rec.field_versions["assigned_to"] = [version, BACK_OFFICE]
        device_aud = feed.device_audience(device_id)
        batch.also_send_case_to(rec.id, device_aud)  # also when inactive: the device learns it is taken back
        if rec.applicant_id:
            batch.applicant_audiences.setdefault(rec.applicant_id, set()).add(device_aud)
        batch.flush()
        feed.emit(conn, [feed.Emit(device_aud, KIND_ASSIGNMENT, rec.id, version, feed.dumps(
            {"case_id": rec.id, "device_id": device_id, "login": login, "active": active}))], now)
        return _state(rec)


# --- catalogs ------------------------------------------------------------------------------------
def catalog_digest(sources: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(sources, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def publish_catalog(engine: Engine, folder: Path, *, actor: str, now: datetime | None = None) -> tuple[str, bool]:
    """Compile the catalog in `folder` and, if it has no errors, publish it: (version, newly published)."""
    from forms.compiler import compile_sources
    from forms.loader import read_sources

    now = now or utcnow()
    sources = read_sources(folder)
    result = compile_sources(sources)
    if not result.ok or result.catalog is None:
        raise AdminError("Каталог с ошибками не публикуется:\n" + "\n".join(map(str, result.errors)))
    version = result.catalog.version
    digest = catalog_digest(sources)
    with writing(engine) as conn:
        have = conn.execute(select(schema.catalogs.c.digest).where(schema.catalogs.c.version == version)).scalar()
        if have is not None:
            if have != digest:
                raise AdminError(f"Версия каталога {version} уже опубликована с другим содержимым: "
                                 "увеличьте version в catalog.yaml")
            return version, False
        conn.execute(insert(schema.catalogs).values(version=version, digest=digest, sources=feed.dumps(sources),
                                                    published_at=now, published_by=actor))
        feed.emit(conn, [feed.Emit(feed.ALL, KIND_CATALOG, version, 1, feed.dumps(
            {"version": version, "digest": digest, "published_at": now.isoformat()}))], now)
    return version, True


def catalog_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.catalogs)).scalar_one())
