"""The case number as machine-readable marks: a QR code and a Code 128 barcode (ReportLab's own
barcode module, no extra dependency).

A receipt carries both: the QR code for phone cameras and 2D scanners, Code 128 for the
ordinary laser scanners at the issuance window. Each mark is drawn once per PDF as a form
XObject and reused, so the second copy of a receipt costs nothing; the QR matrix of a number
is cached, so a reprint does not compute it again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from reportlab.graphics.barcode import code128, qrencoder
from reportlab.pdfgen.canvas import Canvas

QUIET_MODULES = 2  # white modules kept around the QR code inside its box


@lru_cache(maxsize=2048)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """Dark/light modules of the QR code of `text` (error correction level M, best mask)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    return tuple(tuple(bool(v) for v in row) for row in code.modules)


def _in_form(canvas: Canvas, name: str, width: float, height: float, x: float, y: float,
             draw: Callable[[Canvas], None]) -> None:
    if not canvas.hasForm(name):
        canvas.beginForm(name, lowerx=0, lowery=0, upperx=width, uppery=height)
        draw(canvas)
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()


def draw_qr(canvas: Canvas, x: float, y: float, size: float, text: str) -> None:
    """A QR code of `text` filling the square (x, y, size), quiet zone included."""
    matrix = qr_matrix(text)
    count = len(matrix)
    module = size / (count + 2 * QUIET_MODULES)

    def paint(c: Canvas) -> None:
        path = c.beginPath()
        for r, row in enumerate(matrix):
            top = size - (r + QUIET_MODULES) * module
            col = 0
            while col < count:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < count and row[col]:
                    col += 1
                path.rect((start + QUIET_MODULES) * module, top - module, (col - start) * module, module)
        c.setFillGray(0)
        c.drawPath(path, stroke=0, fill=1)

    _in_form(canvas, f"qr-{text}-{size:.1f}", size, size, x, y, paint)


def code128_width(text: str, bar_width: float = 1.0) -> float:
    return float(code128.Code128(text, barWidth=bar_width, quiet=False, humanReadable=False).width)


def draw_code128(canvas: Canvas, x: float, y: float, width: float, height: float, text: str) -> None:
    """A Code 128 barcode of `text`, as wide as fits in `width` (bars at most 1.2 pt), centred."""
    bar = min(1.2, width / code128_width(text))
    barcode = code128.Code128(text, barWidth=bar, barHeight=height, quiet=False, humanReadable=False)
    offset = (width - barcode.width) / 2

    def paint(c: Canvas) -> None:
        c.setFillGray(0)
        barcode.drawOn(c, offset, 0)

    _in_form(canvas, f"c128-{text}-{width:.1f}-{height:.1f}", width, height, x, y, paint)
