"""The application (заявление) of one case, as the applicant signs it at the window.

A4, serif 12 pt, 8 pt captions under the lines, left margin 25 mm: top right «В» + the
agency and «от» + the applicant's name in the genitive with contacts; the centred title
«ЗАЯВЛЕНИЕ» and the service's subject («о …»); the numbered sections of the form with only
the fields relevant to this case; how to notify; the statement of responsibility and the
consent to personal-data processing; the presented documents; date and signature with its
«расшифровка»; the specialist's block with the registration number. Every page carries the
case number and «Лист N из M» at the bottom, so loose sheets find their case.

A service whose official form has a fixed layout says so in the catalog (`layout: a5-card`
for form 1П); `render_application` picks that layout by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from forms.model import Catalog
from printing import fonts
from printing import texts as t
from printing import values as v
from printing.case_form import CaseForm, open_case_form
from printing.case_view import CaseView
from printing.declension import genitive
from printing.form_rows import FormRows, visible_sections
from printing.layout import A4_SPEC, Flow, Footer, Meta, Op, PageSpec, Rows, Style, paint_pdf
from printing.sign_off import (
    applicant_signature,
    attached,
    contact_email,
    contact_phone,
    notification,
    specialist_block,
    statements,
)

A4_STYLE = Style()
FOOTER_HEIGHT = 9 * mm


@dataclass(frozen=True, slots=True)
class Laid:
    """A laid-out paper: its pages' operations, ready to paint (or to inspect in a test)."""

    pages: list[list[Op]]
    spec: PageSpec
    meta: Meta

    def pdf(self) -> bytes:
        return paint_pdf(self.pages, self.spec, self.meta)


def render_application(catalog: Catalog, case: CaseView) -> bytes:
    """The application of `case` as PDF bytes.

    `catalog` must be the catalog version the case was filled with (see
    `printing.case_form.catalog_for`); another version raises `VersionMismatch`.
    """
    return layout_application(catalog, case).pdf()


def layout_application(catalog: Catalog, case: CaseView) -> Laid:
    form = open_case_form(catalog, case)
    if form.service.layout == "a5-card":
        from printing.a5_card import layout_card

        return layout_card(catalog, form)
    return _layout_standard(catalog, form)


def page_footer(spec: PageSpec, case: CaseView, size: float = 7.5) -> Footer:
    """Case number and form version at the left, «Лист N из M» at the right, under a thin rule."""

    def footer(page: int, total: int) -> list[Op]:
        y = spec.bottom + 1
        left = f"{t.CASE_NUMBER.format(number=case.number)} · " + t.FORM_VERSION.format(
            form=case.form_version or case.service_id, catalog=case.catalog_version)
        return [
            ("line", spec.left, y + size + 3, spec.width - spec.right, y + size + 3, 0.3, None),
            ("text", spec.left, y, left, fonts.SANS, size),
            ("rtext", spec.width - spec.right, y, t.PAGE_OF.format(page=page, total=total), fonts.SANS, size),
        ]

    return footer


def meta_for(case: CaseView, title: str, service_title: str) -> Meta:
    return Meta(title=f"{title} № {case.number}", subject=service_title, author=case.office.name,
                keywords=case.number)


def addressee_block(r: Rows, catalog: Catalog, form: CaseForm, *, x: float) -> list:
    """Top right: «В …», «от …» in the genitive, the applicant's address and contacts."""
    case, service = form.case, form.service
    agency = catalog.agencies.get(service.agency)
    width = r.width - x
    rows = r.field(t.TO, agency.addressee if agency else "", x=x, width=width, min_value_share=0.5)
    applicant = genitive(case.applicant)
    rows += r.field(t.FROM, applicant, x=x, width=width, caption=f"({t.APPLICANT_CAPTION})",
                    min_value_share=0.5)
    address = v.address_text(case.answers.get("address")) if isinstance(case.answers.get("address"), dict) \
        else ""
    if address:
        rows += r.field(f"{t.ADDRESS}:", address, x=x, width=width, min_value_share=0.5)
    phone, email = contact_phone(case), contact_email(case)
    if phone:
        rows += r.field(f"{t.PHONE}:", phone, x=x, width=width, min_value_share=0.5)
    if email:
        rows += r.field(f"{t.EMAIL}:", email, x=x, width=width, min_value_share=0.5)
    for row in rows[:-1]:
        row.keep_with_next = True
    return rows


def _layout_standard(catalog: Catalog, form: CaseForm) -> Laid:
    case, service = form.case, form.service
    spec = A4_SPEC
    st = A4_STYLE
    flow = Flow(spec, footer=page_footer(spec, case), footer_height=FOOTER_HEIGHT)
    r = Rows(spec.frame_width, st)

    flow.add(addressee_block(r, catalog, form, x=spec.frame_width * 0.45))
    flow.add(r.space(16))
    flow.add(r.heading(t.APPLICATION_TITLE, size=14, align="center"))
    flow.add(r.heading(service.subject, align="center"))
    flow.add(r.space(10))

    body = FormRows(r, catalog, form)
    for n, (section, fields) in enumerate(visible_sections(form), start=1):
        flow.add(r.space(6))
        flow.add(r.heading(f"{n}. {section.title}"))
        for m, f in enumerate(fields, start=1):
            body.add_field(flow, f, f"{n}.{m}.")

    flow.add(r.space(10))
    flow.add(notification(r, case, service.notification))
    flow.add(r.space(8))
    flow.add(statements(r))
    flow.add(r.space(8))
    flow.add(attached(r, catalog, case))
    flow.add(r.space(14))
    flow.add(applicant_signature(r, case))
    flow.add(r.space(14))
    flow.add(specialist_block(r, case))
    return Laid(flow.finish(), spec, meta_for(case, t.APPLICATION_TITLE.capitalize(), service.title))
