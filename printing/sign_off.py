"""The closing blocks every application shares, whatever its layout: how to notify the
applicant, the statement of responsibility and the consent to personal-data processing, the
list of presented documents, the date and signature with its «расшифровка», and the block the
specialist fills in (with the registration number = the case number)."""

from __future__ import annotations

from collections.abc import Sequence

from forms.model import Catalog
from printing import texts as t
from printing import values as v
from printing.case_view import CaseView, PresentedDocument
from printing.layout import Row, Rows, Segment, moved


def contact_phone(case: CaseView) -> str:
    if case.notification.method == "sms" and case.notification.contact:
        return v.phone_text(case.notification.contact)
    return v.phone_text(case.answers.get("phone"))


def contact_email(case: CaseView) -> str:
    if case.notification.method == "email" and case.notification.contact:
        return case.notification.contact
    return v.text_of(case.answers.get("email"))


def notification(r: Rows, case: CaseView, allowed: Sequence[str], *, compact: bool = False) -> list[Row]:
    """«О готовности результата прошу уведомить: ☒ SMS-сообщением на номер ___».

    `compact` (the A5 card) leaves out the line on where the result is issued and gives only
    the chosen contact a line of its own.
    """
    method = case.notification.method
    methods = [m for m in allowed if m in ("sms", "email")]
    if method in ("sms", "email") and method not in methods:
        methods.append(method)
    options: list[tuple[str, bool]] = []
    tails: list[str | None] = []
    for m in methods:
        if m == "sms":
            options.append((t.NOTIFY_SMS, method == "sms"))
            tails.append(contact_phone(case) if method == "sms" else "")
        else:
            options.append((t.NOTIFY_EMAIL, method == "email"))
            tails.append(contact_email(case) if method == "email" else "")
    options.append((t.NOTIFY_NONE, method not in methods))
    tails.append(None)
    if compact:
        # The contact goes right after the chosen way: «☒ SMS-сообщением на номер +7 …».
        options = [(f"{text} {tail}" if ticked and tail else text, ticked)
                   for (text, ticked), tail in zip(options, tails, strict=True)]
        return r.checkboxes(options, label=t.NOTIFY, inline=True)
    rows = r.paragraph(t.RESULT_WAY)
    rows += r.checkboxes(options, label=t.NOTIFY, tails=tails)
    return rows


def statements(r: Rows, *, size: float | None = None) -> list[Row]:
    rows = r.paragraph(t.RESPONSIBILITY, first_indent=r.style.size * 1.5, size=size)
    rows += r.space(3)
    rows += r.paragraph(t.CONSENT, first_indent=r.style.size * 1.5, size=size)
    return rows


def document_line(catalog: Catalog | None, doc: PresentedDocument) -> str:
    """«Паспорт гражданина РФ — подлинник: 1 экз., 3 л.; копия: 1 экз., 1 л.»."""
    name = doc.title or v.document_name(catalog, doc.doc)
    parts = []
    for what, copies, sheets in ((t.ORIGINAL, doc.originals, doc.originals_sheets),
                                 (t.COPY, doc.copies, doc.copies_sheets)):
        if copies:
            template = t.COPIES_SHEETS if sheets else t.COPIES_ONLY
            parts.append(template.format(what=what, copies=copies, sheets=sheets))
    return f"{name} — {'; '.join(parts)}" if parts else name


def attached(r: Rows, catalog: Catalog, case: CaseView) -> list[Row]:
    rows = r.paragraph(t.ATTACHED)
    for row in rows:
        row.keep_with_next = True
    if not case.documents:
        rows += r.paragraph(t.ATTACHED_NONE, x=12)
        return rows
    for n, doc in enumerate(case.documents, start=1):
        number = f"{n}. "
        rows += r.paragraph(number + document_line(catalog, doc), x=12)
    return rows


def applicant_signature(r: Rows, case: CaseView) -> list[Row]:
    w = r.width
    return r.line_segments([
        Segment(0, w * 0.34, v.date_in_words(case.accepted_at.date()), t.DATE_CAPTION),
        Segment(w * 0.39, w * 0.22, "", t.SIGNATURE),
        Segment(w * 0.66, w * 0.34, case.applicant.short, t.SIGNATURE_DECODED),
    ])


def specialist_block(r: Rows, case: CaseView, *, size: float | None = None) -> list[Row]:
    """The framed block of the specialist: office, registration number, date, signature."""
    w = r.width
    inner = Rows(w - 12, r.style)
    rows = inner.paragraph(t.SPECIALIST_BLOCK, font=r.style.bold, size=size)
    rows += inner.field(f"{t.ACCEPTED_AT}:", case.office.name)
    rows += inner.field(f"{t.REGISTRATION_NUMBER}:", case.number)
    rows += inner.field(f"{t.ACCEPTED_DATE_TIME}:", v.format_datetime(case.accepted_at))
    iw = w - 12
    rows += inner.line_segments([
        Segment(0, iw * 0.36, case.specialist.position, t.POSITION_CAPTION),
        Segment(iw * 0.40, iw * 0.22, "", t.SIGNATURE),
        Segment(iw * 0.66, iw * 0.34, case.specialist.name.short, t.SIGNATURE_DECODED),
    ])
    if case.channel == "home_visit":
        rows += inner.paragraph(t.HOME_VISIT_NOTE, size=size)
    for row in rows:
        row.ops[:] = moved(row.ops, 6)
    return r.boxed(rows)
