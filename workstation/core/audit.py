"""The audit log: who created, viewed, changed, printed or exported which case, and when.

`detail` holds ids, field names and document kinds, never the values of personal data.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workstation.core.database import dbapi, dumps, utc_text
from workstation.core.models import AuditEntry


class Action(StrEnum):
    CREATE = "create"
    VIEW = "view"
    CHANGE = "change"
    STATUS = "status"
    PRINT = "print"
    EXPORT = "export"
    DELETE = "delete"
    IMPORT = "import"
    BACKUP = "backup"
    RESTORE = "restore"


def record(session: Session, *, actor: str, action: Action | str, entity: str, entity_id: str | None,
           now: datetime, detail: dict[str, Any] | None = None) -> None:
    # Plain SQL, not an ORM object: this runs on every action (see `database.dbapi`).
    dbapi(session).execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (utc_text(now), actor, str(action), entity, entity_id, None if detail is None else dumps(detail)))


def for_entity(session: Session, entity_id: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == entity_id)
                                .order_by(AuditEntry.id)))
