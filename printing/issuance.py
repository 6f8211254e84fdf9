"""The issuance slip (расписка в выдаче результата): the case number, the result handed over, the
date, who received it (the applicant or a representative with the basis of the authority)
and the two signatures. Two copies on one sheet, like the receipt: the applicant keeps one,
the other goes to the case file."""

from __future__ import annotations

from forms.model import Catalog
from printing import texts as t
from printing import values as v
from printing.application import Laid, meta_for
from printing.case_form import open_case_form
from printing.case_view import CaseView
from printing.layout import Flow, Rows, Segment
from printing.receipt import SLIP_SPEC, SLIP_STYLE, slip_head, two_copies


def render_issuance(catalog: Catalog, case: CaseView) -> bytes:
    """The issuance slip of `case` as PDF bytes; the case must carry its `issuance`."""
    return layout_issuance(catalog, case).pdf()


def layout_issuance(catalog: Catalog, case: CaseView) -> Laid:
    if case.issuance is None:
        raise ValueError(t.ISSUANCE_MISSING.format(number=case.number))
    form = open_case_form(catalog, case)
    title = t.ISSUANCE_TITLE.capitalize() + " " + t.ISSUANCE_SUBTITLE
    pages = two_copies(SLIP_SPEC, lambda flow, label: _pour(flow, case, form.service.title, label), case.number)
    return Laid(pages, SLIP_SPEC, meta_for(case, title, form.service.title))


def _pour(flow: Flow, case: CaseView, service_title: str, copy_label: str) -> None:
    issuance = case.issuance
    assert issuance is not None
    r = Rows(flow.width, SLIP_STYLE)
    label_w = r.width * 0.3
    flow.add([slip_head(r, case, t.ISSUANCE_TITLE, t.ISSUANCE_SUBTITLE, copy_label)])
    flow.add(r.space(5))
    flow.add(r.pair(f"{t.RECEIPT_APPLICANT}:", case.applicant.full, label_width=label_w, bold_value=True))
    flow.add(r.pair(f"{t.RECEIPT_SERVICE}:", service_title, label_width=label_w))
    flow.add(r.pair(f"{t.RECEIPT_ACCEPTED}:", v.format_datetime(case.accepted_at), label_width=label_w))
    flow.add(r.space(4))
    flow.add(r.pair(f"{t.ISSUANCE_RESULT}:", issuance.result, label_width=label_w, bold_value=True))
    flow.add(r.pair(f"{t.ISSUANCE_DATE}:", v.format_datetime(issuance.issued_at), label_width=label_w))
    recipient = issuance.recipient or case.applicant
    flow.add(r.pair(f"{t.ISSUANCE_RECIPIENT}:", recipient.full, label_width=label_w))
    if issuance.recipient is not None and issuance.basis:
        flow.add(r.pair(f"{t.ISSUANCE_BASIS}:", issuance.basis, label_width=label_w))
    flow.add(r.space(4))
    flow.add(r.paragraph(t.ISSUANCE_NO_CLAIMS))
    specialist = issuance.issued_by or case.specialist
    w = r.width
    for label, name, caption in (
        (t.ISSUANCE_ISSUED_BY, specialist.name.short, specialist.position or t.SIGNATURE),
        (t.ISSUANCE_RECEIVED, recipient.short, t.SIGNATURE),
    ):
        flow.add(r.space(8))
        flow.add(r.line_segments([
            Segment(0, w * 0.55, "", caption, prefix=f"{label}:"),
            Segment(w * 0.6, w * 0.4, name, t.SIGNATURE_DECODED),
        ]))
    flow.add(r.space(6))
    flow.add(r.paragraph(v.date_in_words(issuance.issued_at.date()), align="right"))
