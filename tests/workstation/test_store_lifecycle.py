"""Intake, acceptance and the case lifecycle: every transition, allowed and refused.

Each accepted or changed case must leave its status history, an audit entry and an outbox row
written in the same transaction; a refusal must leave nothing behind.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from storekit import PASSPORT_DOCS, accept_new, catalog, passport_answers, zags_answers

from workstation.core import applicants, cases, lifecycle, outbox, search
from workstation.core.database import dumps
from workstation.core.errors import InvalidOperation, NotConfigured, TransitionRefused, ValidationFailed
from workstation.core.lifecycle import Status
from workstation.core.models import Applicant, AuditEntry, Case, OutboxRow, StatusChange

# The shortest way from an accepted case to each status.
PATHS: dict[Status, list[Status]] = {
    Status.ACCEPTED: [],
    Status.SENT: [Status.SENT],
    Status.READY: [Status.SENT, Status.READY],
    Status.ISSUED: [Status.SENT, Status.READY, Status.ISSUED],
    Status.REFUSED: [Status.REFUSED],
    Status.WITHDRAWN: [Status.WITHDRAWN],
    Status.RETURNED: [Status.RETURNED],
}
ALL_PAIRS = [(old, new) for old in PATHS for new in Status if new is not Status.DRAFT]


def _move(store, number: str, status: Status) -> None:
    with store.unit_of_work() as s:
        cases.change_status(s, number, status, actor="ivanova", now=store.now(), reason="по заявлению")


def _counts(store) -> tuple[int, int, int]:
    with store.reading() as s:
        return (s.scalar(select(func.count()).select_from(StatusChange)),
                s.scalar(select(func.count()).select_from(AuditEntry)),
                s.scalar(select(func.count()).select_from(OutboxRow)))


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS, ids=[f"{o}->{n}" for o, n in ALL_PAIRS])
def test_every_transition(store, old: Status, new: Status) -> None:
    number = accept_new(store).number
    for step in PATHS[old]:
        _move(store, number, step)
    before = _counts(store)
    if lifecycle.allowed(old, new):
        _move(store, number, new)
        with store.reading() as s:
            case = cases.get(s, number)
            assert case.status == new
            last = s.scalars(select(StatusChange).where(StatusChange.case_id == case.id)
                             .order_by(StatusChange.id.desc())).first()
            assert (last.from_status, last.to_status, last.actor) == (old, new, "ivanova")
            row = s.scalars(select(OutboxRow).order_by(OutboxRow.device_seq.desc())).first()
            assert (row.entity, row.entity_id, row.op, row.payload["to"]) == ("case", case.id, "status", new)
        assert _counts(store) == (before[0] + 1, before[1] + 1, before[2] + 1)
    else:
        with pytest.raises(TransitionRefused) as info:
            _move(store, number, new)
        assert "не допускается" in info.value.user_message
        assert _counts(store) == before
        with store.reading() as s:
            assert cases.get(s, number).status == old


@pytest.mark.parametrize("new", sorted(lifecycle.NEEDS_REASON))
def test_refusal_withdrawal_and_return_need_a_reason(store, new: Status) -> None:
    number = accept_new(store).number
    with pytest.raises(TransitionRefused, match="причину"), store.unit_of_work() as s:
        cases.change_status(s, number, new, actor="ivanova", now=store.now(), reason="  ")


def test_a_draft_moves_only_by_acceptance(store) -> None:
    with store.unit_of_work() as s:
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="ivanova",
                                        now=store.now(), answers={})
    for target in (Status.ACCEPTED, Status.SENT, Status.WITHDRAWN):
        with pytest.raises(TransitionRefused), store.unit_of_work() as s:
            cases.change_status(s, case_id, target, actor="ivanova", now=store.now(), reason="x")
    number = accept_new(store).number
    with pytest.raises(TransitionRefused), store.unit_of_work() as s:
        cases.change_status(s, number, Status.DRAFT, actor="ivanova", now=store.now())
    with pytest.raises(InvalidOperation), store.unit_of_work() as s:
        cases.change_status(s, number, "lost", actor="ivanova", now=store.now())


def test_accept_writes_case_history_audit_and_outbox_together(store) -> None:
    accepted = accept_new(store)
    assert accepted.number.startswith("0101-001-251120-")
    # 2025-11-20 + 5 working days = 2025-11-27 (no holidays in between)
    assert accepted.due_date == date(2025, 11, 27)
    with store.reading() as s:
        case = cases.get(s, accepted.number)
        assert case.status == "accepted" and case.accepted_on == date(2025, 11, 20)
        assert case.form_version == "passport-rf@1" and case.catalog_version == "store-test-1"
        assert case.fee_amount == Decimal(300) and case.fee_exempt_by is None
        assert case.intake_started_at is not None and case.intake_finished_at is not None
        assert (case.office_code, case.workstation_code, case.channel) == ("0101", "001", "window")
        rows = list(s.scalars(select(OutboxRow).order_by(OutboxRow.device_seq)))
        assert [(r.entity, r.op) for r in rows] == [("applicant", "create"), ("case", "create")]
        assert [r.device_seq for r in rows] == [1, 2]
        assert rows[1].payload["number"] == accepted.number and rows[1].payload["due_date"] == "2025-11-27"
        history = cases.case_view(s, case)["history"]
        assert [(h["from"], h["to"]) for h in history] == [("draft", "accepted")]
        assert case.applicant.full_name == "Соколова Анна Викторовна"
    assert accepted.changes.cases == {accepted.case_id} and len(accepted.changes.applicants) == 1


def test_fee_exemption_is_stored(store) -> None:
    accepted = accept_new(store, service="zags-duplicate", privileges=["wwii-veteran"])
    with store.reading() as s:
        case = cases.get(s, accepted.number)
        assert (case.fee_amount, case.fee_full_amount, case.fee_exempt_by) == (Decimal(0), Decimal(350),
                                                                               "wwii-veteran")
        assert case.due_date == date(2025, 12, 4)  # 10 working days
        assert applicants.get(s, case.applicant_id).privileges == ["wwii-veteran"]


def test_invalid_answers_are_refused_with_field_names_and_nothing_saved(store) -> None:
    bad = passport_answers(birth_date="2019-01-01", phone="12345")
    with store.unit_of_work() as s:
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="ivanova",
                                        now=store.now(), answers=bad, documents=PASSPORT_DOCS)
    before = _counts(store)
    with pytest.raises(ValidationFailed) as info, store.unit_of_work() as s:
        cases.accept(s, case_id, catalogs=catalog(), actor="ivanova", now=store.now())
    texts = " | ".join(info.value.texts)
    assert "Дата рождения" in texts and "Контактный телефон" in texts
    assert info.value.user_message.startswith("Заявление не принято")
    assert _counts(store) == before
    with store.reading() as s:
        case = s.get(Case, case_id)
        assert case.status == "draft" and case.number is None and case.answers == json.loads(dumps(bad))
        assert s.scalar(select(func.count()).select_from(Applicant)) == 0


def test_missing_documents_are_a_validation_error(store) -> None:
    with pytest.raises(ValidationFailed, match="Документы"):
        accept_new(store, documents=[{"doc": "photo-35x45", "originals": 2}])


def test_unconfigured_workstation_cannot_accept(tmp_path, clock) -> None:
    from workstation.core import keys
    from workstation.core.database import open_store

    store = open_store(tmp_path / "data", clock=clock)
    try:
        with pytest.raises(NotConfigured, match="store configure"):
            accept_new(store)
    finally:
        store.close()
        keys.forget_key(tmp_path / "data")


def test_applicant_is_reused_and_keeps_passport_history(store, clock) -> None:
    first = accept_new(store, service="zags-duplicate")
    clock.advance(days=40)
    new_passport = dict(zags_answers()["identity"], series="4525", number="111222", issue_date="2025-11-01")
    second = accept_new(store, service="zags-duplicate", answers=zags_answers(identity=new_passport,
                                                                               phone="+7 903 000-11-22"))
    with store.reading() as s:
        a = cases.get(s, first.number).applicant_id
        assert cases.get(s, second.number).applicant_id == a  # same СНИЛС: same person
        card = applicants.get(s, a)
        assert card.phone == "+79030001122" and card.version == 2
        docs = applicants.identity_documents(s, a)
        assert [(d.number, d.current) for d in docs] == [("654321", False), ("111222", True)]
        assert docs[0].superseded_at is not None
        ops = [(r.entity, r.op) for r in outbox.pending(s)]
        assert ops == [("applicant", "create"), ("case", "create"), ("applicant", "update"), ("case", "create")]


def _utc(payload_docs: list[dict]) -> list[dict]:
    """Documents with `superseded_at` as instants (the one superseded now is in local time)."""
    return [{**d, "superseded_at": d["superseded_at"] and datetime.fromisoformat(d["superseded_at"])}
            for d in payload_docs]


def test_a_returning_applicants_update_sends_the_card_as_stored(store, clock) -> None:
    first = accept_new(store, service="zags-duplicate")
    clock.advance(days=40)
    new_passport = dict(zags_answers()["identity"], series="4525", number="111222", issue_date="2025-11-01")
    accept_new(store, service="zags-duplicate", answers=zags_answers(identity=new_passport, phone="+7 903 000-11-22",
                                                                     email="new@example.ru"))
    with store.reading() as s:
        a = cases.get(s, first.number).applicant_id
        sent = [r for r in outbox.pending(s) if r.entity == "applicant"][-1]
        stored = applicants.applicant_payload(s, applicants.get(s, a))
    assert sent.op == "update" and sent.base_version is None
    assert {**sent.payload, "documents": None} == {**stored, "documents": None}
    assert _utc(sent.payload["documents"]) == _utc(stored["documents"])
    assert stored["version"] == 2 and stored["email"] == "new@example.ru"


def test_a_card_is_indexed_again_only_when_its_searched_text_changes(store, clock, monkeypatch) -> None:
    accept_new(store, service="zags-duplicate")
    written: list[list] = []
    real = search.write_index
    monkeypatch.setattr(search, "write_index", lambda s, rows, **kw: (written.append(list(rows)), real(s, rows, **kw)))
    accept_new(store, service="zags-duplicate", answers=zags_answers(email="new@example.ru"))
    assert written == []  # the e-mail is not searched: the indexes keep their entry
    accept_new(store, service="zags-duplicate", answers=zags_answers(phone="+7 903 000-11-22"))
    assert len(written) == 1
    with store.reading() as s:
        assert [h.full_name for h in search.search(s, "903 000-11-22").applicants] == ["Королёв Пётр Ильич"]
        assert search.search(s, "8 (903) 555-12-34").applicants == ()  # the old phone is gone from the index
        card = applicants.get(s, search.search(s, "Королёв").applicants[0].id)
        assert card.version == 3 and card.email == "new@example.ru"


def test_outbox_sequence_has_no_gaps_after_refusals(store) -> None:
    accept_new(store)
    with pytest.raises(ValidationFailed):
        accept_new(store, answers=passport_answers(birth_date="2015-01-01"))  # under 14
    number = accept_new(store).number
    with pytest.raises(TransitionRefused):
        _move(store, number, Status.ISSUED)
    _move(store, number, Status.SENT)
    with store.reading() as s:
        seqs = [r.device_seq for r in outbox.pending(s)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_drafts_discard_view_and_print_are_audited(store) -> None:
    with store.unit_of_work() as s:
        draft_id, changes = cases.start_intake(s, catalog=catalog(), service_id="passport-rf",
                                               specialist="petrov", now=store.now())
    assert changes.cases == {draft_id}
    with store.reading() as s:
        assert [c.id for c in cases.drafts(s, specialist="petrov")] == [draft_id]
    with store.unit_of_work() as s:
        cases.discard_draft(s, draft_id, actor="petrov", now=store.now())
    number = accept_new(store).number
    with store.unit_of_work() as s:
        case = cases.open_case(s, number, actor="petrov", now=store.now())
        cases.record_print(s, number, actor="petrov", document="receipt", now=store.now())
    with store.reading() as s:
        assert s.get(Case, draft_id) is None
        actions = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.entity_id == case.id))]
        assert actions == ["create", "status", "view", "print"]
        assert not s.scalars(select(OutboxRow).where(OutboxRow.entity_id == draft_id)).first()
