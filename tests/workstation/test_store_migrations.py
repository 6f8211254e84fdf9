"""Schema upgrades: a store made by the first schema opens under the current one with its data intact."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from storekit import Clock

from workstation.core import cases, search
from workstation.core.database import current_revision, head_revision, open_database
from workstation.core.models import Base
from workstation.core.searchkeys import applicant_document

TS = "2025-11-20T07:00:00.000000+00:00"


def _fill_first_schema(conn) -> None:
    conn.execute(text("INSERT INTO device VALUES (1, 'dev-1', '0101', '001', 2, :ts)"), {"ts": TS})
    conn.execute(text(
        "INSERT INTO applicants (pk, id, surname, name, patronymic, sex, birth_date, snils, phone, privileges, "
        "created_at, updated_at, version, sync_state) VALUES (1, 'app-1', 'Ёлкина', 'Алёна', 'Петровна', "
        "'female', '1970-01-02', '11223344595', '+79161234567', '[]', :ts, :ts, 1, 'local')"), {"ts": TS})
    conn.execute(text(
        "INSERT INTO identity_documents (id, applicant_id, kind, series, number, current, created_at) "
        "VALUES ('doc-1', 'app-1', 'passport-rf', '4501', '246810', 1, :ts)"), {"ts": TS})
    conn.execute(text(
        "INSERT INTO cases (id, number, status, service_id, catalog_version, form_version, applicant_id, answers, "
        "documents, privileges, fee_amount, accepted_at, accepted_on, due_date, channel, created_at, updated_at, "
        "version, sync_state) VALUES ('case-1', '0101-001-251120-0001', 'accepted', 'passport-rf', 'store-test-1', "
        "'passport-rf@1', 'app-1', '{\"reason\": \"age45\"}', '[]', '[]', '300', :ts, '2025-11-20', '2025-11-27', "
        "'window', :ts, :ts, 2, 'local')"), {"ts": TS})
    conn.execute(text("INSERT INTO status_history (case_id, from_status, to_status, at, actor) "
                      "VALUES ('case-1', 'draft', 'accepted', :ts, 'ivanova')"), {"ts": TS})
    conn.execute(text("INSERT INTO outbox (id, device_seq, entity, entity_id, op, payload, created_at) "
                      "VALUES ('o-1', 1, 'applicant', 'app-1', 'create', '{}', :ts), "
                      "('o-2', 2, 'case', 'case-1', 'create', '{}', :ts)"), {"ts": TS})
    conn.execute(text("INSERT INTO day_counters VALUES ('0101-001-251120', 1)"))


def test_first_schema_upgrades_with_data_intact(tmp_path: Path) -> None:
    key = os.urandom(32)
    db = tmp_path / "store.db"
    old = open_database(db, key, clock=Clock(), target_revision="0001")
    try:
        assert current_revision(old.engine) == "0001"
        with old.engine.begin() as conn:
            _fill_first_schema(conn)
    finally:
        old.close()

    store = open_database(db, key, clock=Clock())
    try:
        assert current_revision(store.engine) == head_revision() == "0004"
        assert list(tmp_path.glob("store.db.before-0001-*")), "the old file is copied aside before upgrading"
        with store.reading() as s:
            case = cases.get(s, "0101-001-251120-0001")
            assert case.answers == {"reason": "age45"} and str(case.fee_amount) == "300"
            assert case.conflict is False and case.assigned_to is None and case.conflict_data is None
            view = cases.case_view(s, case)
            assert view["applicant"]["surname"] == "Ёлкина" and view["history"][0]["actor"] == "ivanova"
            # the new search index was filled from the rows already there
            for query in ("елкина алена", "Ёлкина", "4501 246810", "112-233-445 95", "8 916 123-45-67"):
                assert [a.id for a in search.search(s, query).applicants] == ["app-1"], query
            assert s.execute(text("SELECT max(device_seq) FROM outbox")).scalar() == 2
        # and the store carries on from where the old one stopped
        from storekit import accept_new

        accepted = accept_new(store)
        assert accepted.number == "0101-001-251120-0002"
        with store.reading() as s:
            assert s.execute(text("SELECT max(device_seq) FROM outbox")).scalar() == 4
    finally:
        store.close()


def test_models_describe_the_head_schema(tmp_path: Path) -> None:
    store = open_database(tmp_path / "store.db", os.urandom(32), clock=Clock())
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        store.close()

    def relevant(item: object) -> bool:
        name = ""
        if isinstance(item, tuple) and len(item) > 1:
            obj = item[1] if item[0] in ("add_table", "remove_table") else None
            name = getattr(obj, "name", "") or ""
        return not name.startswith(("applicant_search", "applicant_words"))

    assert [d for d in diff if relevant(d)] == []


def _index_sql(store, name: str) -> str | None:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"),
                            {"n": name}).scalar()


def _automerge(store, table: str) -> int | None:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT v FROM {table}_config WHERE k = 'automerge'")).scalar()


def test_revision_0004_keeps_the_data_and_lightens_acceptance(tmp_path: Path) -> None:
    """0003 → 0004: no automatic FTS merges inside commits, no phone index, drafts out of two indexes."""
    key = os.urandom(32)
    db = tmp_path / "store.db"
    clock = Clock()
    old = open_database(db, key, clock=clock, target_revision="0003")
    try:
        with old.engine.begin() as conn:
            _fill_first_schema(conn)
            conn.execute(text(  # a draft: no number, no day, no applicant yet
                "INSERT INTO cases (id, status, service_id, catalog_version, form_version, answers, documents, "
                "privileges, channel, created_at, updated_at, version, sync_state, conflict) VALUES ('draft-1', "
                "'draft', 'passport-rf', 'store-test-1', 'passport-rf@1', '{}', '[]', '[]', 'window', :ts, :ts, 1, "
                "'local', 0)"), {"ts": TS})
        with old.unit_of_work() as s:  # as revision 0002 filled the search indexes
            search.write_index(s, [(1, applicant_document(surname="Ёлкина", name="Алёна", patronymic="Петровна",
                                                          snils="11223344595", phone="+79161234567",
                                                          passports=(("4501", "246810"),)))], replace=False)
        assert _automerge(old, "applicant_words") is None  # FTS5's default: merge inside commits
        assert _index_sql(old, "ix_applicants_phone") is not None
    finally:
        old.close()

    store = open_database(db, key, clock=clock)
    try:
        assert current_revision(store.engine) == head_revision() == "0004"
        assert list(tmp_path.glob("store.db.before-0003-*")), "the old file is copied aside before upgrading"
        assert _automerge(store, "applicant_words") == _automerge(store, "applicant_search") == 0
        assert _index_sql(store, "ix_applicants_phone") is None
        assert "WHERE accepted_on IS NOT NULL" in (_index_sql(store, "ix_cases_accepted_on") or "")
        assert "WHERE applicant_id IS NOT NULL" in (_index_sql(store, "ix_cases_applicant") or "")
        with store.reading() as s:
            case = cases.get(s, "0101-001-251120-0001")
            assert case.answers == {"reason": "age45"} and case.applicant_id == "app-1"
            assert cases.case_view(s, case)["applicant"]["phone"] == "+79161234567"
            assert [c.id for c in cases.drafts(s)] == ["draft-1"]
            assert [c.id for c in cases.list_cases(s, day=date(2025, 11, 20))] == ["case-1"]
            for query in ("елкина алена", "4501 246810", "8 916 123-45-67", "1234567"):  # the phone still finds her
                assert [a.id for a in search.search(s, query).applicants] == ["app-1"], query
                assert [c.id for c in search.search(s, query).cases] == ["case-1"], query
            plan = " ".join(str(r[-1]) for r in s.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM cases WHERE applicant_id IN ('app-1', 'x') AND status != 'draft' "
                "ORDER BY accepted_at DESC")))
            assert "ix_cases_applicant" in plan  # the partial index still serves the search's case list
        from storekit import accept_new

        accepted = accept_new(store)
        assert accepted.number == "0101-001-251120-0002"
        with store.reading() as s:
            assert [a.id for a in search.search(s, "Соколова").applicants] != []
            assert s.execute(text("SELECT max(device_seq) FROM outbox")).scalar() == 4
    finally:
        store.close()
