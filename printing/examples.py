"""Example cases built from the catalog's own examples: for the docs' sample papers, the
benchmarks, the tests and a demo print, without a store.

The example answers of a service go through the form engine exactly as a real intake does
(fee, deadline, checklist on the acceptance day), and the documents the checklist asks the
applicant for are «presented», one sheet per page of an original and of a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from forms.engine import Context, calendar_for, due_date, evaluate, example_answers, example_privileges
from forms.model import Catalog
from printing.case_view import (
    CaseView,
    FeeView,
    Notification,
    OfficeView,
    PersonName,
    PresentedDocument,
    Specialist,
)

EXAMPLE_SPECIALIST = Specialist(PersonName("Петрова", "Мария", "Сергеевна", "female"), "ведущий специалист")
EXAMPLE_APPLICANT = PersonName("Иванов", "Иван", "Иванович", "male")
EXAMPLE_ACCEPTED = datetime(2026, 11, 20, 10, 15)


def example_case(
    catalog: Catalog,
    service_id: str,
    *,
    number: str = "0101-2026-000123",
    accepted_at: datetime | None = None,
    office_id: str | None = None,
    answers: dict | None = None,
    bundle_title: str = "",
) -> CaseView:
    service = catalog.services[service_id]
    accepted_at = accepted_at or EXAMPLE_ACCEPTED
    office = catalog.offices.get(office_id or "") or next(iter(catalog.offices.values()), None)
    privileges = example_privileges(service)
    ctx = Context(today=accepted_at.date(), office_type=office.type if office else None, privileges=privileges)
    raw = example_answers(service) if answers is None else answers
    result = evaluate(service, raw, ctx, tariffs=catalog.tariffs)
    clean = result.answers
    applicant = PersonName.from_answer(clean["applicant"]) if clean.get("applicant") else EXAMPLE_APPLICANT
    documents = tuple(
        PresentedDocument(
            doc=item.requirement.doc,
            originals=item.requirement.originals,
            originals_sheets=item.requirement.originals * 2 if item.requirement.originals else 0,
            copies=item.requirement.copies,
            copies_sheets=item.requirement.copies * 2 if item.requirement.copies else 0,
        )
        for item in result.checklist
        if item.required and not item.requirement.by_request
    )
    phone = clean.get("phone")
    if phone and "sms" in service.notification:
        notification = Notification("sms", str(phone))
    elif clean.get("email") and "email" in service.notification:
        notification = Notification("email", str(clean["email"]))
    else:
        notification = Notification()
    return CaseView(
        number=number,
        service_id=service.id,
        catalog_version=catalog.version,
        form_version=service.form_version,
        accepted_at=accepted_at,
        due_date=due_date(result.deadline, accepted_at.date(), calendar_for(catalog)),
        office_type=office.type if office else None,
        privileges=privileges,
        applicant=applicant,
        answers=clean,
        documents=documents,
        fee=FeeView(result.fee.amount, result.fee.exempt_by),
        notification=notification,
        specialist=EXAMPLE_SPECIALIST,
        office=OfficeView(office.name, office.address) if office else OfficeView("Центр госуслуг"),
        bundle_title=bundle_title,
    )


def example_bundle(catalog: Catalog, service_ids: Sequence[str], *, title: str, first_number: int = 123,
                   office_prefix: str = "0101-2026-") -> list[CaseView]:
    """Cases of one life-situation bundle: the same applicant, consecutive numbers."""
    cases = []
    applicant_answers: dict = {}
    for n, service_id in enumerate(service_ids):
        case = example_case(catalog, service_id, number=f"{office_prefix}{first_number + n:06d}",
                            bundle_title=title)
        if n == 0:
            applicant_answers = {"applicant": case.applicant}
        elif case.applicant != applicant_answers["applicant"]:
            case = _with_applicant(case, applicant_answers["applicant"])
        cases.append(case)
    return cases


def _with_applicant(case: CaseView, applicant: PersonName) -> CaseView:
    from dataclasses import replace

    return replace(case, applicant=applicant)
