"""Print preview after acceptance: the application's pages as images, then print everything.

The papers are rendered (PDF, then page images with `printing.preview.render_pages`) on the IO
lane; only the Tk photos are made here. Enter or Ctrl+P prints every paper (the applications
and the receipt), Esc closes without printing (the case stays accepted; Ctrl+P on the case
prints later).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import Shell

PREVIEW_DPI = 88  # an A4 page ≈ 730 px wide: readable at 1366×768


def render_for_preview(printing: Any, case_ids: Sequence[str]) -> tuple[list[Any], list[Any]]:
    """(papers, page images of the first paper) — runs on the IO lane."""
    from printing.preview import render_pages

    papers = printing.papers(list(case_ids))
    images = render_pages(papers[0].pdf, dpi=PREVIEW_DPI) if papers else []
    return papers, images


class PrintPreview(tb.Toplevel):
    def __init__(self, shell: Shell, ref: str, papers: Sequence[Any], images: Sequence[Any],
                 on_close: Callable[[], None] | None = None) -> None:
        super().__init__(master=shell.window, title=t.PREVIEW_TITLE.format(title=papers[0].title if papers else ""),
                         iconphoto=None)
        self.shell = shell
        self.ref = ref
        self.papers = list(papers)
        self.printed: list[Any] | None = None
        self._on_close = on_close
        from PIL import ImageTk

        self._photos = [ImageTk.PhotoImage(image, master=self) for image in images]
        self.geometry("800x740+40+0")
        self.transient(shell.window)
        bar = tb.Frame(self, padding=8)
        bar.pack(fill="x")
        self.print_button = tb.Button(bar, text=t.PREVIEW_PRINT, command=self.print_all, bootstyle="primary")
        self.print_button.pack(side="left")
        tb.Button(bar, text=t.PREVIEW_CLOSE, command=self.close, bootstyle="secondary").pack(side="left", padx=8)
        names = ", ".join(p.title for p in self.papers)
        first = papers[0].title.capitalize() if papers else ""
        tb.Label(self, text=t.PREVIEW_PAGES.format(paper=first, n=len(self._photos), all=names), wraplength=760,
                 padding=(8, 0)).pack(fill="x")
        canvas = tk.Canvas(self, highlightthickness=0, background="#808080")
        scroll = tb.Scrollbar(self, orient="vertical", command=canvas.yview)
        canvas.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        canvas.pack(fill="both", expand=True)
        y = 10
        for photo in self._photos:
            canvas.create_image(10, y, image=photo, anchor="nw")
            y += photo.height() + 10
        canvas.configure(scrollregion=(0, 0, 780, y))
        self.canvas = canvas
        for key in ("<Return>", "<KP_Enter>", "<Control-p>", "<Control-Cyrillic_ze>"):
            self.bind(key, lambda _e: self.print_all())
        self.bind("<Escape>", lambda _e: self.close())
        self.bind("<Next>", lambda _e: canvas.yview_scroll(1, "pages"))
        self.bind("<Prior>", lambda _e: canvas.yview_scroll(-1, "pages"))
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.print_button.focus_set()
        self.after_idle(self._grab_focus)

    def _grab_focus(self) -> None:
        if self.winfo_exists():
            self.lift()
            self.print_button.focus_force()

    def print_all(self) -> None:
        if self.printed is not None:
            return
        self.printed = []
        shell = self.shell
        printing = shell.backends.printing
        ref, papers = self.ref, self.papers

        def done(paths: list[Any]) -> None:
            shell.notice.show(t.PRINTED.format(n=len(paths), names=", ".join(p.title for p in papers)), "info",
                              timeout_ms=15000)

        shell.runner.submit(Lane.IO, printing.send, ref, papers, shell.settings.printer, on_done=done,
                            label="print")
        self.close()

    def close(self) -> None:
        if self.winfo_exists():
            self.destroy()
        if self._on_close is not None:
            self._on_close()


def preview_after_accept(shell: Shell, case_ids: Sequence[str]) -> None:
    """Render the papers of just-accepted cases and open the preview (if the printing can)."""
    printing = shell.backends.printing
    if not case_ids or not hasattr(printing, "papers"):
        return

    def show(result: tuple[list[Any], list[Any]]) -> None:
        papers, images = result
        if shell.closed or not papers:
            return
        shell.preview = PrintPreview(shell, case_ids[0], papers, images,
                                     on_close=lambda: setattr(shell, "preview", None))

    shell.runner.submit(Lane.IO, render_for_preview, printing, list(case_ids), on_done=show, label="preview")
