"""The A5 card of services whose official form is one (`layout: a5-card`: form 1П of the passport).

Front: «Форма № 1П» at the top right, the frame for the 35×45 mm photo with the agency and
the title beside it, then the form's fields numbered 1, 2, 3 … straight through (the card
has no section headings; the applicant's surname, name, patronymic and sex are items of their
own, as on the official card). Back (a new sheet side when the front has room for all
fields): how to notify, the statements, the presented documents, the applicant's signature,
the specialist's block and the blanks the passport office fills in when it issues the
passport. Text is 10 pt: the card is half an A4 page.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportlab.lib.units import mm

from forms.model import Catalog
from printing import fonts
from printing import texts as t
from printing import values as v
from printing.application import Laid, meta_for, page_footer
from printing.case_form import CaseForm
from printing.form_rows import FormRows, visible_sections
from printing.layout import A5_SPEC, Flow, Row, Rows, Segment, Style, moved, side_by_side, stack
from printing.sign_off import applicant_signature, attached, notification, specialist_block, statements

CARD_STYLE = Style(size=10, leading=13.5, para_leading=12, caption_size=6.5)
PHOTO_W, PHOTO_H = 35 * mm, 45 * mm
FOOTER_HEIGHT = 7 * mm


def layout_card(catalog: Catalog, form: CaseForm) -> Laid:
    case, service = form.case, form.service
    spec = A5_SPEC
    st = CARD_STYLE
    flow = Flow(spec, footer=page_footer(spec, case, size=6.5), footer_height=FOOTER_HEIGHT)
    r = Rows(spec.frame_width, st)

    flow.add([Row(10, [("rtext", r.width, 8, t.CARD_FORM, fonts.SANS, 8)])])
    flow.add([_head(r, catalog, form)])
    flow.add(r.space(8))

    body = FormRows(r, catalog, form, table_size=8, inline_choices=True)
    answers: Mapping = form.result.answers
    n = 1
    for _section, fields in visible_sections(form):
        for f in fields:
            if f.id == "applicant":
                parts = answers.get("applicant") or {}
                for key, label in t.CARD_NAME_PARTS:
                    flow.add(r.field(f"{n}. {label}", v.text_of(parts.get(key))))
                    n += 1
                flow.add(body.sex(parts, label=f"{n}. {t.CARD_SEX}"))
                n += 1
                continue
            body.add_field(flow, f, f"{n}.")
            n += 1
    flow.add(r.space(6))
    flow.add(r.line_segments([Segment(r.width * 0.5, r.width * 0.5, "", t.CARD_APPLICANT_SIGNATURE.lower())]))

    if flow.page_count == 1:
        flow.page_break()  # the rest goes on the back of the card
    flow.add(notification(r, case, service.notification, compact=True))
    flow.add(r.space(4))
    flow.add(statements(r, size=7.5))
    flow.add(r.space(4))
    flow.add(attached(r, catalog, case))
    flow.add(r.space(4))
    flow.add(applicant_signature(r, case))
    flow.add(r.space(6))
    flow.add(specialist_block(r, case, size=9))
    flow.add(r.space(6))
    flow.add(_official_block(r))
    return Laid(flow.finish(), spec, meta_for(case, t.APPLICATION_TITLE.capitalize(), service.title))


def _head(r: Rows, catalog: Catalog, form: CaseForm) -> Row:
    """The photo frame at the left; the agency and the title beside it."""
    st = r.style
    photo_ops = [("rect", 0, 0, PHOTO_W, PHOTO_H, st.line_width)]
    lines = t.CARD_PHOTO.split("\n")
    top = PHOTO_H / 2 - len(lines) * 9 / 2 + 7
    for i, line in enumerate(lines):
        photo_ops.append(("ctext", PHOTO_W / 2, top + i * 9, line, st.font, 7))
    photo = Row(PHOTO_H, photo_ops)

    gap = 6 * mm
    right = Rows(r.width - PHOTO_W - gap, st)
    agency = catalog.agencies.get(form.service.agency)
    column = right.field(t.TO, agency.addressee if agency else "", caption=t.CARD_AGENCY_CAPTION)
    column += right.space(10)
    column += right.heading(t.CARD_TITLE, size=12, align="center")
    column += right.paragraph(form.service.subject, font=st.bold, align="center")
    return side_by_side(photo, stack(column, dx=PHOTO_W + gap))


def _official_block(r: Rows) -> list[Row]:
    inner = Rows(r.width - 12, r.style)
    w = inner.width
    rows = inner.paragraph(t.CARD_OFFICIAL, font=r.style.bold, size=9)
    rows += inner.line_segments([
        Segment(0, w * 0.33, prefix=t.CARD_PASSPORT_SERIES),
        Segment(w * 0.36, w * 0.26, prefix=t.NUMBER_SIGN),
        Segment(w * 0.65, w * 0.35, prefix=t.ISSUED),
    ])
    for label, caption in ((t.CARD_ISSUED_BY, t.SIGNATURE), (t.CARD_RECEIVED, t.SIGNATURE)):
        rows += inner.line_segments([
            Segment(0, w * 0.45, "", caption, prefix=label),
            Segment(w * 0.48, w * 0.27, "", t.SIGNATURE_DECODED),
            Segment(w * 0.78, w * 0.22, "", t.DATE_CAPTION),
        ])
    for row in rows:
        row.ops[:] = moved(row.ops, 6)
        row.space = False
    return r.boxed(rows)
