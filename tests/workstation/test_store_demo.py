"""Generated demo cases: they validate, names agree with sex, identifiers carry valid check digits."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from storekit import CATALOG_DIR, catalog

from forms import identifiers as ids
from forms.engine import Context, evaluate_case
from forms.versions import CatalogLibrary
from workstation.__main__ import main
from workstation.cli.common import Session
from workstation.core import demo, keys, lifecycle, search
from workstation.core.ids import uuid7, uuid7_at, uuid7_time_ms
from workstation.core.models import Applicant, Case, DayCounter, StatusChange


def test_generated_cases_are_valid_and_realistic(store) -> None:
    report = demo.generate(store, catalog(), 300, seed=7, days=60)
    assert report.cases == 300 and 200 < report.applicants < 300  # some people come back
    with store.reading() as s:
        all_cases = list(s.scalars(select(Case)))
        people = {a.id: a for a in s.scalars(select(Applicant))}
        history: dict[str, list[StatusChange]] = {}
        for h in s.scalars(select(StatusChange).order_by(StatusChange.id)):
            history.setdefault(h.case_id, []).append(h)
        counters = {c.prefix: c.last for c in s.scalars(select(DayCounter))}
    assert {c.service_id for c in all_cases} == {"passport-rf", "zags-duplicate"}
    assert len({c.number for c in all_cases}) == 300
    for case in all_cases:
        result = evaluate_case(catalog(), case.service_id, case.answers,
                               Context(today=case.accepted_on, privileges=frozenset(case.privileges)),
                               presented=case.documents)
        assert result.ok, (case.service_id, [i.text for i in result.errors])
        chain = history[case.id]
        assert chain[0].from_status == "draft" and chain[-1].to_status == case.status
        for step in chain[1:]:
            assert lifecycle.allowed(step.from_status, step.to_status)
            assert (step.reason is not None) == (step.to_status in lifecycle.NEEDS_REASON)
        assert int(case.number[-4:]) <= counters[case.number[:15]]
    for person in people.values():
        assert ids.normalize_snils(person.snils) == person.snils
        assert ids.normalize_inn(person.inn) == person.inn
        assert ids.normalize_phone(person.phone) == person.phone
        if person.sex == "female":
            assert person.patronymic.endswith(("на", "ична")), person.full_name
            assert not person.surname.endswith(("ов", "ев", "ёв", "ин", "ский")), person.full_name
        else:
            assert person.patronymic.endswith("ич"), person.full_name
    some = next(iter(people.values()))
    with store.reading() as s:
        assert some.id in {a.id for a in search.search(s, f"{some.surname} {some.name}", limit=100).applicants}


def test_feminine_forms() -> None:
    assert [demo.feminine(s) for s in ("Иванов", "Королёв", "Ильин", "Островский", "Толстой", "Черных")] == [
        "Иванова", "Королёва", "Ильина", "Островская", "Толстая", "Черных"]


def test_demo_data_command(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    library = CatalogLibrary(tmp_path / "catalogs", builtin=CATALOG_DIR)
    monkeypatch.setattr(Session, "catalogs", property(lambda self: library))
    root = tmp_path / "data"
    try:
        assert main(["--data-dir", str(root), "demo-data", "--cases", "40", "--office", "0201",
                     "--workstation", "015"]) == 0
        assert "Создано дел: 40" in capsys.readouterr().out
        assert main(["--data-dir", str(root), "case", "list", "--json", "--limit", "0"]) == 0
        assert capsys.readouterr().out.count('"number": "0201-015-') == 40
    finally:
        keys.forget_key(root)


def test_uuid7_layout_and_order() -> None:
    made = [uuid7() for _ in range(2000)]
    assert made == sorted(made, key=lambda u: u.int) and len(set(made)) == 2000
    for u in made[:10]:
        assert u.version == 7 and u.variant == uuid.RFC_4122
    fixed = uuid7_at(1_700_000_000_123)
    assert uuid7_time_ms(fixed) == 1_700_000_000_123 and fixed.version == 7
