"""The root's X input methods and the entry cursor rule (`input_methods.py`, `app.entry_cursor_in_tcl`).

On a real Tk under Xvfb. Xvfb offers Xlib's local input method, so Tk starts with XIM on, as on a
desktop without IBus. Not exercised here: real Cyrillic key events with XIM off — this Xvfb keeps
its US keymap whatever `setxkbmap`/`xmodmap` ask, so no key of the display produces a Cyrillic
symbol; the reasoning (Tk 8.6.13's `TkpGetString` fallback reads `XLookupString`'s UTF-8) is in
the module's docstring.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workstation.ui.input_methods import ENV, choose_input_methods


def _using(root: object) -> bool:
    return bool(root.tk.getboolean(root.tk.call("tk", "useinputmethods")))  # type: ignore[attr-defined]


@pytest.fixture
def xim_on(tk_root: object) -> Iterator[object]:
    """The display's XIM switched on for the test (it is one flag per display), then put back."""
    before = _using(tk_root)
    tk_root.tk.call("tk", "useinputmethods", 1)  # type: ignore[attr-defined]
    if not _using(tk_root):
        pytest.skip("this display offers no X input method")
    yield tk_root
    tk_root.tk.call("tk", "useinputmethods", int(before))  # type: ignore[attr-defined]


def test_a_utf8_locale_turns_input_methods_off(xim_on: object) -> None:
    assert choose_input_methods(xim_on, {}, utf8=True) is False  # type: ignore[arg-type]
    assert not _using(xim_on)


@pytest.mark.parametrize("value", ["1", "yes", "On"])
def test_the_environment_keeps_them(xim_on: object, value: str) -> None:
    assert choose_input_methods(xim_on, {ENV: value}, utf8=True) is True  # type: ignore[arg-type]
    assert _using(xim_on)


def test_another_encoding_keeps_them(xim_on: object) -> None:
    # Without XIM, Tk would take a KOI8-R or CP1251 key's bytes for UTF-8
    assert choose_input_methods(xim_on, {}, utf8=False) is True  # type: ignore[arg-type]
    assert _using(xim_on)


def test_the_app_root_starts_with_them_off_in_this_locale(xim_on: object) -> None:
    from workstation.ui.app import bare_root
    from workstation.ui.input_methods import _utf8_locale
    from workstation.ui.settings import Settings

    if not _utf8_locale():
        pytest.skip("the test process does not run in a UTF-8 locale")
    root = bare_root(Settings())
    try:
        assert not _using(root)
    finally:
        root.destroy()


def test_entries_get_an_arrow_only_when_they_cannot_be_edited(tk_root: object) -> None:
    import ttkbootstrap as tb

    frame = tb.Toplevel(master=tk_root, iconphoto=None)  # shown: an unmapped entry gets no <Configure>
    try:
        editable = tb.Entry(frame)
        readonly = tb.Entry(frame, state="readonly")
        text = tb.Text(frame, height=2)
        for widget in (editable, readonly, text):
            widget.pack()
        text.configure(state="disabled")
        tk_root.update()  # type: ignore[attr-defined]
        assert str(editable.cget("cursor")) == "xterm"
        assert str(readonly.cget("cursor")) == "arrow"
        assert str(text.cget("cursor")) == "arrow"
        readonly.configure(state="normal", width=30)  # editable again: the I-beam comes back
        text.configure(state="normal", height=3)
        tk_root.update()  # type: ignore[attr-defined]
        assert str(readonly.cget("cursor")) == "xterm"
        assert str(text.cget("cursor")) == "xterm"
        # the rule is Tcl only: no Python command is called on an entry's <Configure>
        for class_name in ("TEntry", "TSpinbox", "TCombobox", "Text"):
            assert tk_root.bind_class(class_name, "<Configure>").strip() == "::mfc_entry_cursor %W"  # type: ignore[attr-defined]
    finally:
        frame.destroy()
