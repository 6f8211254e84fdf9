"""From stored cases to what `printing` takes: `printing.case_view.CaseView`.

Printing is a pure function of (catalog, CaseView); this module is the only place that knows how
the store's rows map onto the papers: the applicant from the answers (the form as it was
filled), the specialist from the staff table, the office from the catalog's offices, the
notification contact from the answers, the bundle's other cases for a combined receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.model import Catalog
from printing.case_view import (
    CaseView,
    FeeView,
    IssuanceView,
    Notification,
    OfficeView,
    PersonName,
    Specialist,
    documents_from_rows,
)
from workstation.core.models import Bundle, Case, Staff

# Statuses in which a case has papers to print (a draft has none, a withdrawal keeps them).
PRINTABLE = frozenset({"accepted", "sent", "ready", "issued", "refused", "withdrawn", "returned"})
POSITION = "Специалист центра госуслуг"


def _person(full_name: str) -> PersonName:
    """«Иванова Мария Петровна»; a patronymic of several words («Гусейн оглы») stays whole."""
    parts = full_name.split()
    if not parts:
        return PersonName("")
    return PersonName(parts[0], parts[1] if len(parts) > 1 else "", " ".join(parts[2:]))


def _specialist(session: Session, login: str | None) -> Specialist:
    staff = session.scalar(select(Staff).where(Staff.login == login)) if login else None
    if staff is None:
        return Specialist(PersonName(login or ""), POSITION)
    return Specialist(_person(staff.full_name), POSITION)


def _office(catalog: Catalog, code: str | None) -> tuple[OfficeView, str | None]:
    office = catalog.offices.get(code or "")
    if office is None:
        return OfficeView(f"Центр госуслуг «Мои Документы» {code or ''}".strip()), None
    return OfficeView(office.name, office.address), office.type


def _notification(case: Case) -> Notification:
    method = case.notify_by or "none"
    contact = ""
    if method == "sms":
        contact = str(case.answers.get("phone") or (case.applicant.phone if case.applicant else "") or "")
    elif method == "email":
        contact = str(case.answers.get("email") or (case.applicant.email if case.applicant else "") or "")
    return Notification(method, contact)


def _applicant(case: Case) -> PersonName:
    answer = case.answers.get("applicant")
    if isinstance(answer, dict) and answer.get("surname"):
        return PersonName.from_answer(answer)
    if case.applicant is not None:
        a = case.applicant
        return PersonName(a.surname, a.name, a.patronymic or "", a.sex)
    return PersonName("")


def _issuance(case: Case, catalog: Catalog, specialist: Specialist) -> IssuanceView | None:
    issued = [h for h in case.history if h.to_status == "issued"]
    if not issued:
        return None
    service = catalog.services.get(case.service_id)
    result = f"Результат предоставления услуги «{service.short_title if service else case.service_id}»"
    return IssuanceView(result=result, issued_at=issued[-1].at, issued_by=specialist)


def case_view(session: Session, case: Case, catalog: Catalog) -> CaseView:
    """The printable picture of one stored case, against the catalog it was filled with."""
    specialist = _specialist(session, case.specialist)
    office, office_type = _office(catalog, case.office_code)
    bundle_title = ""
    if case.bundle_id:
        bundle = session.get(Bundle, case.bundle_id)
        situation = catalog.situations.get(bundle.situation_id) if bundle else None
        bundle_title = situation.title if situation else ""
    return CaseView(
        number=case.number or "",
        service_id=case.service_id,
        catalog_version=case.catalog_version,
        form_version=case.form_version,
        accepted_at=case.accepted_at or datetime.now().astimezone(),
        applicant=_applicant(case),
        answers=case.answers,
        specialist=specialist,
        office=office,
        office_type=office_type,
        due_date=case.due_date,
        channel=case.channel,
        privileges=frozenset(str(p) for p in case.privileges or ()),
        documents=documents_from_rows(case.documents or []),
        fee=FeeView(case.fee_amount or Decimal(0), case.fee_exempt_by),
        notification=_notification(case),
        bundle_title=bundle_title,
        issuance=_issuance(case, catalog, specialist),
    )


def receipt_cases(session: Session, case: Case) -> Sequence[Case]:
    """The cases one receipt lists: the case, or every printable case of its life-situation bundle."""
    if not case.bundle_id:
        return [case]
    mates = session.scalars(
        select(Case).where(Case.bundle_id == case.bundle_id, Case.status.in_(PRINTABLE)).order_by(Case.number)
    ).all()
    return mates or [case]
