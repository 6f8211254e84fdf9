"""The receipt for documents (расписка в получении документов), in two copies.

One receipt covers one visit: a single case, or every case of a life-situation bundle (the
services listed one by one, with their numbers, due dates and fees). It shows the centre,
the case number as text, QR code and Code 128 barcode, the date and time, the applicant, the
service(s), the table of documents received (originals and copies: copies and sheets), what
the centre requests from agencies itself, the fee, the date the result is ready and how the
applicant will be told, and the two signatures.

The copy for the applicant and the copy for the centre share one A4 sheet, split by a cut
line, when a copy fits in half a page; otherwise each copy takes its own page(s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.lib.units import mm

from forms.messages import deadline_text
from forms.model import Catalog
from printing import fonts
from printing import texts as t
from printing import values as v
from printing.application import Laid, meta_for
from printing.case_form import CaseForm, open_case_form
from printing.case_view import CaseView
from printing.codes import draw_code128, draw_qr
from printing.layout import Cell, Column, Flow, Footer, Op, PageSpec, Row, Rows, Segment, Style, side_by_side, stack

SLIP_SPEC = PageSpec(210 * mm, 297 * mm, left=20 * mm, right=10 * mm, top=10 * mm, bottom=10 * mm)
SLIP_STYLE = Style(size=9.5, leading=13.5, para_leading=11.8, caption_size=6.5)
QR_SIZE = 24 * mm
CUT_GAP = 7 * mm  # free band around the cut line
FOOTER_HEIGHT = 6 * mm


def render_receipt(catalog: Catalog, cases: Sequence[CaseView]) -> bytes:
    """The receipt of one visit as PDF bytes: one case, or every case of a bundle.

    `catalog` must be the version the cases were filled with (cases of one visit share it).
    """
    return layout_receipt(catalog, cases).pdf()


def layout_receipt(catalog: Catalog, cases: Sequence[CaseView]) -> Laid:
    if not cases:
        raise ValueError(t.EMPTY_BUNDLE)
    forms = [open_case_form(catalog, case) for case in cases]
    first = cases[0]
    title = t.RECEIPT_TITLE.capitalize() + " " + t.RECEIPT_SUBTITLE
    service_title = first.bundle_title or forms[0].service.title
    pages = two_copies(SLIP_SPEC, lambda flow, label: _pour(flow, catalog, forms, label), first.number)
    return Laid(pages, SLIP_SPEC, meta_for(first, title, service_title))


# --- two copies on a sheet -----------------------------------------------------------------


def two_copies(spec: PageSpec, pour: Callable[[Flow, str], None], number: str) -> list[list[Op]]:
    """Lay out a slip twice (for the applicant, for the centre): both on one sheet split by a cut
    line when one copy fits in half a page, else each copy on pages of its own."""
    half = spec.height / 2
    top = Flow(spec, frame=(spec.height - spec.top, half + CUT_GAP / 2))
    pour(top, t.COPY_FOR_APPLICANT)
    if top.page_count == 1:
        bottom = Flow(spec, frame=(half - CUT_GAP / 2, spec.bottom))
        pour(bottom, t.COPY_FOR_CENTRE)
        page = top.finish()[0] + bottom.finish()[0] + _cut_line(spec)
        return [page]
    pages: list[list[Op]] = []
    for label in (t.COPY_FOR_APPLICANT, t.COPY_FOR_CENTRE):
        flow = Flow(spec, footer=_slip_footer(spec, number, label), footer_height=FOOTER_HEIGHT)
        pour(flow, label)
        pages.extend(flow.finish())
    return pages


def _cut_line(spec: PageSpec) -> list[Op]:
    y = spec.height / 2
    label = f"✂ {t.CUT_LINE}"
    mid = spec.width / 2
    w = 50
    return [
        ("line", 8 * mm, y, mid - w, y, 0.4, ((3, 2), 0)),
        ("line", mid + w, y, spec.width - 8 * mm, y, 0.4, ((3, 2), 0)),
        ("ctext", mid, y - 2, label, fonts.SANS, 6.5),
    ]


def _slip_footer(spec: PageSpec, number: str, label: str) -> Footer:
    def footer(page: int, total: int) -> list[Op]:
        y = spec.bottom + 1
        return [
            ("text", spec.left, y, f"{t.CASE_NUMBER.format(number=number)} · {label}", fonts.SANS, 7),
            ("rtext", spec.width - spec.right, y, t.PAGE_OF.format(page=page, total=total), fonts.SANS, 7),
        ]

    return footer


# --- one copy ------------------------------------------------------------------------------


def slip_head(r: Rows, case: CaseView, title: str, subtitle: str, copy_label: str) -> Row:
    """Centre and title at the left with the number and its barcode; the QR code at the right."""
    st = r.style
    left_w = r.width - QR_SIZE - 6 * mm
    left = Rows(left_w, st)
    number = case.number
    column = left.paragraph(t.MFC_NAME, size=7.5)
    office = case.office.name + (f", {case.office.address}" if case.office.address else "")
    column += left.paragraph(office, size=7.5)
    column += left.space(4)
    column += left.paragraph(title, font=st.bold, size=12)
    column += left.paragraph(subtitle, font=st.bold, size=10)
    column += left.space(2)
    column += left.paragraph(t.CASE_NUMBER.format(number=number), font=st.bold, size=12)
    bar_w = min(left_w, 62 * mm)
    column.append(Row(11 * mm, [("draw", 0, 1.5, bar_w, 9 * mm,
                                 lambda c, x, y, w, h: draw_code128(c, x, y, w, h, number))]))
    qr_x = r.width - QR_SIZE
    qr = Row(QR_SIZE, [("draw", qr_x, 0, QR_SIZE, QR_SIZE, lambda c, x, y, w, h: draw_qr(c, x, y, w, number))])
    label = Row(10, [("rtext", r.width, 7, copy_label, fonts.SANS_BOLD, 7)])
    return stack([label, side_by_side(stack(column), qr)])


def _pour(flow: Flow, catalog: Catalog, forms: Sequence[CaseForm], copy_label: str) -> None:
    r = Rows(flow.width, SLIP_STYLE)
    cases = [f.case for f in forms]
    first = cases[0]
    label_w = r.width * 0.3
    flow.add([slip_head(r, first, t.RECEIPT_TITLE, t.RECEIPT_SUBTITLE, copy_label)])
    flow.add(r.space(5))
    flow.add(r.pair(f"{t.RECEIPT_ACCEPTED}:", v.format_datetime(first.accepted_at), label_width=label_w))
    flow.add(r.pair(f"{t.RECEIPT_APPLICANT}:", first.applicant.full, label_width=label_w, bold_value=True))
    if len(forms) == 1:
        form = forms[0]
        flow.add(r.pair(f"{t.RECEIPT_SERVICE}:", form.service.title, label_width=label_w))
    else:
        _services_table(flow, r, forms)
    flow.add(r.space(5))
    _documents_table(flow, r, catalog, forms)
    requested = _requested(catalog, forms)
    if requested:
        flow.add(r.space(2))
        flow.add(r.paragraph(t.RECEIPT_BY_REQUEST, size=8.5))
        flow.add(r.paragraph("; ".join(requested) + ".", size=8.5, x=8))
    flow.add(r.space(3))
    if len(forms) == 1:
        flow.add(r.pair(f"{t.RECEIPT_FEE}:", _fee_text(catalog, first), label_width=label_w))
        flow.add(r.pair(f"{t.RECEIPT_DUE}:", _due_text(forms[0]), label_width=label_w, bold_value=True))
    else:
        total = sum((c.fee.amount for c in cases), Decimal(0))
        flow.add(r.pair(f"{t.RECEIPT_FEE_TOTAL}:", v.format_money(total) if total else t.RECEIPT_FEE_NONE,
                        label_width=label_w))
    flow.add(r.pair(f"{t.RECEIPT_NOTIFY}:", _notify_text(first), label_width=label_w))
    flow.add(r.paragraph(t.RECEIPT_PICKUP, size=7.5))
    w = r.width
    for label, name, caption in (
        (t.RECEIPT_ACCEPTED_BY, first.specialist.name.short, first.specialist.position or t.SIGNATURE),
        (t.RECEIPT_RECEIVED_BY, first.applicant.short, t.SIGNATURE),
    ):
        flow.add(r.space(6))
        flow.add(r.line_segments([
            Segment(0, w * 0.5, "", caption, prefix=f"{label}:"),
            Segment(w * 0.55, w * 0.45, name, t.SIGNATURE_DECODED),
        ]))


def _services_table(flow: Flow, r: Rows, forms: Sequence[CaseForm]) -> None:
    first = forms[0].case
    flow.add(r.paragraph(t.RECEIPT_BUNDLE.format(title=first.bundle_title), font=r.style.bold))
    columns = [Column(5, "center"), Column(19), Column(46), Column(15, "center"), Column(15, "right")]
    size = 8.5
    head = r.table_row(columns, [Cell(x, align="center") for x in t.RECEIPT_SERVICES_HEAD], size=size)
    body = []
    for n, form in enumerate(forms, start=1):
        case = form.case
        fee = v.format_money(case.fee.amount, currency=False) if case.fee.amount else t.NONE_DASH
        due = v.format_date(case.due_date) if case.due_date else t.NONE_DASH
        body += r.table_row(columns, [str(n), case.number, form.service.title, due, fee], size=size)
    flow.add(body, header=head)


def _documents_table(flow: Flow, r: Rows, catalog: Catalog, forms: Sequence[CaseForm]) -> None:
    flow.add(r.paragraph(t.RECEIPT_DOCS, font=r.style.bold))
    columns = [Column(5, "center"), Column(55), Column(10, "center"), Column(10, "center"),
               Column(10, "center"), Column(10, "center")]
    size = 8.5
    no, name, originals, copies = t.RECEIPT_DOC_HEAD
    head = [r.header_two_levels(
        columns,
        [Cell(no), Cell(name), Cell(originals, span=2), Cell(copies, span=2)],
        [None, None, *t.RECEIPT_DOC_SUBHEAD],
        size=size,
    )]
    body: list[Row] = []
    n = 0
    totals = [0, 0, 0, 0]
    for form in forms:
        if len(forms) > 1:
            body += r.table_row(columns, [Cell(f"{form.case.number} — {form.service.short_title}", span=6,
                                               bold=True)], size=size)
        for doc in form.case.documents:
            n += 1
            counts = (doc.originals, doc.originals_sheets, doc.copies, doc.copies_sheets)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            body += r.table_row(columns, [str(n), doc.title or v.document_name(catalog, doc.doc)] +
                                [str(c) if c else t.NONE_DASH for c in counts], size=size)
    if not n:
        body += r.table_row(columns, ["", t.ATTACHED_NONE, "", "", "", ""], size=size)
    else:
        body += r.table_row(columns, [Cell(""), Cell(t.RECEIPT_TOTAL, align="right", bold=True)] +
                            [Cell(str(c) if c else t.NONE_DASH, bold=True) for c in totals], size=size)
    flow.add(body, header=head)


def _requested(catalog: Catalog, forms: Sequence[CaseForm]) -> list[str]:
    """What the centre asks other agencies for itself (checklist items marked by_request)."""
    seen: list[str] = []
    for form in forms:
        for item in form.result.checklist:
            if item.requirement.by_request:
                name = v.document_name(catalog, item.requirement.doc)
                if name not in seen:
                    seen.append(name)
    return seen


def _fee_text(catalog: Catalog, case: CaseView) -> str:
    if case.fee.exemption:
        category = catalog.categories.get(case.fee.exemption)
        return t.RECEIPT_FEE_EXEMPT.format(reason=category.name if category else case.fee.exemption)
    if not case.fee.amount:
        return t.RECEIPT_FEE_NONE
    return v.format_money(case.fee.amount)


def _due_text(form: CaseForm) -> str:
    case = form.case
    deadline = form.result.deadline
    term = t.RECEIPT_DUE_TERM.format(term=deadline_text(deadline.unit, deadline.amount)) if deadline else ""
    if case.due_date is None:
        return t.RECEIPT_DUE_NONE
    return f"{v.format_date(case.due_date)}" + (f" ({term})" if term else "")


def _notify_text(case: CaseView) -> str:
    n = case.notification
    if n.method == "sms" and n.contact:
        return t.RECEIPT_NOTIFY_SMS.format(contact=v.phone_text(n.contact))
    if n.method == "email" and n.contact:
        return t.RECEIPT_NOTIFY_EMAIL.format(contact=n.contact)
    return t.NOTIFY_NONE
