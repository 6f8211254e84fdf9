"""Font sizes: the Tk named fonts every widget follows, and our own (titles, headings, small print).

Plain Tk only, so the login card drawn before ttkbootstrap loads (`early_login.py`) has the very
fonts the login screen uses afterwards.
"""

from __future__ import annotations

import contextlib
import tkinter as tk
import tkinter.font as tkfont

FONT_SIZES = {"normal": 10, "large": 13}

_OWN_FONTS = {
    # name: (size offset from the base size, weight)
    "MfcTitle": (6, "bold"),
    "MfcHeading": (2, "bold"),
    "MfcBold": (0, "bold"),
    "MfcSmall": (-1, "normal"),
}


def apply_fonts(root: tk.Misc, size_name: str) -> int:
    """Resize the Tk named fonts and ours; returns the base size in points."""
    base = FONT_SIZES.get(size_name, FONT_SIZES["normal"])
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkTooltipFont", "TkIconFont",
                 "TkCaptionFont", "TkSmallCaptionFont", "TkFixedFont"):
        try:
            tkfont.nametofont(name, root=root).configure(size=base)
        except tk.TclError:
            continue
    with contextlib.suppress(tk.TclError):
        tkfont.nametofont("TkHeadingFont", root=root).configure(size=base, weight="bold")
    default = tkfont.nametofont("TkDefaultFont", root=root)
    family = default.cget("family") or default.actual("family")  # cget is cheap; actual() asks X
    # A tkinter Font made with a new name deletes that Tk font when garbage-collected: keep ours
    # referenced from the root for as long as it lives.
    own: dict[str, tkfont.Font] = getattr(root, "_mfc_fonts", {})
    for name, (offset, weight) in _OWN_FONTS.items():
        font = own.get(name)
        if font is None:
            own[name] = tkfont.Font(root=root, name=name, family=family, size=base + offset, weight=weight)
        else:
            font.configure(family=family, size=base + offset, weight=weight)
    root._mfc_fonts = own  # type: ignore[attr-defined]
    return base
