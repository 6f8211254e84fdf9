"""A small flowing layout on the ReportLab canvas: rows of drawing operations poured into pages.

Why not Platypus: the papers are mostly "label + underlined value" lines, checkboxes and a
few ruled tables, and an application must render in a few milliseconds. Here every piece is
a `Row` of known height whose operations are measured once; a `Flow` pours rows into the
frame of a page, breaking pages between rows (never inside one), keeping rows marked
`keep_with_next` with the row after them, repeating a table's header after a break, and
finally adds the footer of each page once the number of pages is known. Painting the pages
is a separate, trivial step (`paint_pdf`), so a layout can be inspected in tests and drawn
twice (the two copies of a receipt) at no extra cost.

Coordinates: points; inside a row, x runs from the frame's left edge and y *down* from the
row's top; on a page, ops are in the usual PDF space (origin bottom left).

Nothing is clipped: a line of text is always wrapped to the width it is given, and a word
longer than the width is broken between characters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from printing import fonts

Op = tuple[Any, ...]
DrawFn = Callable[[Canvas, float, float, float, float], None]


@dataclass(frozen=True, slots=True)
class PageSpec:
    """Paper size and margins, in points."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right


A4_SPEC = PageSpec(210 * mm, 297 * mm, left=25 * mm, right=12 * mm, top=15 * mm, bottom=12 * mm)
A5_SPEC = PageSpec(148 * mm, 210 * mm, left=20 * mm, right=8 * mm, top=9 * mm, bottom=8 * mm)


@dataclass(frozen=True, slots=True)
class Style:
    """Fonts and sizes of one kind of paper."""

    font: str = fonts.SERIF
    bold: str = fonts.SERIF_BOLD
    size: float = 12
    leading: float = 17  # height of a line of text with its underline
    caption_size: float = 8
    box_font: str = fonts.SANS
    line_width: float = 0.5
    para_leading: float = 14.5  # plain paragraphs (no underline)

    @property
    def caption_height(self) -> float:
        return self.caption_size + 1.5


@dataclass(slots=True)
class Row:
    height: float
    ops: list[Op] = field(default_factory=list)
    keep_with_next: bool = False
    space: bool = False  # vertical gap: dropped at the top of a page


# --- measuring and wrapping --------------------------------------------------------------


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """Width in points; cached, since the same labels and words recur on every paper."""
    return stringWidth(text, font, size)


_SPACES = re.compile(r"[ \t\r]+")


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    """Lines of `text` no wider than `width` (the first no wider than `first_width`).

    Explicit line breaks are kept; runs of spaces collapse; a word wider than the line is
    broken between characters. An empty text gives one empty line.
    """
    fonts.register()
    limit = width if first_width is None else first_width
    space = text_width(" ", font, size)
    out: list[str] = []
    for paragraph in str(text).split("\n"):
        # Split on ordinary spaces only: a no-break space («№\u00a0123456», «1\u00a0500,00»)
        # holds its neighbours together.
        words = _SPACES.split(paragraph.strip(" \t\r"))
        if words == [""]:
            words = []
        # «№ 123456» never parts at the line's end.
        for i in range(len(words) - 2, -1, -1):
            if words[i] == "№":
                words[i:i + 2] = [f"№\u00a0{words[i + 1]}"]
        if not words:
            out.append("")
            limit = width
            continue
        line: list[str] = []
        used = 0.0
        for word in words:
            w = text_width(word, font, size)
            if line and used + space + w <= limit:
                line.append(word)
                used += space + w
                continue
            if line:
                out.append(" ".join(line))
                limit = width
                line, used = [], 0.0
            if w <= limit:
                line, used = [word], w
                continue
            # A word longer than the line: break it between characters.
            chunk = ""
            for ch in word:
                if chunk and text_width(chunk + ch, font, size) > limit:
                    out.append(chunk)
                    limit = width
                    chunk = ch
                else:
                    chunk += ch
            line, used = [chunk], text_width(chunk, font, size)
        out.append(" ".join(line))
        limit = width
    return out


# --- building rows -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    width: float  # a share of the table's width (any units: shares are normalised)
    align: str = "left"  # left | center | right


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    span: int = 1
    align: str | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Segment:
    """One underlined blank of a line of several (date, signature, its «расшифровка»)."""

    x: float
    width: float
    text: str = ""
    caption: str = ""
    align: str = "center"
    prefix: str = ""  # printed before the line, outside it


def longest_word(text: str, font: str, size: float) -> float:
    """Width of the widest word of `text`: a column narrower than that breaks words apart."""
    return max((text_width(w, font, size) for w in _SPACES.split(text.replace("\n", " ")) if w), default=0.0)


def fit_columns(shares: Sequence[float], minimums: Sequence[float], total: float) -> list[float]:
    """Column widths in points: proportional to `shares`, but none below its minimum (while
    the minimums fit); what the narrow columns gain is taken from the wide ones."""
    if sum(minimums) >= total:
        scale = total / sum(minimums) if sum(minimums) else 0
        return [m * scale for m in minimums]
    widths = [share / sum(shares) * total for share in shares]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < minimums[i] - 1e-6]
        if not short:
            break
        for i in short:
            widths[i] = minimums[i]
        fixed = sum(widths[i] for i in range(len(widths)) if widths[i] <= minimums[i] + 1e-6)
        free = [i for i in range(len(widths)) if widths[i] > minimums[i] + 1e-6]
        room = total - fixed
        free_share = sum(shares[i] for i in free)
        for i in free:
            widths[i] = shares[i] / free_share * room
    return widths


class Rows:
    """Makes rows for a frame of a given width in a given style."""

    def __init__(self, width: float, style: Style | None = None) -> None:
        fonts.register()
        self.width = width
        self.style = style or Style()

    # -- text --------------------------------------------------------------------------------
    def paragraph(
        self,
        text: str,
        *,
        font: str | None = None,
        size: float | None = None,
        leading: float | None = None,
        align: str = "left",
        x: float = 0,
        width: float | None = None,
        first_indent: float = 0,
        keep: bool = False,
    ) -> list[Row]:
        """Plain wrapped text. `align` is left, center, right or justify; `keep` keeps all lines together."""
        st = self.style
        font = font or st.font
        size = size or st.size
        leading = leading or st.para_leading * size / st.size
        width = self.width - x if width is None else width
        lines = wrap(text, font, size, width, width - first_indent)
        rows: list[Row] = []
        base = leading - (leading - size) / 2 - size * 0.22
        last_of_paragraph = _paragraph_ends(text, lines)
        for i, line in enumerate(lines):
            lx = x + (first_indent if i == 0 else 0)
            lw = width - (first_indent if i == 0 else 0)
            if align == "center":
                op: Op = ("ctext", lx + lw / 2, base, line, font, size)
            elif align == "right":
                op = ("rtext", lx + lw, base, line, font, size)
            elif align == "justify" and not last_of_paragraph[i] and " " in line:
                op = _justified(line, lx, lw, base, font, size)
            else:
                op = ("text", lx, base, line, font, size)
            rows.append(Row(leading, [op], keep_with_next=keep and i < len(lines) - 1))
        # Never leave a single line of a paragraph alone at the bottom or the top of a page.
        if len(rows) >= 2:
            rows[0].keep_with_next = True
            rows[-2].keep_with_next = True
        return rows

    def heading(self, text: str, *, size: float | None = None, align: str = "left", x: float = 0) -> list[Row]:
        rows = self.paragraph(text, font=self.style.bold, size=size, align=align, x=x)
        for row in rows:
            row.keep_with_next = True
        return rows

    def pair(self, label: str, value: str, *, label_width: float, bold_value: bool = False,
             size: float | None = None) -> list[Row]:
        """«Label:   value» in two columns without rules; the value wraps in its own column."""
        st = self.style
        size = size or st.size
        leading = max(st.para_leading * size / st.size, size * 1.2)
        base = _base(leading, size)
        label_lines = wrap(label, st.font, size, label_width - 6)
        value_font = st.bold if bold_value else st.font
        value_lines = wrap(value, value_font, size, self.width - label_width)
        rows = []
        for i in range(max(len(label_lines), len(value_lines))):
            ops: list[Op] = []
            if i < len(label_lines):
                ops.append(("text", 0, base, label_lines[i], st.font, size))
            if i < len(value_lines) and value_lines[i]:
                ops.append(("text", label_width, base, value_lines[i], value_font, size))
            rows.append(Row(leading, ops, keep_with_next=True))
        rows[-1].keep_with_next = False
        return rows

    def space(self, height: float) -> list[Row]:
        return [Row(height, space=True)]

    def caption(self, text: str, *, x: float = 0, width: float | None = None) -> list[Row]:
        """Small centred text under a line: «(фамилия, имя, отчество)»."""
        st = self.style
        width = self.width - x if width is None else width
        lines = wrap(text, st.font, st.caption_size, width)
        return [
            Row(st.caption_height, [("ctext", x + width / 2, st.caption_size, line, st.font, st.caption_size)],
                keep_with_next=i < len(lines) - 1)
            for i, line in enumerate(lines)
        ]

    # -- label and underlined value ----------------------------------------------------------
    def field(
        self,
        label: str,
        value: str,
        *,
        caption: str = "",
        x: float = 0,
        width: float | None = None,
        label_font: str | None = None,
        min_value_share: float = 0.4,
        value_font: str | None = None,
    ) -> list[Row]:
        """«Label ______value______»: the value is underlined to the right edge, wrapping onto
        further underlined lines; an empty value leaves one blank line to fill in by hand."""
        st = self.style
        width = self.width - x if width is None else width
        label_font = label_font or st.font
        value_font = value_font or st.font
        rows: list[Row] = []
        gap = 4.0
        label_w = text_width(label, label_font, st.size) if label else 0.0
        # The value goes on the label's line when it fits there whole, or when the line leaves
        # it a fair share of the width to wrap in; otherwise below a label of its own.
        rest = width - label_w - gap
        value_fits = bool(value) and "\n" not in value and text_width(value, value_font, st.size) + 6 <= rest
        if label and not value_fits and rest < width * min_value_share:
            # A long label goes on lines of its own; the value below it.
            for line in wrap(label, label_font, st.size, width):
                rows.append(Row(st.para_leading, [("text", x, _base(st.para_leading, st.size), line,
                                                   label_font, st.size)], keep_with_next=True))
            first_x = x
        else:
            first_x = x + (label_w + gap if label else 0)
        first_w = x + width - first_x
        lines = wrap(value, value_font, st.size, width - 4, first_w - 4)
        base = st.leading - 5.5
        under = st.leading - 3
        for i, line in enumerate(lines):
            lx = first_x if i == 0 else x
            ops: list[Op] = []
            if i == 0 and label and first_x > x:
                ops.append(("text", x, base, label, label_font, st.size))
            ops.append(("line", lx, under, x + width, under, st.line_width, None))
            if line:
                ops.append(("text", lx + 2, base, line, value_font, st.size))
            rows.append(Row(st.leading, ops))
        n = len(lines)
        value_rows = rows[len(rows) - n:]
        for i, row in enumerate(value_rows):
            # Keep the label with the first line and the last two lines together; a long value
            # may break anywhere in between.
            row.keep_with_next = i == 0 or i >= n - 2
        value_rows[-1].keep_with_next = bool(caption)
        if caption:
            cap_x = first_x if n == 1 else x
            rows.extend(self.caption(caption, x=cap_x, width=x + width - cap_x))
        return rows

    def line_segments(self, segments: Sequence[Segment], *, font: str | None = None) -> list[Row]:
        """Several underlined blanks on one line, each with its caption below (signature lines).

        A text longer than its blank wraps onto more lines above the same underline: nothing
        is cut, the row just grows.
        """
        st = self.style
        font = font or st.font
        placed = []
        for seg in segments:
            sx = seg.x
            if seg.prefix:
                sx += text_width(seg.prefix, font, st.size) + 3
            sw = seg.x + seg.width - sx
            lines = wrap(seg.text, font, st.size, sw - 2) if seg.text else []
            placed.append((seg, sx, sw, lines))
        count = max([len(p[3]) for p in placed] + [1])
        step = st.para_leading
        height = st.leading + (count - 1) * step
        under = height - 3
        ops: list[Op] = []
        cap_ops: list[Op] = []
        caption_lines = 0
        for seg, sx, sw, lines in placed:
            first_base = under - 2.5 - (len(lines) - 1) * step if lines else under - 2.5
            if seg.prefix:
                ops.append(("text", seg.x, under - 2.5, seg.prefix, font, st.size))
            ops.append(("line", sx, under, sx + sw, under, st.line_width, None))
            for n, line in enumerate(lines):
                y = first_base + n * step
                if seg.align == "left":
                    ops.append(("text", sx + 2, y, line, font, st.size))
                else:
                    ops.append(("ctext", sx + sw / 2, y, line, font, st.size))
            if seg.caption:
                cap_lines = wrap(seg.caption, st.font, st.caption_size, sw)
                caption_lines = max(caption_lines, len(cap_lines))
                for n, line in enumerate(cap_lines):
                    cap_ops.append(("ctext", sx + sw / 2, st.caption_size + n * st.caption_height, line,
                                    st.font, st.caption_size))
        rows = [Row(height, ops, keep_with_next=bool(cap_ops))]
        if cap_ops:
            rows.append(Row(st.caption_height * caption_lines, cap_ops))
        return rows

    # -- checkboxes --------------------------------------------------------------------------
    def checkboxes(
        self,
        options: Sequence[tuple[str, bool]],
        *,
        label: str = "",
        x: float = 0,
        indent: float = 12,
        width: float | None = None,
        inline: bool = False,
        tails: Sequence[str | None] = (),
    ) -> list[Row]:
        """«label ☐ a ☒ b» on one line when `inline` and it fits; otherwise the label on its own
        lines and one option per line below it (wrapped with a hanging indent). `tails` adds an
        underlined line after an option (the phone number next to «SMS», say)."""
        st = self.style
        width = self.width - x if width is None else width
        box_w = text_width("☐", st.box_font, st.size) + 3
        base = _base(st.para_leading, st.size)
        gap = 14.0
        if inline and not any(tail is not None for tail in tails):
            flowed = self._flowing_boxes(options, label, x, indent, width, box_w, base, gap)
            if flowed is not None:
                return flowed
        rows: list[Row] = []
        if label:
            rows.extend(self.paragraph(label, x=x, width=width))
            for row in rows:
                row.keep_with_next = True
        ox = x + indent
        ow = width - indent
        for n, (text, ticked) in enumerate(options):
            box: Op = ("text", ox, base, "☒" if ticked else "☐", st.box_font, st.size)
            tail = tails[n] if n < len(tails) else None
            if tail is not None:
                # «☒ SMS-сообщением на номер ___+7 (916) 123-45-67___»
                option_rows = self.field(text, tail, x=ox + box_w, width=ow - box_w, min_value_share=0.3)
                first = option_rows[0]
                y = next((op[2] for op in first.ops if op[0] == "text"), st.leading - 5.5)
                first.ops.insert(0, ("text", ox, y, box[3], st.box_font, st.size))
                rows.extend(option_rows)
                continue
            lines = wrap(text, st.font, st.size, ow - box_w)
            for i, line in enumerate(lines):
                ops = [box] if i == 0 else []
                ops.append(("text", ox + box_w, base, line, st.font, st.size))
                rows.append(Row(st.para_leading, ops, keep_with_next=i < len(lines) - 1))
        if len(rows) > 1:
            rows[0].keep_with_next = True
        return rows

    def _flowing_boxes(self, options: Sequence[tuple[str, bool]], label: str, x: float, indent: float,
                       width: float, box_w: float, base: float, gap: float) -> list[Row] | None:
        """Options left to right after the label, wrapping onto indented lines; None if an option
        alone is wider than a line (then they go one per line)."""
        st = self.style
        pieces = [(text, ticked, box_w + text_width(text, st.font, st.size)) for text, ticked in options]
        if any(w > width - indent for _, _, w in pieces):
            return None
        rows: list[Row] = []
        ops: list[Op] = []
        cx = x
        if label:
            label_lines = wrap(label, st.font, st.size, width)
            for line in label_lines[:-1]:
                rows.append(Row(st.para_leading, [("text", x, base, line, st.font, st.size)], True))
            ops.append(("text", x, base, label_lines[-1], st.font, st.size))
            cx = x + text_width(label_lines[-1], st.font, st.size) + gap
        for text, ticked, w in pieces:
            if cx + w > x + width and cx > x + indent:
                rows.append(Row(st.para_leading, ops, True))
                ops, cx = [], x + indent
            ops.append(("text", cx, base, "☒" if ticked else "☐", st.box_font, st.size))
            ops.append(("text", cx + box_w, base, text, st.font, st.size))
            cx += w + gap
        rows.append(Row(st.para_leading, ops))
        return rows

    # -- tables ------------------------------------------------------------------------------
    def table_row(
        self,
        columns: Sequence[Column],
        cells: Sequence[Cell | str],
        *,
        x: float = 0,
        width: float | None = None,
        size: float | None = None,
        font: str | None = None,
        pad: float = 2.5,
        min_height: float = 0,
        max_lines: int = 30,
    ) -> list[Row]:
        """One ruled table row; cells may span several columns; text wraps inside its cell.

        A row with more than `max_lines` lines in a cell becomes several rows that may fall on
        different pages (open at the break), so no row is ever taller than a page.
        """
        st = self.style
        width = self.width - x if width is None else width
        size = size or st.size
        leading = size * 1.22
        total = sum(c.width for c in columns)
        col_x = [x]
        for c in columns:
            col_x.append(col_x[-1] + c.width / total * width)
        placed: list[tuple[float, float, list[str], str, str]] = []
        ci = 0
        for cell in cells:
            if isinstance(cell, str):
                cell = Cell(cell)
            if ci >= len(columns):
                break
            span = max(1, min(cell.span, len(columns) - ci))
            cx0, cx1 = col_x[ci], col_x[ci + span]
            cfont = st.bold if cell.bold else (font or st.font)
            lines = wrap(cell.text, cfont, size, cx1 - cx0 - 2 * pad)
            placed.append((cx0, cx1, lines, cell.align or columns[ci].align, cfont))
            ci += span
        if ci < len(columns):  # fewer cells than columns: the rest stay empty
            placed.append((col_x[ci], col_x[-1], [], "left", font or st.font))
        count = max([len(p[2]) for p in placed] + [1])
        rows: list[Row] = []
        for start in range(0, count, max_lines):
            chunk = min(max_lines, count - start)
            first, last = start == 0, start + chunk >= count
            height = chunk * leading + (pad if first else 0) + (pad if last else 0)
            if first and last:
                height = max(height, min_height)
            top_pad = pad if first else 0
            ops: list[Op] = []
            if first:
                ops.append(("line", x, 0, x + width, 0, st.line_width, None))
            if last:
                ops.append(("line", x, height, x + width, height, st.line_width, None))
            for cx0, cx1, lines, align, cfont in placed:
                ops.append(("line", cx0, 0, cx0, height, st.line_width, None))
                for n, line in enumerate(lines[start:start + chunk]):
                    y = top_pad + leading * n + size * 0.95
                    if align == "center":
                        ops.append(("ctext", (cx0 + cx1) / 2, y, line, cfont, size))
                    elif align == "right":
                        ops.append(("rtext", cx1 - pad, y, line, cfont, size))
                    else:
                        ops.append(("text", cx0 + pad, y, line, cfont, size))
            ops.append(("line", x + width, 0, x + width, height, st.line_width, None))
            rows.append(Row(height, ops))
        return rows

    def header_two_levels(
        self,
        columns: Sequence[Column],
        top: Sequence[Cell],
        sub: Sequence[str | None],
        *,
        size: float | None = None,
        pad: float = 2.5,
    ) -> Row:
        """A table head of two levels: a top cell spans columns («Подлинники» over «экз.» and
        «листов»), or, where `sub` is None for its columns, both levels («№», «Наименование»)."""
        st = self.style
        size = size or st.size
        leading = size * 1.22
        width = self.width
        total = sum(c.width for c in columns)
        col_x = [0.0]
        for c in columns:
            col_x.append(col_x[-1] + c.width / total * width)
        spans = []
        ci = 0
        for cell in top:
            span = max(1, min(cell.span, len(columns) - ci))
            spans.append((ci, ci + span, cell))
            ci += span
        wrapped = {i: wrap(cell.text, st.font, size, col_x[j] - col_x[i] - 2 * pad) for i, j, cell in spans}
        subs = {i: wrap(text, st.font, size, col_x[i + 1] - col_x[i] - 2 * pad)
                for i, text in enumerate(sub) if text is not None}
        tall = [i for i, j, _ in spans if all(sub[k] is None for k in range(i, j))]
        h1 = max([len(wrapped[i]) for i, _, _ in spans if i not in tall] + [1]) * leading + 2 * pad
        h2 = max([len(x) for x in subs.values()] + [1]) * leading + 2 * pad
        if tall:
            h_tall = max(len(wrapped[i]) for i in tall) * leading + 2 * pad
            if h_tall > h1 + h2:
                h2 = h_tall - h1
        height = h1 + h2
        lw = st.line_width
        ops: list[Op] = [("line", 0, 0, width, 0, lw, None), ("line", 0, height, width, height, lw, None),
                         ("line", width, 0, width, height, lw, None)]
        for i, j, _ in spans:
            lines = wrapped[i]
            x0, x1 = col_x[i], col_x[j]
            ops.append(("line", x0, 0, x0, height, lw, None))
            block = h1 + h2 if i in tall else h1
            y0 = (block - len(lines) * leading) / 2
            for n, line in enumerate(lines):
                ops.append(("ctext", (x0 + x1) / 2, y0 + leading * n + size * 0.95, line, st.font, size))
            if i not in tall:
                ops.append(("line", x0, h1, x1, h1, lw, None))
                for k in range(i, j):
                    if k > i:
                        ops.append(("line", col_x[k], h1, col_x[k], height, lw, None))
                    lines_k = subs.get(k, [])
                    yk = h1 + (h2 - len(lines_k) * leading) / 2
                    for n, line in enumerate(lines_k):
                        ops.append(("ctext", (col_x[k] + col_x[k + 1]) / 2, yk + leading * n + size * 0.95, line,
                                    st.font, size))
        return Row(height, ops)

    # -- frames and free drawing -------------------------------------------------------------
    def boxed(self, rows: list[Row], *, x: float = 0, width: float | None = None, pad: float = 4) -> list[Row]:
        """Draw a frame around rows that are kept together (a block of the specialist, say)."""
        st = self.style
        width = self.width - x if width is None else width
        out = [Row(pad, [("line", x, 0, x + width, 0, st.line_width, None)])]
        out.extend(rows)
        out.append(Row(pad, [("line", x, pad, x + width, pad, st.line_width, None)]))
        for row in out:
            row.ops.append(("line", x, 0, x, row.height, st.line_width, None))
            row.ops.append(("line", x + width, 0, x + width, row.height, st.line_width, None))
            row.keep_with_next = True
            row.space = False
        out[-1].keep_with_next = False
        return out

    def drawing(self, height: float, ops: Iterable[Op]) -> Row:
        return Row(height, list(ops))


def stack(rows: Sequence[Row], *, dx: float = 0) -> Row:
    """Rows merged into one unbreakable row (a column set beside a photo frame, say)."""
    ops: list[Op] = []
    y = 0.0
    for row in rows:
        ops.extend(moved(row.ops, dx, y))
        y += row.height
    return Row(y, ops)


def side_by_side(left: Row, right: Row) -> Row:
    """Two stacked rows drawn next to each other; as tall as the taller."""
    return Row(max(left.height, right.height), [*left.ops, *right.ops])


def moved(ops: Iterable[Op], dx: float, dy: float = 0.0) -> list[Op]:
    """Row-space ops moved right by `dx` and down by `dy`."""
    out: list[Op] = []
    for op in ops:
        kind = op[0]
        if kind in ("text", "ctext", "rtext"):
            out.append((kind, op[1] + dx, op[2] + dy, *op[3:]))
        elif kind == "line":
            out.append(("line", op[1] + dx, op[2] + dy, op[3] + dx, op[4] + dy, *op[5:]))
        elif kind == "words":
            out.append(("words", op[1] + dy, tuple((x + dx, w) for x, w in op[2]), *op[3:]))
        else:
            out.append((kind, op[1] + dx, op[2] + dy, *op[3:]))
    return out


def _base(leading: float, size: float) -> float:
    """Baseline offset from the top of a line of `leading` height."""
    return leading - (leading - size) / 2 - size * 0.22


def _paragraph_ends(text: str, lines: list[str]) -> list[bool]:
    """For justification: which wrapped lines end a paragraph of the source text."""
    ends = [False] * len(lines)
    if lines:
        ends[-1] = True
    # Lines wrapped from the same paragraph keep their words; an explicit break ends a paragraph.
    if "\n" in text:
        i = 0
        for paragraph in text.split("\n"):
            words = len(paragraph.split())
            taken = 0
            while i < len(lines) and (taken < words or words == 0):
                taken += len(lines[i].split())
                i += 1
                if words == 0:
                    break
            if i - 1 < len(ends):
                ends[i - 1] = True
    return ends


def _justified(line: str, x: float, width: float, base: float, font: str, size: float) -> Op:
    words = line.split(" ")
    widths = [text_width(w, font, size) for w in words]
    gap = (width - sum(widths)) / (len(words) - 1)
    placed = []
    cx = x
    for word, w in zip(words, widths, strict=True):
        placed.append((cx, word))
        cx += w + gap
    return ("words", base, tuple(placed), font, size)


# --- pouring rows into pages -------------------------------------------------------------

Footer = Callable[[int, int], list[Op]]


class Flow:
    """Pours rows into pages of one `PageSpec`.

    `frame` overrides the vertical extent of the frame (top and bottom y of the page) — the
    two copies of a receipt are laid out in half a page. `footer_height` is kept free at the
    bottom of the frame for `footer(page_number, total)`, drawn when `finish()` is called.
    Rows marked `keep_with_next` wait for the row after them, across `add` calls, so a
    heading added alone still moves to the next page together with what follows it.
    """

    def __init__(
        self,
        spec: PageSpec,
        *,
        frame: tuple[float, float] | None = None,
        footer: Footer | None = None,
        footer_height: float = 0,
    ) -> None:
        self.spec = spec
        self.x0 = spec.left
        self.width = spec.frame_width
        top, bottom = frame if frame is not None else (spec.height - spec.top, spec.bottom)
        self.top = top
        self.bottom = bottom + footer_height
        self.footer = footer
        self.pages: list[list[Op]] = [[]]
        self.y = self.top
        self._content = 0  # content rows on the current page (repeated headers do not count)
        self._pending: list[Row] = []
        self._header: list[Row] | None = None
        self._header_ids: set[int] = set()
        self._header_live = False

    @property
    def room(self) -> float:
        return self.y - self.bottom

    @property
    def frame_height(self) -> float:
        return self.top - self.bottom

    def add(self, rows: Iterable[Row], *, header: Sequence[Row] | None = None) -> None:
        """Place rows in order.

        `header` rows (a table's head) go first, stay with the first row after them, and are
        repeated at the top of every page the rows spill onto.
        """
        if header:
            head = [Row(r.height, r.ops, True, False) for r in header]
            self._header = head
            self._header_ids = {id(r) for r in head}
            rows = [*head, *rows]
        try:
            for row in rows:
                self._pending.append(row)
                if not row.keep_with_next:
                    self._flush()
        finally:
            if header:
                self._flush()
                self._header, self._header_ids, self._header_live = None, set(), False

    def page_break(self) -> None:
        """Start a new page now (the back of a card, say), unless the current one is empty."""
        self._flush()
        if self._content:
            self._new_page()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def finish(self) -> list[list[Op]]:
        """Place what is still waiting, add the footers and return the pages' operations."""
        self._flush()
        if self.footer is not None:
            total = len(self.pages)
            for n, page in enumerate(self.pages, start=1):
                page.extend(self.footer(n, total))
        return self.pages

    # -- internals -----------------------------------------------------------------------------
    def _flush(self) -> None:
        group, self._pending = self._pending, []
        if not group:
            return
        height = sum(r.height for r in group if not (r.space and self._content == 0))
        if self._content and self.room < height <= self.frame_height - self._header_height():
            self._new_page()
        for row in group:
            if row.space:
                if self._content == 0:
                    continue
                if row.height > self.room:
                    self._new_page()
                    continue
            elif row.height > self.room and self._content:
                self._new_page()
            self._place(row)
            if id(row) in self._header_ids:
                self._header_live = True
            elif not row.space:
                self._content += 1

    def _header_height(self) -> float:
        return sum(r.height for r in self._header) if self._header_live and self._header else 0.0

    def _new_page(self) -> None:
        self.pages.append([])
        self.y = self.top
        self._content = 0
        if self._header_live and self._header:
            for row in self._header:
                self._place(row)

    def _place(self, row: Row) -> None:
        top = self.y
        x0 = self.x0
        page = self.pages[-1]
        for op in row.ops:
            page.append(_to_page(op, x0, top))
        self.y = top - row.height


def _to_page(op: Op, x0: float, top: float) -> Op:
    kind = op[0]
    if kind in ("text", "ctext", "rtext"):
        return (kind, x0 + op[1], top - op[2], op[3], op[4], op[5])
    if kind == "line":
        return ("line", x0 + op[1], top - op[2], x0 + op[3], top - op[4], op[5], op[6])
    if kind == "words":
        return ("words", top - op[1], tuple((x0 + x, w) for x, w in op[2]), op[3], op[4])
    if kind in ("rect", "draw"):
        # (kind, x, y_top_down, w, h, extra): to bottom-left corner in page space
        return (kind, x0 + op[1], top - op[2] - op[4], op[3], op[4], op[5])
    raise ValueError(f"unknown layout op {kind!r}")


# --- painting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Meta:
    title: str = ""
    subject: str = ""
    author: str = ""
    keywords: str = ""


def paint_pdf(pages: Sequence[Sequence[Op]], spec: PageSpec, meta: Meta = Meta()) -> bytes:
    """Draw laid-out pages with ReportLab's canvas and return the PDF bytes.

    The output is invariant (no creation timestamp or random id), so the same case gives the
    same bytes — handy for tests and for spotting a reprint that differs from the original.
    """
    fonts.register()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(spec.width, spec.height), pageCompression=1, invariant=1)
    canvas.setTitle(meta.title)
    canvas.setSubject(meta.subject)
    canvas.setAuthor(meta.author)
    canvas.setKeywords(meta.keywords)
    canvas.setCreator("mfc-workstation printing")
    for page in pages:
        paint_ops(canvas, page)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def paint_ops(canvas: Canvas, ops: Iterable[Op]) -> None:
    """Draw one page's ops: all text in one text object, rules batched by width and dash.

    The order of drawing does not matter on these papers (nothing overlaps), so text and
    lines are gathered and each emitted in one go, which keeps the PDF small and quick.
    """
    text = canvas.beginText()
    font: tuple[str, float] | None = None
    has_text = False
    lines: dict[tuple[float, Any], list[tuple[float, float, float, float]]] = {}
    later: list[Op] = []
    for op in ops:
        kind = op[0]
        if kind == "text" or kind == "ctext" or kind == "rtext":
            if not op[3]:
                continue
            if (op[4], op[5]) != font:
                font = (op[4], op[5])
                text.setFont(*font)
            x = op[1]
            if kind != "text":
                w = text_width(op[3], op[4], op[5])
                x -= w / 2 if kind == "ctext" else w
            text.setTextOrigin(x, op[2])
            text.textOut(op[3])
            has_text = True
        elif kind == "words":
            if (op[3], op[4]) != font:
                font = (op[3], op[4])
                text.setFont(*font)
            for x, word in op[2]:
                text.setTextOrigin(x, op[1])
                text.textOut(word)
            has_text = True
        elif kind == "line":
            lines.setdefault((op[5], op[6]), []).append((op[1], op[2], op[3], op[4]))
        else:
            later.append(op)
    for (width, dash), segments in lines.items():
        canvas.setLineWidth(width)
        canvas.setDash(*(dash or ((), 0)))
        canvas.lines(segments)
    canvas.setDash((), 0)
    if has_text:
        canvas.drawText(text)
    for op in later:
        if op[0] == "rect":
            canvas.setLineWidth(op[5])
            canvas.rect(op[1], op[2], op[3], op[4], stroke=1, fill=0)
        elif op[0] == "draw":
            canvas.saveState()
            op[5](canvas, op[1], op[2], op[3], op[4])
            canvas.restoreState()
        else:
            raise ValueError(f"unknown page op {op[0]!r}")
