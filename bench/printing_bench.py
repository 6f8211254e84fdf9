"""Printing figures: one application PDF, against a bare ReportLab document with the same text,
and a day's batch of receipts.

The baseline draws exactly the strings the application draws (same fonts and sizes, one
`drawString` each, same number of pages) with nothing else, so the ratio is the price of the
layout: the form engine's pass over the answers, wrapping, rules, boxes and tables.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from bench.figures import Figure, median, time_ms
from forms.compiler import compile_folder
from forms.loader import builtin_folder
from printing import fonts, render_application, render_receipt
from printing.application import layout_application
from printing.examples import example_case

APPLICATION_GOAL_MS = 15.0
APPLICATION_RATIO_GOAL = 1.5
RECEIPTS_GOAL_S = 20.0
RECEIPTS_FULL = 1000


def _baseline(pages: list[list[tuple]], size: tuple[float, float]) -> Callable[[], bytes]:
    """A bare ReportLab document drawing the same strings, page for page."""
    texts = [[(op[3], op[4], op[5]) for op in page if op[0] in ("text", "ctext", "rtext") and op[3]]
             for page in pages]

    def build() -> bytes:
        buf = io.BytesIO()
        canvas = Canvas(buf, pagesize=size, pageCompression=1, invariant=1)
        for page in texts:
            y = size[1] - 40
            for text, font, font_size in page:
                canvas.setFont(font, font_size)
                canvas.drawString(60, y, text)
                y = y - font_size * 1.2 if y > 60 else size[1] - 40
            canvas.showPage()
        canvas.save()
        return buf.getvalue()

    return build


def run(quick: bool) -> list[Figure]:
    result = compile_folder(builtin_folder())
    if result.catalog is None:
        raise RuntimeError("the built-in catalog does not compile:\n" + "\n".join(map(str, result.errors)))
    catalog = result.catalog
    fonts.register()
    repeat = 30 if quick else 100
    figures: list[Figure] = []

    for service_id in ("passport-rf", "ndfl-3"):
        if service_id not in catalog.services:
            continue
        case = example_case(catalog, service_id)
        laid = layout_application(catalog, case)
        baseline = _baseline(laid.pages, (laid.spec.width, laid.spec.height))
        app_ms = median(time_ms(lambda case=case: render_application(catalog, case), repeat=repeat))
        base_ms = median(time_ms(baseline, repeat=repeat))
        figures.append(Figure(
            f"application PDF, {service_id} ({len(laid.pages)} p.), median", app_ms, "ms",
            goal=APPLICATION_GOAL_MS, baseline=base_ms, ratio_goal=APPLICATION_RATIO_GOAL,
            note="baseline: bare canvas, same strings",
        ))

    count = 100 if quick else RECEIPTS_FULL
    cases = [example_case(catalog, "passport-rf", number=f"0101-2026-{n:06d}") for n in range(1, count + 1)]
    render_receipt(catalog, cases[:1])  # warm-up
    start = time.perf_counter()
    for case in cases:
        render_receipt(catalog, [case])
    elapsed = time.perf_counter() - start
    figures.append(Figure(
        f"{count} receipts (two copies, QR + Code 128 each)", elapsed, "s",
        goal=RECEIPTS_GOAL_S * count / RECEIPTS_FULL,
        note=f"{elapsed / count * 1000:.1f} ms each",
    ))
    return figures
