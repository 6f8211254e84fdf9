"""Look: the light theme, the high-contrast theme and our named styles (font sizes: `fonts.py`).

Two themes only, chosen in Settings: ttkbootstrap's `bootstrap-light`, and `mfc-contrast` — white
text on black, yellow accents, white borders (the Windows «High Contrast Black» idea), for
specialists with low vision and for windows facing the sun. Font size works through the standard
Tk named fonts, so every widget follows; our own styles (titles, messages, status bar) are
re-made from the theme's colours after each switch because ttk styles belong to one theme.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from dataclasses import dataclass

import ttkbootstrap as tb
from ttkbootstrap.style.theme import Colors, ThemeDefinition

from workstation.ui.fonts import apply_fonts

LIGHT = "bootstrap-light"
CONTRAST = "mfc-contrast"
THEMES = {"light": LIGHT, "contrast": CONTRAST}

_CONTRAST_COLORS = dict(
    primary="#ffff00",
    secondary="#c8c8c8",
    success="#3dff6e",
    info="#4de1ff",
    warning="#ffd000",
    danger="#ff7a7a",
    light="#ffffff",
    dark="#000000",
    bg="#000000",
    fg="#ffffff",
    selectbg="#00ffff",
    selectfg="#000000",
    border="#ffffff",
    inputfg="#ffffff",
    inputbg="#000000",
    active="#3a3a3a",
)


@dataclass(frozen=True, slots=True)
class Palette:
    bg: str
    fg: str
    chrome: str  # header, status bar
    card: str  # summary panels
    muted: str
    error: str
    warning: str
    ok: str
    accent: str
    notice_error: tuple[str, str]  # (background, foreground)
    notice_warning: tuple[str, str]
    notice_info: tuple[str, str]


def palette(theme: str, colors: Colors) -> Palette:
    if theme == CONTRAST:
        return Palette(
            bg="#000000", fg="#ffffff", chrome="#000000", card="#000000", muted="#e0e0e0",
            error="#ff8a8a", warning="#ffd84d", ok="#3dff6e", accent="#ffff00",
            notice_error=("#5c0000", "#ffffff"), notice_warning=("#4d3d00", "#ffffff"),
            notice_info=("#003a4d", "#ffffff"),
        )
    return Palette(
        bg=colors.bg, fg=colors.fg, chrome="#e9ecef", card="#f4f6f8", muted="#5c636a",
        error="#b02a37", warning="#8a5300", ok="#146c43", accent=colors.primary,
        notice_error=("#f8d7da", "#58151c"), notice_warning=("#fff3cd", "#664d03"),
        notice_info=("#cff4fc", "#055160"),
    )


def register_themes(style: tb.Style) -> None:
    if CONTRAST not in style.theme_names():
        style.register_theme(ThemeDefinition(CONTRAST, Colors(**_CONTRAST_COLORS), "dark"))


def apply_row_height(style: tb.Style, root: tk.Misc) -> None:
    """Treeview rows as tall as the font needs (asking X for font metrics takes a few ms: done
    after the first screen shows, and again when the font size changes)."""
    line = tkfont.nametofont("TkDefaultFont", root=root).metrics("linespace")
    style.configure("Treeview", rowheight=line + 10)
    style.configure("Tall.Treeview", rowheight=2 * line + 8)  # two-line cells (the service list)


def apply_styles(style: tb.Style, root: tk.Misc) -> Palette:
    """(Re)make our named ttk styles for the theme in use.

    Through ttkbootstrap's `Style.configure`, which registers each style and replays it after a
    theme switch: a ttkbootstrap widget given `style=` that ttkbootstrap does not know falls back
    to its default style, so styles made through plain `ttk.Style` silently do nothing.
    """
    theme = style.theme_use()
    colors = style.colors
    p = palette(theme, colors)
    style.configure("Title.TLabel", font="MfcTitle")
    style.configure("Heading.TLabel", font="MfcHeading")
    style.configure("Bold.TLabel", font="MfcBold")
    style.configure("Muted.TLabel", foreground=p.muted)
    style.configure("Small.TLabel", font="MfcSmall", foreground=p.muted)
    style.configure("Error.TLabel", font="MfcSmall", foreground=p.error)
    style.configure("Warning.TLabel", font="MfcSmall", foreground=p.warning)
    style.configure("Badge.TLabel", font="MfcBold", foreground=p.warning)  # «Конфликт версий»
    style.configure("Ok.TLabel", foreground=p.ok)
    style.configure("Chrome.TFrame", background=p.chrome)
    style.configure("Status.TLabel", background=p.chrome, foreground=p.fg, font="MfcSmall")
    style.configure("StatusMuted.TLabel", background=p.chrome, foreground=p.muted, font="MfcSmall")
    style.configure("StatusError.TLabel", background=p.chrome, foreground=p.error, font="MfcSmall")
    style.configure("StatusOk.TLabel", background=p.chrome, foreground=p.ok, font="MfcSmall")
    style.configure("Chrome.TLabel", background=p.chrome, foreground=p.fg)
    style.configure("ChromeTitle.TLabel", background=p.chrome, foreground=p.fg, font="MfcHeading")
    style.configure("ChromeMuted.TLabel", background=p.chrome, foreground=p.muted)
    style.configure("ChromeError.TLabel", background=p.chrome, foreground=p.error)
    style.configure("ChromeOk.TLabel", background=p.chrome, foreground=p.ok)
    style.configure("Card.TFrame", background=p.card)
    style.configure("Card.TLabel", background=p.card, foreground=p.fg)
    style.configure("CardHeading.TLabel", background=p.card, foreground=p.fg, font="MfcHeading")
    style.configure("CardMuted.TLabel", background=p.card, foreground=p.muted, font="MfcSmall")
    style.configure("CardBig.TLabel", background=p.card, foreground=p.fg, font="MfcHeading")
    style.configure("CardError.TLabel", background=p.card, foreground=p.error, font="MfcSmall")
    style.configure("CardWarning.TLabel", background=p.card, foreground=p.warning, font="MfcSmall")
    for kind, (bg, fg) in (("Error", p.notice_error), ("Warning", p.notice_warning), ("Info", p.notice_info)):
        style.configure(f"Notice{kind}.TFrame", background=bg)
        style.configure(f"Notice{kind}.TLabel", background=bg, foreground=fg)
    # ttkbootstrap widgets drop a `style=` on Labelframe; every labelframe is a form section here.
    style.configure("TLabelframe.Label", font="MfcHeading")
    style.configure("CalDay.TLabel", anchor="center", padding=(6, 3))
    style.configure("CalOther.TLabel", anchor="center", padding=(6, 3), foreground=p.muted)
    style.configure("CalPick.TLabel", anchor="center", padding=(6, 3), background=p.accent,
                    foreground=p.bg if theme == CONTRAST else "#ffffff")
    style.configure("CalHead.TLabel", anchor="center", font="MfcBold")
    return p


def apply_look(root: tk.Misc, style: tb.Style, theme_setting: str, font_setting: str, *,
               rows: bool = True) -> Palette:
    register_themes(style)
    wanted = THEMES.get(theme_setting, LIGHT)
    apply_fonts(root, font_setting)
    if style.theme_use() != wanted:
        style.theme_use(wanted)
    palette_ = apply_styles(style, root)
    if rows:
        apply_row_height(style, root)
    return palette_
