"""The outbox: every change the central server must learn, in the order it was made.

`record` is called inside the same transaction as the change it describes, so a change and its
outbox row are stored together or not at all. `device_seq` counts 1, 2, 3 … per device without
gaps: the counter lives in the device row and is bumped in the same transaction (a rolled-back
change takes its number back with it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workstation.core.database import dbapi, dumps, utc_text
from workstation.core.ids import new_id
from workstation.core.models import OutboxRow


def next_seq(session: Session) -> int:
    row = dbapi(session).execute("UPDATE device SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
    return int(row.fetchone()[0])


def record(session: Session, *, entity: str, entity_id: str, op: str, base_version: int | None,
           payload: dict[str, Any], now: datetime) -> tuple[str, int]:
    """Append one row; returns (row id, device_seq). Plain SQL: this runs on every mutation."""
    row_id, seq = new_id(), next_seq(session)
    dbapi(session).execute(
        "INSERT INTO outbox (id, device_seq, entity, entity_id, op, base_version, payload, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, seq, entity, entity_id, op, base_version, dumps(payload), utc_text(now)))
    return row_id, seq


def pending(session: Session, limit: int = 500) -> list[OutboxRow]:
    """Rows not yet acknowledged by the server, oldest first (the sync issue's input)."""
    return list(session.scalars(
        select(OutboxRow).where(OutboxRow.acked_at.is_(None)).order_by(OutboxRow.device_seq).limit(limit)))


def acknowledge(session: Session, up_to_seq: int, now: datetime) -> int:
    result = session.execute(update(OutboxRow).where(OutboxRow.device_seq <= up_to_seq,
                                                     OutboxRow.acked_at.is_(None)).values(acked_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
