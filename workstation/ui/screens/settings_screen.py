"""Settings: office and window, printer, font size, theme, idle lock. F2 saves, Esc cancels.

`check_input` holds the rules apart from the widgets (testable without a screen); the look is
applied as soon as it is saved.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.router import Screen
from workstation.ui.settings import MAX_LOCK_MINUTES, Settings

if TYPE_CHECKING:
    from workstation.ui.shell import CatalogState, Shell


def check_input(base: Settings, *, office: str, window: str, printer: str, font: str, theme: str,
                lock_minutes: str) -> tuple[Settings | None, list[str]]:
    """New settings from what was typed, or the Russian reasons they cannot be saved."""
    problems = []
    try:
        minutes = int(lock_minutes.strip())
        if not 0 <= minutes <= MAX_LOCK_MINUTES:
            raise ValueError
    except ValueError:
        problems.append(t.SETTINGS_BAD_LOCK)
        minutes = base.lock_minutes
    window = window.strip()
    if len(window) > 10:
        problems.append(t.SETTINGS_BAD_WINDOW)
    if problems:
        return None, problems
    return replace(base, office=office, window=window, printer=printer.strip(), font=font, theme=theme,
                   lock_minutes=minutes), []


class SettingsScreen(Screen):
    name = "settings"

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self._actions = [Action("F2", t.ACT_SAVE, self.save), Action("Escape", t.ACT_CANCEL, self.cancel_edit)]
        self.build_header(t.SETTINGS_TITLE, "", self._actions)
        form = tb.Frame(self)
        form.pack(anchor="nw", fill="x")
        form.columnconfigure(1, weight=1)

        def label(row: int, text: str) -> None:
            tb.Label(form, text=text).grid(row=row, column=0, sticky="nw", padx=(0, 16), pady=(8, 0))

        label(0, t.SETTINGS_OFFICE)
        self.office = tb.Combobox(form, state="readonly", width=64)
        self.office.grid(row=0, column=1, sticky="w", pady=(6, 0))
        self.office_ids: list[str] = [""]
        label(1, t.SETTINGS_WINDOW)
        self.window_entry = tb.Entry(form, width=8)
        self.window_entry.grid(row=1, column=1, sticky="w", pady=(6, 0))
        label(2, t.SETTINGS_PRINTER)
        self.printer = tb.Entry(form, width=40)
        self.printer.grid(row=2, column=1, sticky="w", pady=(6, 0))
        tb.Label(form, text=t.SETTINGS_PRINTER_HINT, style="Small.TLabel").grid(row=3, column=1, sticky="w")
        label(4, t.SETTINGS_FONT)
        self.font = tk.StringVar(self)
        fonts = tb.Frame(form)
        fonts.grid(row=4, column=1, sticky="w", pady=(6, 0))
        for value, text in (("normal", t.SETTINGS_FONT_NORMAL), ("large", t.SETTINGS_FONT_LARGE)):
            tb.Radiobutton(fonts, text=text, value=value, variable=self.font).pack(side="left", padx=(0, 16))
        label(5, t.SETTINGS_THEME)
        self.theme = tk.StringVar(self)
        themes = tb.Frame(form)
        themes.grid(row=5, column=1, sticky="w", pady=(6, 0))
        for value, text in (("light", t.SETTINGS_THEME_LIGHT), ("contrast", t.SETTINGS_THEME_CONTRAST)):
            tb.Radiobutton(themes, text=text, value=value, variable=self.theme).pack(side="left", padx=(0, 16))
        label(6, t.SETTINGS_LOCK)
        self.lock = tb.Spinbox(form, from_=0, to=MAX_LOCK_MINUTES, width=6)
        self.lock.grid(row=6, column=1, sticky="w", pady=(6, 0))
        tb.Label(form, text=t.SETTINGS_LOCK_HINT, style="Small.TLabel").grid(row=7, column=1, sticky="w")
        self.message = tb.Label(form, style="Error.TLabel", justify="left")
        self.message.grid(row=8, column=1, sticky="w", pady=(12, 0))

    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        return self.office

    def on_show(self) -> None:
        s = self.shell.settings
        self.shell.when_catalog(self._offices)
        self._offices(self.shell.catalog)
        self.window_entry.delete(0, "end")
        self.window_entry.insert(0, s.window)
        self.printer.delete(0, "end")
        self.printer.insert(0, s.printer)
        self.font.set(s.font)
        self.theme.set(s.theme)
        self.lock.set(str(s.lock_minutes))
        self.message.configure(text="")

    def _offices(self, state: CatalogState | None) -> None:
        if not self.winfo_exists():
            return
        offices = sorted(state.catalog.offices.values(), key=lambda o: o.id) if state else []
        self.office_ids = ["", *(o.id for o in offices)]
        labels = [t.SETTINGS_OFFICE_NONE, *(f"{o.id} — {o.name}" for o in offices)]
        current = self.shell.settings.office
        if current and current not in self.office_ids:
            self.office_ids.append(current)
            labels.append(current)
        self.office.configure(values=labels)
        self.office.current(self.office_ids.index(current) if current in self.office_ids else 0)

    def save(self) -> None:
        index = self.office.current()
        office = self.office_ids[index] if 0 <= index < len(self.office_ids) else ""
        settings, problems = check_input(
            self.shell.settings, office=office, window=self.window_entry.get(), printer=self.printer.get(),
            font=self.font.get(), theme=self.theme.get(), lock_minutes=self.lock.get(),
        )
        if settings is None:
            self.message.configure(text="\n".join(problems))
            return
        self.shell.apply_settings(settings)
        self.shell.notice.show(t.SETTINGS_SAVED, "info")
        self.shell.show_home()

    def cancel_edit(self) -> None:
        self.shell.show_home()

    def cancel(self) -> bool:
        self.cancel_edit()
        return True
