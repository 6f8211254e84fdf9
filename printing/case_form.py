"""The form a case was filled with, and what the form engine says about the case's answers.

An old case prints with the catalog version it was filled with: the caller resolves that
version (`catalog_for`, through `forms.versions.CatalogLibrary`) and passes the catalog in;
the printers refuse a catalog of another version rather than print a form the applicant never
saw. The engine is run again on the stored answers, with the acceptance day as "today", to
know which sections and fields were relevant (a field hidden by a condition is not printed),
the documents checklist and what the centre requests from agencies itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.engine import Context, FormResult, evaluate
from forms.model import Catalog, Service
from forms.versions import CatalogLibrary
from printing import texts as t
from printing.case_view import CaseView


class VersionMismatch(ValueError):
    """The catalog given is not the one the case was filled with (the message is Russian)."""


@dataclass(frozen=True, slots=True)
class CaseForm:
    case: CaseView
    service: Service
    result: FormResult


def catalog_for(case: CaseView, library: CatalogLibrary) -> Catalog:
    """The catalog version `case` was filled with (raises forms.versions.CatalogUnavailable)."""
    return library.get(case.catalog_version)


def service_for(catalog: Catalog, case: CaseView) -> Service:
    """The case's service in `catalog`, after checking the catalog and form versions match."""
    if case.catalog_version and catalog.version != case.catalog_version:
        raise VersionMismatch(t.WRONG_CATALOG.format(
            number=case.number, wanted=case.catalog_version, given=catalog.version))
    service = catalog.services.get(case.service_id)
    if service is None:
        raise VersionMismatch(t.UNKNOWN_SERVICE.format(
            catalog=catalog.version, service=case.service_id, number=case.number))
    if case.form_version and case.form_version != service.form_version:
        raise VersionMismatch(t.WRONG_FORM.format(
            number=case.number, wanted=case.form_version, catalog=catalog.version, given=service.form_version))
    return service


def open_case_form(catalog: Catalog, case: CaseView) -> CaseForm:
    service = service_for(catalog, case)
    ctx = Context(
        today=case.accepted_at.date(),
        office_type=case.office_type,
        channel=case.channel,
        privileges=case.privileges,
    )
    result = evaluate(service, case.answers, ctx, tariffs=catalog.tariffs)
    return CaseForm(case, service, result)
