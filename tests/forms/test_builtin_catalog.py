"""The catalog that ships in the wheel: complete enough to serve a real window."""

from __future__ import annotations

from datetime import date

import pytest

from forms.compiler import compile_folder
from forms.engine import evaluate_case, example_answers, example_context
from forms.loader import builtin_folder
from forms.model import Catalog, FieldKind
from forms.service_search import build_index, search_services

TODAY = date(2026, 11, 21)

# The most demanded services the issue names, by the ids the catalog uses.
REQUIRED_SERVICES = {
    "residence-registration", "residence-deregistration", "stay-registration", "passport-rf",
    "foreign-passport-5y", "foreign-passport-10y", "rosreestr-registration", "egrn-extract", "social-card",
    "birth-registration", "death-registration", "divorce-registration", "zags-duplicate", "inn-certificate",
    "ndfl-3", "driving-licence-exchange", "international-driving-licence", "vehicle-registration",
    "child-allowance-0-3", "child-allowance-3-7", "child-allowance-8-18", "targeted-social-aid",
    "oms-territory-change", "svo-certificate", "citizenship-confirmation", "bankruptcy-out-of-court",
    "apostille", "consular-legalisation", "education-document-confirmation", "electronic-duplicate",
    "paper-copy-of-electronic", "military-registration", "veterans-phone-benefit",
    "city-payments-certificate", "federal-payments-certificate", "generic-application",
}
SITUATIONS = {"birth", "large-family", "inheritance", "name-change", "housing-purchase", "moving", "motorist",
              "lost-documents", "taxes"}
# DOMAIN.md: offered only in flagships and the Palace.
FLAGSHIP_ONLY = {"vehicle-registration", "apostille", "consular-legalisation", "bankruptcy-out-of-court",
                 "education-document-confirmation", "electronic-duplicate"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    result = compile_folder(builtin_folder())
    assert result.ok, "\n".join(map(str, result.errors))
    assert result.catalog is not None
    return result.catalog


def test_at_least_forty_real_services(catalog: Catalog) -> None:
    assert len(catalog.services) >= 40
    assert REQUIRED_SERVICES - set(catalog.services) == set()


def test_examples_do_not_expire(catalog: Catalog) -> None:
    """Compiling years later still accepts the examples: they are checked as of `published`."""
    assert catalog.published == date(2026, 11, 21)


def test_every_example_validates(catalog: Catalog) -> None:
    failures = {}
    for service in catalog.services.values():
        result = evaluate_case(catalog, service.id, example_answers(service), example_context(catalog, service))
        if not result.ok:
            failures[service.id] = [i.text for i in result.errors]
    assert failures == {}


def test_every_field_kind_is_used(catalog: Catalog) -> None:
    used = set()
    for service in catalog.services.values():
        for f in service.fields:
            used.add(f.kind)
            used.update(sub.kind for sub in f.fields)
    assert used == set(FieldKind)


def test_nine_life_situations(catalog: Catalog) -> None:
    assert set(catalog.situations) == SITUATIONS
    for situation in catalog.situations.values():
        assert len(situation.services) >= 2, situation.id
        assert "applicant" in catalog.shared_fields(situation.id)


def test_flagship_only_services(catalog: Catalog) -> None:
    for service_id in FLAGSHIP_ONLY:
        assert "district" not in catalog.services[service_id].availability.office_types, service_id


def test_registration_is_not_extraterritorial(catalog: Catalog) -> None:
    # The seeds: residence and stay registration are tied to the place of residence.
    for service_id in ("residence-registration", "stay-registration"):
        assert catalog.services[service_id].availability.extraterritorial is False


def test_home_visit_services(catalog: Catalog) -> None:
    for service_id in ("social-card", "veterans-phone-benefit", "city-payments-certificate"):
        assert catalog.services[service_id].availability.home_visit, service_id


def test_generic_application_exists(catalog: Catalog) -> None:
    generic = [s for s in catalog.services.values() if s.generic]
    assert [s.id for s in generic] == ["generic-application"]


def test_every_service_has_deadline_and_keywords(catalog: Catalog) -> None:
    for service in catalog.services.values():
        assert service.deadline, service.id
        assert service.keywords, service.id
        assert service.subject, service.id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("прописка", "residence-registration"),
        ("загран", {"foreign-passport-5y", "foreign-passport-10y"}),
        ("соцкарта", "social-card"),
        ("права", {"driving-licence-exchange", "international-driving-licence"}),
        ("выписка егрн", "egrn-extract"),
        ("3-ндфл", "ndfl-3"),
        ("пасморт", "passport-rf"),  # one typo
        ("регистрацыя по месту жительства", "residence-registration"),  # one typo
        ("свидетельство о рождении", "birth-registration"),
        ("апостиль", "apostille"),
        ("банкротство", "bankruptcy-out-of-court"),
        ("полис омс", "oms-territory-change"),
    ],
)
def test_everyday_search(catalog: Catalog, query: str, expected: str | set[str]) -> None:
    found = search_services(build_index(catalog), catalog, query)
    assert found, query
    wanted = {expected} if isinstance(expected, str) else expected
    assert found[0].service_id in wanted, [f.service_id for f in found[:5]]


def test_search_ranks_the_offices_frequent_services_first(catalog: Catalog) -> None:
    """Among equally good text matches, the office's most used service comes first."""
    index = build_index(catalog)
    plain = search_services(index, catalog, "справка")
    top_score = plain[0].score
    tied = [f.service_id for f in plain if top_score - f.score < 0.1]  # comparable text matches
    assert len(tied) >= 2, [(f.service_id, f.score) for f in plain[:5]]
    favourite = tied[-1]
    boosted = search_services(index, catalog, "справка", usage={favourite: 300, tied[0]: 2})
    assert boosted[0].service_id == favourite
    # A frequent service that does not match at all is not dragged in.
    assert "passport-rf" not in {f.service_id for f in search_services(index, catalog, "справка",
                                                                        usage={"passport-rf": 10_000})}


def test_shared_fields_are_declared_alike_in_every_service(catalog: Catalog) -> None:
    for situation in catalog.situations.values():
        for fid in catalog.shared_fields(situation.id):
            shapes = {
                (f.kind, tuple(o.value for o in f.options))
                for sid in situation.services
                for f in catalog.services[sid].fields
                if f.id == fid
            }
            assert len(shapes) == 1, (situation.id, fid, shapes)
    # marital_status has different options in military registration: it is not typed once there.
    lost = catalog.situations["lost-documents"]
    if {"passport-rf", "military-registration"} <= set(lost.services):
        assert "marital_status" not in catalog.shared_fields("lost-documents")


def test_missing_documents_are_named_as_people_know_them(catalog: Catalog) -> None:
    service = catalog.services["passport-rf"]
    result = evaluate_case(catalog, "passport-rf", example_answers(service), example_context(catalog, service),
                           presented=[{"doc": "old-passport", "originals": 1}])
    assert "Документы: не представлен документ «Фотография 35×45 мм»" in [i.text for i in result.errors]


def test_same_day_deadline_reads_naturally() -> None:
    from forms.messages import deadline_text

    assert deadline_text("working_days", 0) == "в день обращения"
    assert deadline_text("working_days", 1) == "1 рабочий день"
    assert deadline_text("calendar_days", 3) == "3 календарных дня"
    assert deadline_text("months", 5) == "5 месяцев"
