"""X input methods (XIM): off on X11 when the locale is UTF-8.

Why. Tk 8.6 gives every window an X input context on the first event it gets while input
methods are on — frames and labels included — and with Xlib's local input method each context
costs a round trip to the X server (`XCreateIC` reads the window's attributes). A 60-field form
is about 300 windows: on the benchmark's machine that was 60 of its 130 ms to open, and it is
paid again by every form, card and list built later.

What is lost, what is not. Without XIM Tk reads a key through `XLookupString`, which turns the
key's symbol into text in the locale's encoding (libX11 maps it to Unicode first), and Tk 8.6.13
takes the bytes as UTF-8 — so in a UTF-8 locale Cyrillic and every other letter a keyboard
layout gives still arrive (layouts are switched by XKB, not by an input method). What is lost is
composing through an input method: the Compose key and IBus/fcitx pre-editing (CJK). Nobody at a
Moscow office types Russian that way; a workstation that needs it sets
`MFC_X_INPUT_METHODS=1`. In any other encoding Tk could not read a multi-byte key without XIM,
so there input methods stay as Tk set them. Windows and macOS have no XIM: nothing to do.
"""

from __future__ import annotations

import codecs
import locale
import logging
import os
import tkinter as tk
from collections.abc import Mapping

log = logging.getLogger(__name__)

ENV = "MFC_X_INPUT_METHODS"


def _utf8_locale() -> bool:
    try:
        return codecs.lookup(locale.nl_langinfo(locale.CODESET)).name == "utf-8"
    except (AttributeError, LookupError):  # no nl_langinfo (Windows) or an unknown codeset
        return False


def choose_input_methods(root: tk.Misc, environ: Mapping[str, str] | None = None,
                         *, utf8: bool | None = None) -> bool:
    """Switch XIM off where that is safe (see the module); returns whether Tk still uses it."""
    environ = os.environ if environ is None else environ
    if root.tk.call("tk", "windowingsystem") != "x11":
        return False
    using = bool(root.tk.getboolean(root.tk.call("tk", "useinputmethods")))
    if not using:
        return False  # no input method on this display
    if environ.get(ENV, "").strip().lower() in ("1", "yes", "true", "on"):
        log.info("X input methods kept (%s)", ENV)
        return True
    if not (_utf8_locale() if utf8 is None else utf8):
        log.info("X input methods kept: the locale is not UTF-8")
        return True
    root.tk.call("tk", "useinputmethods", 0)
    return False
