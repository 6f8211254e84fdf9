"""A vertically scrolled body that keeps the focused widget in view.

Keyboard users move through a long form with Tab and Enter; the body scrolls so that the
widget getting focus is visible (`watch` adds the behaviour to a subtree). The mouse wheel
works while the pointer is over the body.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import ttkbootstrap as tb

_TAG = "MfcScrollWatch"


class ScrollFrame(tb.Frame):
    def __init__(self, master: tk.Misc, **kwargs: Any) -> None:
        super().__init__(master, **kwargs)
        self.canvas = tb.Canvas(self, highlightthickness=0, borderwidth=0)
        self.bar = tb.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self._on_scroll)
        self.body = tb.Frame(self.canvas)
        self._window = self.canvas.create_window(0, 0, window=self.body, anchor="nw")
        self.canvas.grid(row=0, column=0, sticky="nsew")
        self.bar.grid(row=0, column=1, sticky="ns")
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.body.bind("<Configure>", self._on_body, add="+")
        self.canvas.bind("<Configure>", self._on_canvas, add="+")
        self.bind("<Enter>", self._wheel_on, add="+")
        self.bind("<Leave>", self._wheel_off, add="+")
        self.bind_class(_TAG, "<FocusIn>", self._on_focus, add="+")

    def _on_scroll(self, first: str, last: str) -> None:
        self.bar.set(first, last)

    def _on_body(self, _event: tk.Event) -> None:
        self.canvas.configure(scrollregion=(0, 0, self.body.winfo_reqwidth(), self.body.winfo_reqheight()))

    def _on_canvas(self, event: tk.Event) -> None:
        self.canvas.itemconfigure(self._window, width=event.width)

    def _wheel_on(self, _event: tk.Event) -> None:
        self.bind_all("<Button-4>", self._wheel_up)
        self.bind_all("<Button-5>", self._wheel_down)
        self.bind_all("<MouseWheel>", self._wheel)

    def _wheel_off(self, _event: tk.Event) -> None:
        for seq in ("<Button-4>", "<Button-5>", "<MouseWheel>"):
            self.unbind_all(seq)

    def _wheel_up(self, _event: tk.Event) -> None:
        self.canvas.yview_scroll(-3, "units")

    def _wheel_down(self, _event: tk.Event) -> None:
        self.canvas.yview_scroll(3, "units")

    def _wheel(self, event: tk.Event) -> None:
        self.canvas.yview_scroll(-1 if event.delta > 0 else 1, "units")

    # --- keeping the focus in view ---------------------------------------------------------
    def watch(self, widget: tk.Misc) -> None:
        """Scroll to any focusable widget under `widget` when it gets the focus."""
        stack = [widget]
        while stack:
            w = stack.pop()
            tags = w.bindtags()
            if _TAG not in tags:
                w.bindtags((*tags, _TAG))
            stack.extend(w.winfo_children())

    def _on_focus(self, event: tk.Event) -> None:
        widget = event.widget
        if isinstance(widget, tk.Misc) and str(widget).startswith(str(self.body)):
            self.see(widget)

    def see(self, widget: tk.Misc, margin: int = 24) -> None:
        body_height = self.body.winfo_height()
        view_height = self.canvas.winfo_height()
        if body_height <= 1 or view_height <= 1 or body_height <= view_height:
            return
        top = widget.winfo_rooty() - self.body.winfo_rooty()
        bottom = top + widget.winfo_height()
        first, last = (float(x) for x in self.canvas.yview())
        view_top, view_bottom = first * body_height, last * body_height
        if top - margin < view_top:
            target = max(0, top - margin)
        elif bottom + margin > view_bottom:
            target = min(body_height - view_height, bottom + margin - view_height)
        else:
            return
        self.canvas.yview_moveto(target / body_height)

    def to_top(self) -> None:
        self.canvas.yview_moveto(0)
