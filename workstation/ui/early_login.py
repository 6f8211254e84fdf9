"""The login card, drawn with plain Tk while ttkbootstrap loads.

Importing ttkbootstrap and building its theme take about 130 ms, more than a bare Tk window takes
to open. So `app.run` opens the window with this card first: the login screen's own layout
(`login_card.py`), fonts and colours, on a small ttk theme (clam, as ttkbootstrap's themes are)
made here in one Tcl call. The specialist sees the window at once and may start typing; the shell
is then built in the same root, and `hand_over` gives the login screen what was typed, where the
cursor was and whether Enter was already pressed, and removes this card. Keys pressed while the
shell is being built wait in the event queue and reach the login screen's fields.

`tests/ui/test_ui_early_login.py` checks these colours against the theme ttkbootstrap builds.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass
from tkinter import ttk
from typing import Any

from workstation.ui import texts as t
from workstation.ui.fonts import apply_fonts
from workstation.ui.login_card import BUTTON_STYLE, CARD_STYLE, bind_enter, build_login_card


@dataclass(frozen=True, slots=True)
class EarlyColors:
    bg: str
    fg: str
    field_border: str
    focus: str  # a focused field's border
    primary: str
    on_primary: str
    primary_border: str
    card_border: str
    muted: str
    error: str
    chrome: str


EARLY_COLORS = {
    # as ttkbootstrap's bootstrap-light and our palette (`theme.palette`) give them
    "light": EarlyColors(bg="#ffffff", fg="#212529", field_border="#d6d6d6", focus="#0a58ca", primary="#0a58ca",
                         on_primary="#ffffff", primary_border="#3173d2", card_border="#d6d6d6", muted="#5c636a",
                         error="#b02a37", chrome="#e9ecef"),
    # as the mfc-contrast theme (`theme._CONTRAST_COLORS`) and its palette give them
    "contrast": EarlyColors(bg="#000000", fg="#ffffff", field_border="#ffffff", focus="#ffff00", primary="#ffff00",
                            on_primary="#000000", primary_border="#d6d600", card_border="#292929", muted="#e0e0e0",
                            error="#ff8a8a", chrome="#000000"),
}


def early_theme(c: EarlyColors) -> dict[str, dict[str, Any]]:
    """`ttk.Style.theme_create` settings: only the styles the card and the status strip use."""
    field = {"fieldbackground": c.bg, "foreground": c.fg, "insertcolor": c.fg, "padding": 5,
             "bordercolor": c.field_border, "lightcolor": c.bg, "darkcolor": c.bg}
    focused = [("focus", "!disabled", c.focus)]
    return {
        ".": {"configure": {"background": c.bg, "foreground": c.fg, "borderwidth": 1, "focuscolor": "",
                            "selectbackground": c.focus, "selectforeground": c.on_primary}},
        "TFrame": {"configure": {"background": c.bg}},
        "TLabel": {"configure": {"background": c.bg, "foreground": c.fg}},
        "TEntry": {"configure": field,
                   "map": {"bordercolor": focused, "lightcolor": focused, "darkcolor": focused}},
        BUTTON_STYLE: {"configure": {"anchor": "center", "padding": (10, 4), "relief": "raised", "borderwidth": 1,
                                     "background": c.primary, "foreground": c.on_primary,
                                     "bordercolor": c.primary_border, "lightcolor": c.primary,
                                     "darkcolor": c.primary, "focuscolor": c.on_primary, "focusthickness": 1}},
        CARD_STYLE: {"configure": {"relief": "raised", "borderwidth": 1, "background": c.bg,
                                   "bordercolor": c.card_border, "lightcolor": c.bg, "darkcolor": c.bg}},
        "Title.TLabel": {"configure": {"font": "MfcTitle"}},
        "Muted.TLabel": {"configure": {"foreground": c.muted}},
        "Small.TLabel": {"configure": {"font": "MfcSmall", "foreground": c.muted}},
        "Error.TLabel": {"configure": {"font": "MfcSmall", "foreground": c.error}},
        "Chrome.TFrame": {"configure": {"background": c.chrome}},
        "StatusMuted.TLabel": {"configure": {"background": c.chrome, "foreground": c.muted, "font": "MfcSmall"}},
    }


class EarlyLogin:
    """The card over the whole window, laid out as the shell lays out its login screen: the
    content area with the screen's padding, and a status strip as tall as the status bar."""

    def __init__(self, root: tk.Tk, theme_setting: str, font_setting: str) -> None:
        apply_fonts(root, font_setting)
        colors = EARLY_COLORS.get(theme_setting, EARLY_COLORS["light"])
        style = ttk.Style(root)
        name = f"mfc-early-{theme_setting if theme_setting in EARLY_COLORS else 'light'}"
        if name not in style.theme_names():
            style.theme_create(name, parent="clam", settings=early_theme(colors))
        style.theme_use(name)
        root.configure(background=colors.bg)
        self.root = root
        self.frame = ttk.Frame(root)
        self.frame.place(x=0, y=0, relwidth=1, relheight=1)
        self.frame.columnconfigure(0, weight=1)
        self.frame.rowconfigure(0, weight=1)
        screen = ttk.Frame(self.frame, padding=(16, 10))  # the shell's screens have this padding
        screen.grid(row=0, column=0, sticky="nsew")
        strip = ttk.Frame(self.frame, style="Chrome.TFrame", padding=(10, 3))  # as the status bar
        strip.grid(row=1, column=0, sticky="ew")
        ttk.Label(strip, text=t.STATUS_STARTING, style="StatusMuted.TLabel").pack(side="left")
        parts = build_login_card(screen, ttk, command=self._submit)
        self.parts = parts
        self.login_entry: ttk.Entry = parts.login_entry
        self.password_entry: ttk.Entry = parts.password_entry
        self.submitted = False
        self._watched: tuple[str, ...] = ()
        bind_enter(parts, self._submit)
        self.login_entry.focus_set()

    def when_drawn(self, callback: Any) -> None:
        """Call `callback()` once every widget of the card is mapped and drawn (Tk maps a
        window's children after the window, in no promised order)."""
        waiting: set[str] = set()

        def walk(widget: tk.Misc) -> None:
            for child in widget.winfo_children():
                waiting.add(str(child))
                child.bind("<Map>", mapped, add="+")
                walk(child)

        def mapped(event: tk.Event) -> None:
            waiting.discard(str(event.widget))
            if not waiting:
                for name in list(self._watched):
                    self.root.nametowidget(name).unbind("<Map>")
                self._watched = ()
                self.root.update_idletasks()
                callback()

        walk(self.frame)
        self._watched = tuple(waiting)

    def _submit(self) -> None:
        self.submitted = True  # done by the login screen once it is there

    def fail(self, report: Any) -> None:
        """The shell could not be built: the card stays, says so (an `errors.Report`), and takes
        no more input; the window's ✕ closes the app."""
        if not self.frame.winfo_exists():
            return
        self.frame.lift()  # over whatever of the shell was made before it failed
        text = t.START_FAILED.format(ref=report.reference) if report.reference else report.text
        self.parts.message.configure(text=text)
        for widget in (self.login_entry, self.password_entry, self.parts.button):
            widget.state(["disabled"])

    def hand_over(self, login_screen: Any) -> None:
        """Give the login screen what was typed and where, then remove the card. The focus is
        set from an idle callback queued after the shell's own (which puts it in the first field)."""
        focused = self.root.focus_get()
        target = None
        for mine, theirs in ((self.login_entry, login_screen.login_entry),
                             (self.password_entry, login_screen.password_entry)):
            text = mine.get()
            if text:
                theirs.delete(0, "end")
                theirs.insert(0, text)
                theirs.icursor(mine.index("insert"))
            if focused is mine:
                target = theirs
        submitted = self.submitted
        self.frame.destroy()
        if submitted:
            login_screen.submit()
        elif target is not None:
            self.root.after_idle(target.focus_set)
