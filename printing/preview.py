"""Pages of a PDF as images, for the app's print preview and for the docs' sample papers.

pypdfium2 (PDFium, the renderer of Chromium) draws the very bytes that go to the printer, so
the preview shows what will be printed. Images are PIL images; the UI turns them into Tk
photos itself (this package never imports tkinter).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium


def page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_pages(pdf: bytes, *, dpi: float = 96, pages: Sequence[int] | None = None,
                 grayscale: bool = False) -> list[Any]:
    """PIL images of the given pages (0-based; all by default) at `dpi`."""
    doc = pdfium.PdfDocument(pdf)
    try:
        wanted = range(len(doc)) if pages is None else pages
        images = []
        for index in wanted:
            page = doc[index]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=grayscale)
                images.append(bitmap.to_pil())
            finally:
                page.close()
        return images
    finally:
        doc.close()


def save_pngs(pdf: bytes, folder: Path, stem: str, *, dpi: float = 96) -> list[Path]:
    """Every page as `folder/stem-N.png` (N from 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, image in enumerate(render_pages(pdf, dpi=dpi), start=1):
        path = folder / f"{stem}-{n}.png"
        image.save(path, optimize=True)
        paths.append(path)
    return paths
