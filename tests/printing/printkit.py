"""Helpers of the printing tests: the built-in catalog, text and positions out of a PDF, and
barcodes read back from a rendered page."""

from __future__ import annotations

import io
from functools import lru_cache

import pytest
from pypdf import PdfReader

from forms.compiler import CompileResult, compile_folder, compile_sources
from forms.loader import builtin_folder, read_sources
from forms.model import Catalog


@lru_cache(maxsize=1)
def compiled_builtin() -> CompileResult:
    return compile_folder(builtin_folder())


def builtin_catalog() -> Catalog:
    result = compiled_builtin()
    if not result.ok or result.catalog is None:
        pytest.fail("the built-in catalog does not compile:\n" + "\n".join(map(str, result.errors)))
    return result.catalog


def builtin_service_ids() -> list[str]:
    """Every service of the built-in catalog (collected when the test module is imported)."""
    result = compiled_builtin()
    if result.catalog is None:
        return ["<catalog does not compile>"]
    return sorted(result.catalog.services)


def catalog_with(changes: dict[str, str], *, edit: dict[str, tuple[str, str]] | None = None) -> Catalog:
    """The built-in catalog's sources with files replaced (`changes`) or edited (`edit`: file ->
    (old text, new text)), compiled."""
    sources = read_sources(builtin_folder())
    sources.update(changes)
    for name, (old, new) in (edit or {}).items():
        assert old in sources[name], f"{old!r} not in {name}"
        sources[name] = sources[name].replace(old, new, 1)
    result = compile_sources(sources, check_examples=False)
    assert result.ok and result.catalog is not None, "\n".join(map(str, result.errors))
    return result.catalog


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF, no-break spaces read as spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def page_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
            for p in reader.pages]


def char_boxes(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: every drawn character with its box (left, bottom, right, top) in points."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in doc:
            text = page.get_textpage()
            chars = []
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                if ch.strip():
                    chars.append((ch, *text.get_charbox(i)))
            pages.append(chars)
    finally:
        doc.close()
    return pages


def read_codes(pdf: bytes, page: int = 0, dpi: int = 200) -> list[tuple[str, str]]:
    """(format, text) of every barcode zxing-cpp finds on a page rendered with pypdfium2."""
    import zxingcpp

    from printing.preview import render_pages

    image = render_pages(pdf, dpi=dpi, pages=[page])[0]
    return [(str(code.format), code.text) for code in zxingcpp.read_barcodes(image)]
