"""The adapter's fast path writes rows the store's models read back as they would have written
them; applying a record twice changes nothing; local changes not yet pushed win until pushed."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from synckit import Clock

from workstation.core import search
from workstation.core.database import open_database
from workstation.core.models import Applicant, Case, IdentityDocument, StatusChange
from workstation.core.sync_adapter import apply_records, edit_case

APPLICANT = {"id": "01a1fd00-0000-7000-8000-000000000001", "surname": "Соколова", "name": "Анна",
             "patronymic": "Петровна", "sex": "female", "birth_date": "1984-03-15", "birth_place": "Москва",
             "snils": "11223344595", "inn": None, "phone": "+79161234567", "email": None,
             "address": {"city": "Москва"}, "privileges": ["veteran"], "version": 3,
             "documents": [{"id": "01a1fd00-0000-7000-8000-0000000000d1", "kind": "passport-rf", "series": "4510",
                            "number": "123456", "issuer": "ГУ МВД", "issue_date": "2015-05-05",
                            "division_code": "770-001", "current": True, "superseded_at": None}]}
CASE: dict[str, Any] = {
    "id": "01a1fd00-0000-7000-8000-0000000000c1", "number": "0101-002-261120-0001", "status": "sent",
    "service_id": "passport-rf", "catalog_version": "2026.11.1", "form_version": "1", "bundle_id": "nope",
    "applicant_id": APPLICANT["id"], "answers": {"phone": "+79161234567"}, "documents": [{"doc": "photo"}],
    "privileges": [], "fee": {"amount": "300.00", "full_amount": "300", "tariff": "t", "exempt_by": None},
    "accepted_at": "2026-11-20T10:00:00+03:00", "accepted_on": "2026-11-20", "due_date": "2026-11-27",
    "channel": "window", "office_code": "0101", "workstation_code": "002", "specialist": "ivanova",
    "intake_started_at": "2026-11-20T09:50:00+03:00", "intake_finished_at": "2026-11-20T10:00:00+03:00",
    "notify_by": "sms", "assigned_to": None, "version": 4, "conflict": True,
    "conflict_data": {"answers.phone": {"server": {"value": "1"}, "proposed": [{"value": "2"}]}},
    "history": [{"from": "draft", "to": "accepted", "at": "2026-11-20T10:00:00+03:00", "actor": "ivanova"},
                {"from": "accepted", "to": "sent", "at": None, "recorded_at": "2026-11-21T08:00:00+00:00",
                 "source": "back_office", "reason": None}],
    "applicant": APPLICANT}


def test_fast_rows_read_back_through_the_models(tmp_path: Path) -> None:
    store = open_database(tmp_path / "s.db", secrets.token_bytes(32), clock=Clock())
    try:
        for _ in range(2):  # the second time is an update of the same rows
            with store.unit_of_work() as s:
                apply_records(s, [("case", CASE["id"], CASE)], now=store.now())
        with store.reading() as s:
            case = s.get(Case, CASE["id"])
            assert case is not None
            assert case.accepted_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
            assert case.accepted_on == date(2026, 11, 20) and case.due_date == date(2026, 11, 27)
            assert case.fee_amount == Decimal("300.00") and case.bundle_id is None
            assert case.answers == {"phone": "+79161234567"} and case.conflict and case.conflict_data
            assert (case.server_version, case.version, case.sync_state) == (4, 4, "synced")
            history = s.query(StatusChange).filter_by(case_id=case.id).order_by(StatusChange.id).all()
            assert [(h.from_status, h.to_status, h.actor) for h in history] == [
                ("draft", "accepted", "ivanova"), ("accepted", "sent", "back_office")]
            applicant = s.query(Applicant).filter_by(id=APPLICANT["id"]).one()
            assert applicant.birth_date == date(1984, 3, 15) and applicant.address == {"city": "Москва"}
            assert applicant.privileges == ["veteran"] and applicant.server_version == 3
            assert s.query(IdentityDocument).count() == 1
            found = search.search(s, "Соколова Анна")
            assert [a.id for a in found.applicants] == [APPLICANT["id"]]
            assert search.search(s, "4510 123456").applicants
    finally:
        store.close()


def test_pending_local_changes_win_until_pushed(tmp_path: Path) -> None:
    store = open_database(tmp_path / "s.db", secrets.token_bytes(32), clock=Clock())
    try:
        with store.unit_of_work() as s:
            apply_records(s, [("case", CASE["id"], CASE)], now=store.now())
        with store.unit_of_work() as s:
            edit_case(s, CASE["id"], {"notify_by": "email"}, actor="x", now=store.now())
        newer = {**CASE, "version": 5, "status": "ready", "notify_by": "sms"}
        with store.unit_of_work() as s:
            apply_records(s, [("case", CASE["id"], newer)], now=store.now())
        with store.reading() as s:
            case = s.get(Case, CASE["id"])
            assert case is not None and case.notify_by == "email" and case.status == "sent"
    finally:
        store.close()


def test_fast_path_columns_match_the_models() -> None:
    from workstation.core import sync_adapter as sa

    for model, columns in ((Case, sa.CASE_COLUMNS), (Applicant, sa.APPLICANT_COLUMNS),
                           (IdentityDocument, sa.DOC_COLUMNS)):
        assert set(columns) == {c.name for c in model.__table__.columns}, model.__tablename__
    assert set(sa.HISTORY_COLUMNS) == {c.name for c in StatusChange.__table__.columns} - {"id"}
