"""Page images for the print preview."""

from __future__ import annotations

from printing.application import render_application
from printing.examples import example_case
from printing.preview import page_count, render_pages, save_pngs


def test_pages_render_to_images(catalog, tmp_path):
    pdf = render_application(catalog, example_case(catalog, "passport-rf"))
    images = render_pages(pdf, dpi=50)
    assert len(images) == page_count(pdf) >= 1
    width, height = images[0].size
    assert abs(width - 148 / 25.4 * 50) <= 1.5 and abs(height - 210 / 25.4 * 50) <= 1.5
    dark = images[0].convert("L").histogram()[:128]
    dark = sum(dark)
    assert dark > 500  # something is drawn
    paths = save_pngs(pdf, tmp_path, "card", dpi=30)
    assert paths[0].name == "card-1.png"
