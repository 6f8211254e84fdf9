"""The bundled fonts: DejaVu Serif for the papers' text, DejaVu Sans for checkboxes and small print.

The TrueType files ship inside the package (`printing/fonts/`, with the DejaVu licence), so a
PDF looks the same on every workstation and nothing depends on the fonts of the system.
Registration parses the files once per process; it is thread-safe and idempotent.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SERIF = "MFC-Serif"
SERIF_BOLD = "MFC-Serif-Bold"
SANS = "MFC-Sans"
SANS_BOLD = "MFC-Sans-Bold"

FOLDER = Path(__file__).resolve().parent / "fonts"

FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
}

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Make the bundled fonts known to ReportLab (a no-op after the first call)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FOLDER / file)))
        pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF, boldItalic=SERIF_BOLD)
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
        _registered = True


def width(text: str, font: str, size: float) -> float:
    """Width of `text` in points; fonts are registered on first use."""
    register()
    return pdfmetrics.stringWidth(text, font, size)
