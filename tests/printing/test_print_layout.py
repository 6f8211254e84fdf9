"""The flowing layout: wrapping never overflows, rows are kept together, headers repeat."""

from __future__ import annotations

from printing import fonts
from printing.layout import A4_SPEC, Cell, Column, Flow, Row, Rows, text_width, wrap


def test_wrap_stays_inside_the_width():
    text = "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 20 + "А" * 300
    for width in (40, 120, 400):
        lines = wrap(text, fonts.SERIF, 12, width)
        assert all(text_width(line, fonts.SERIF, 12) <= width + 0.01 for line in lines)
        assert "".join("".join(lines).split()) == "".join(text.split())


def test_wrap_keeps_line_breaks_and_no_break_spaces():
    lines = wrap("первая строка\n\nтретья № 123456 и 1\u00a0500,00 руб.", fonts.SERIF, 12, 75)
    assert lines[0] == "первая" and "" in lines
    assert any(line.startswith("№\u00a0123456") for line in lines)
    assert any(line.startswith("1\u00a0500,00") for line in lines)


def test_first_line_may_be_narrower():
    lines = wrap("слово " * 30, fonts.SERIF, 12, 300, first_width=60)
    assert text_width(lines[0], fonts.SERIF, 12) <= 60
    assert text_width(lines[1], fonts.SERIF, 12) > 60


def _texts(page):
    return [op[3] for op in page if op[0] in ("text", "ctext", "rtext")]


def test_keep_with_next_moves_a_heading_to_the_next_page():
    flow = Flow(A4_SPEC)
    r = Rows(flow.width)
    filler = r.paragraph("строка " * 5)
    while flow.room > 30:
        flow.add([Row(10, [("text", 0, 8, "заполнитель", fonts.SERIF, 10)])])
    flow.add(r.heading("ЗАГОЛОВОК"))
    flow.add(r.field("Метка", "значение"))
    pages = flow.finish()
    assert len(pages) == 2
    assert "ЗАГОЛОВОК" in _texts(pages[1])
    assert "ЗАГОЛОВОК" not in _texts(pages[0])
    assert filler  # made with the same maker


def test_table_header_repeats_after_a_page_break():
    flow = Flow(A4_SPEC)
    r = Rows(flow.width)
    columns = [Column(1), Column(4)]
    head = r.table_row(columns, [Cell("№"), Cell("Документ")])
    body = [row for n in range(120) for row in r.table_row(columns, [str(n), f"документ {n}"])]
    flow.add(body, header=head)
    pages = flow.finish()
    assert len(pages) >= 2
    for page in pages:
        assert _texts(page).count("Документ") == 1


def test_a_tall_cell_breaks_into_rows_that_fit():
    r = Rows(A4_SPEC.frame_width)
    rows = r.table_row([Column(1)], ["строка\n" * 200])
    flow = Flow(A4_SPEC)
    assert all(row.height < flow.frame_height for row in rows)
    flow.add(rows)
    assert len(flow.finish()) >= 2


def test_rows_never_cross_the_bottom_of_the_frame():
    flow = Flow(A4_SPEC)
    r = Rows(flow.width)
    for n in range(80):
        flow.add(r.field(f"Поле {n}", "значение " * (n % 7 + 1), caption="(подпись)"))
    for page in flow.finish():
        for op in page:
            if op[0] in ("text", "ctext", "rtext"):
                assert op[2] >= A4_SPEC.bottom
