"""The body of an application: the form's sections and fields, in the form's order.

Only what the engine found relevant for this case is printed: a hidden section or field is
left out entirely (not printed blank); an empty visible field gets a blank line to fill in by
hand. Choices print every option with a box, the chosen one ticked, «(нужное отметить)»; a
choice with a long list of options prints just the chosen label. Repeat groups print as a
ruled table with a numbered row per item and the header repeated on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.messages import SEX_LABELS
from forms.model import Catalog, Field, FieldKind, Section
from printing import texts as t
from printing import values as v
from printing.case_form import CaseForm
from printing.layout import Cell, Column, Flow, Row, Rows, fit_columns, longest_word, text_width

# A choice with more options than this prints the chosen label only.
MAX_CHECKBOX_OPTIONS = 10

_COLUMN_SHARES: Mapping[FieldKind, float] = {
    FieldKind.TEXTAREA: 34,
    FieldKind.ADDRESS: 34,
    FieldKind.IDENTITY_DOCUMENT: 34,
    FieldKind.VEHICLE: 30,
    FieldKind.PERSON: 28,
    FieldKind.BANK_ACCOUNT: 26,
    FieldKind.TEXT: 22,
    FieldKind.CHOICE: 20,
    FieldKind.MULTICHOICE: 22,
    FieldKind.DATE: 13,
    FieldKind.BOOLEAN: 8,
    FieldKind.INTEGER: 10,
    FieldKind.DECIMAL: 12,
    FieldKind.MONEY: 14,
}


_NUMERIC = frozenset({FieldKind.MONEY, FieldKind.DECIMAL, FieldKind.INTEGER})


def _cell_text(f: Field, value: Any, catalog: Catalog, item: Mapping[str, Any]) -> str:
    """A table cell: money without «руб.» (the column's label names the unit)."""
    if f.kind is FieldKind.MONEY:
        return v.format_money(value, currency=False) if value not in (None, "") else ""
    return v.field_text(f, value, catalog, item)


def visible_sections(form: CaseForm) -> list[tuple[Section, list[Field]]]:
    """Sections shown for this case with their shown fields, in the form's order."""
    result = form.result
    out = []
    for section in form.service.sections:
        if section.id not in result.visible_sections:
            continue
        fields = [f for f in section.fields if f.id in result.visible_fields]
        if fields:
            out.append((section, fields))
    return out


class FormRows:
    """Pours the fields of one case into a flow, with a given `Rows` maker (A4 or the A5 card).

    `table_size` is the font size of repeat-group tables; `inline_choices` flows the options
    of a choice along the line instead of one per line (the A5 card saves room so).
    """

    def __init__(self, rows: Rows, catalog: Catalog, form: CaseForm, *, table_size: float | None = None,
                 inline_choices: bool = False) -> None:
        self.inline_choices = inline_choices
        self.r = rows
        self.catalog = catalog
        self.form = form
        self.answers: Mapping[str, Any] = form.result.answers
        self.table_size = table_size or max(rows.style.size - 2, 7)

    def add_field(self, flow: Flow, f: Field, number: str) -> None:
        label = f"{number} {f.label}".strip()
        if f.kind is FieldKind.GROUP:
            self._group(flow, f, label)
        else:
            flow.add(self.field_rows(f, label))

    def field_rows(self, f: Field, label: str) -> list[Row]:
        value = self.answers.get(f.id)
        kind = f.kind
        if kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE):
            return self._choice(f, label, value)
        if kind is FieldKind.BOOLEAN:
            return self.r.checkboxes([(t.YES, value is True), (t.NO, value is False)], label=label, inline=True)
        if kind is FieldKind.PERSON:
            return self._person(f, label, value)
        if kind is FieldKind.TEXTAREA:
            text = v.text_of(value)
            rows = self.r.field(label, text, min_value_share=1.0)
            if not text:
                rows[-1].keep_with_next = True
                rows.extend(self.r.field("", ""))  # two blank lines for a hand-written text
            return rows
        text = v.field_text(f, value, self.catalog, self.answers)
        return self.r.field(label, text, caption=v.CAPTIONS.get(kind, ""))

    def _choice(self, f: Field, label: str, value: Any) -> list[Row]:
        parent = self.answers.get(f.depends_on) if f.depends_on else None
        options = f.options_for(parent) if f.depends_on else f.options
        if not options or len(options) > MAX_CHECKBOX_OPTIONS:
            return self.r.field(label, v.field_text(f, value, self.catalog, self.answers))
        chosen = set(value) if isinstance(value, list | tuple) else ({value} if value is not None else set())
        return self.r.checkboxes([(o.label, o.value in chosen) for o in options],
                                 label=f"{label} {t.CHOOSE_ONE}:", inline=self.inline_choices)

    def _person(self, f: Field, label: str, value: Any) -> list[Row]:
        parts = value if isinstance(value, Mapping) else {}
        rows = self.r.field(label, v.person_text(parts), caption=t.PERSON_CAPTION)
        # Only the applicant's own sex is asked on paper; a parent's or a child's is implied.
        if f.id == "applicant" and parts.get("sex"):
            rows[-1].keep_with_next = True
            rows.extend(self.sex(parts, x=12))
        return rows

    def sex(self, parts: Mapping[str, Any], *, label: str = "", x: float = 0) -> list[Row]:
        sex = parts.get("sex")
        return self.r.checkboxes([(text, key == sex) for key, text in SEX_LABELS.items()],
                                 label=label or f"{t.SEX.capitalize()}:", inline=True, x=x)

    def _group(self, flow: Flow, f: Field, label: str) -> None:
        value = self.answers.get(f.id)
        items = [i for i in value if isinstance(i, Mapping)] if isinstance(value, list | tuple) else []
        visible = self.form.result.visible_fields
        members = [
            sub for sub in f.fields
            if not items or any(f"{f.id}[{n}].{sub.id}" in visible for n in range(len(items)))
        ]
        size = self.table_size
        st = self.r.style
        texts = [[_cell_text(sub, item.get(sub.id), self.catalog, item) for sub in members] for item in items]
        pad = 2 * 2.5 + 1
        minimums = [text_width(t.GROUP_NUMBER, st.font, size) + pad]
        for k, sub in enumerate(members):
            words = [sub.label] + [row[k] for row in texts]
            minimums.append(max(longest_word(w, st.font, size) for w in words) + pad)
        shares = [6.0] + [_COLUMN_SHARES.get(sub.kind, 18) for sub in members]
        widths = fit_columns(shares, minimums, self.r.width)
        columns = [Column(widths[0], "center")] + [
            Column(widths[k + 1], "right" if sub.kind in _NUMERIC else "left") for k, sub in enumerate(members)
        ]
        head = self.r.table_row(columns, [Cell(t.GROUP_NUMBER, align="center")] +
                                [Cell(sub.label, align="center") for sub in members], size=size)
        body: list[Row] = []
        for n, row in enumerate(texts, start=1):
            cells: list[Cell | str] = [str(n), *row]
            body.extend(self.r.table_row(columns, cells, size=size))
        if not body:
            # An empty table still gets a row to fill in by hand.
            body = self.r.table_row(columns, [""] * len(columns), size=size, min_height=size * 2.4)
        title = self.r.paragraph(label)
        for line in title:
            line.keep_with_next = True
        flow.add(title)
        flow.add(body, header=head)
        flow.add(self.r.space(3))
