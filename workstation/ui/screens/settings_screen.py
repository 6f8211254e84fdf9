"""Settings: office and workstation codes, printer, font size, theme, idle lock. F2 saves, Esc cancels.

`check_input` holds the rules apart from the widgets (testable without a screen); the look is
applied as soon as it is saved. The office and workstation shown are the store's device codes
(`Backends.device`, the codes in case numbers); only an administrator changes them, and only while
the store allows it (not enrolled with a server, no case numbered yet) — the store refuses too.
The printer list (`printing.list_printers()` through `Backends.printing.printers`) is fetched on the
IO lane: `lpstat` may take seconds when CUPS is slow.
"""

from __future__ import annotations

import re
import tkinter as tk
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ttkbootstrap as tb

from workstation.ui import texts as t
from workstation.ui.keys import Action
from workstation.ui.ports import PDF_ONLY, PrinterChoice
from workstation.ui.router import Screen
from workstation.ui.settings import MAX_LOCK_MINUTES, Settings
from workstation.ui.tasks import Lane

if TYPE_CHECKING:
    from workstation.ui.shell import CatalogState, Shell


def check_input(base: Settings, *, office: str, window: str, printer: str, font: str, theme: str,
                lock_minutes: str, codes_editable: bool = True) -> tuple[Settings | None, list[str]]:
    """New settings from what was typed, or the Russian reasons they cannot be saved.

    `window` is the workstation's three-digit code; when the codes may not be changed here
    (`codes_editable` False) the typed ones are ignored and `base`'s kept.
    """
    problems = []
    try:
        minutes = int(lock_minutes.strip())
        if not 0 <= minutes <= MAX_LOCK_MINUTES:
            raise ValueError
    except ValueError:
        problems.append(t.SETTINGS_BAD_LOCK)
        minutes = base.lock_minutes
    window = window.strip()
    if not codes_editable:
        office, window = base.office, base.window
    elif window and not re.fullmatch(r"\d{3}", window):
        problems.append(t.SETTINGS_BAD_WORKSTATION)
    if problems:
        return None, problems
    return replace(base, office=office, window=window, printer=printer.strip(), font=font, theme=theme,
                   lock_minutes=minutes), []


def printer_options(printers: Sequence[PrinterChoice], current: str) -> tuple[list[str], list[str]]:
    """(values, labels) of the printer list: the system default, each printer (the default marked),
    «Сохранить в PDF (без печати)»; a saved printer that is not listed stays as it was typed."""
    values, labels = [""], [t.SETTINGS_PRINTER_SYSTEM]
    for p in printers:
        label = t.SETTINGS_PRINTER_DEFAULT.format(name=p.name) if p.default else p.name
        values.append(p.name)
        labels.append(label if p.ready else t.SETTINGS_PRINTER_NOT_READY.format(name=label))
    if current and current != PDF_ONLY and current not in values:
        values.append(current)
        labels.append(current)
    values.append(PDF_ONLY)
    labels.append(t.SETTINGS_PRINTER_PDF)
    return values, labels


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
        label(1, t.SETTINGS_WORKSTATION)
        self.window_entry = tb.Entry(form, width=8)
        self.window_entry.grid(row=1, column=1, sticky="w", pady=(6, 0))
        self.codes_hint = tb.Label(form, text=t.SETTINGS_CODES_HINT, style="Small.TLabel", wraplength=700,
                                   justify="left")
        self.codes_hint.grid(row=2, column=1, sticky="w")
        label(3, t.SETTINGS_PRINTER)
        printer_row = tb.Frame(form)
        printer_row.grid(row=3, column=1, sticky="w", pady=(6, 0))
        self.printer = tb.Combobox(printer_row, state="readonly", width=48)
        self.printer.pack(side="left")
        self.refresh_button = tb.Button(printer_row, text=t.SETTINGS_PRINTERS_REFRESH, bootstyle="secondary-outline",
                                        command=self.refresh_printers)
        self.refresh_button.pack(side="left", padx=(8, 0))
        self.printer_values: list[str] = [""]
        self.printers_note = tb.Label(form, text="", style="Small.TLabel")
        self.printers_note.grid(row=4, column=1, sticky="w")
        tb.Label(form, text=t.SETTINGS_PRINTER_HINT2, style="Small.TLabel").grid(row=5, column=1, sticky="w")
        label(6, t.SETTINGS_FONT)
        self.font = tk.StringVar(self)
        fonts = tb.Frame(form)
        fonts.grid(row=6, column=1, sticky="w", pady=(6, 0))
        for value, text in (("normal", t.SETTINGS_FONT_NORMAL), ("large", t.SETTINGS_FONT_LARGE)):
            tb.Radiobutton(fonts, text=text, value=value, variable=self.font).pack(side="left", padx=(0, 16))
        label(7, t.SETTINGS_THEME)
        self.theme = tk.StringVar(self)
        themes = tb.Frame(form)
        themes.grid(row=7, column=1, sticky="w", pady=(6, 0))
        for value, text in (("light", t.SETTINGS_THEME_LIGHT), ("contrast", t.SETTINGS_THEME_CONTRAST)):
            tb.Radiobutton(themes, text=text, value=value, variable=self.theme).pack(side="left", padx=(0, 16))
        label(8, t.SETTINGS_LOCK)
        self.lock = tb.Spinbox(form, from_=0, to=MAX_LOCK_MINUTES, width=6)
        self.lock.grid(row=8, column=1, sticky="w", pady=(6, 0))
        tb.Label(form, text=t.SETTINGS_LOCK_HINT, style="Small.TLabel").grid(row=9, column=1, sticky="w")
        self.message = tb.Label(form, style="Error.TLabel", justify="left")
        self.message.grid(row=10, column=1, sticky="w", pady=(12, 0))
        self.printers: list[PrinterChoice] | None = None  # None until the IO lane answered
        self.codes_editable = False

    def actions(self) -> Sequence[Action]:
        return self._actions

    def first_focus(self) -> tk.Misc | None:
        return self.office if self.codes_editable else self.printer

    def on_show(self) -> None:
        s = self.shell.settings
        self.shell.when_catalog(self._offices)
        self._offices(self.shell.catalog)
        self.window_entry.configure(state="normal")
        self.window_entry.delete(0, "end")
        self.window_entry.insert(0, s.window)
        self._show_codes_state()
        self.shell.refresh_device(then=self._codes_known)  # a case may have been numbered meanwhile
        self._fill_printers(s.printer)
        self.font.set(s.font)
        self.theme.set(s.theme)
        self.lock.set(str(s.lock_minutes))
        self.message.configure(text="")
        self.refresh_printers()

    # --- the codes -----------------------------------------------------------------------------
    def _show_codes_state(self) -> None:
        """Editable for an administrator while the store allows it; otherwise shown with the reason."""
        from workstation.core import roles

        staff = self.shell.staff
        admin = staff is not None and roles.may(staff.role, roles.Permission.DEVICE_CODES)
        locked = getattr(self.shell.device, "locked_reason", "") or ""
        self.codes_editable = admin and not locked
        state = "readonly" if self.codes_editable else "disabled"
        self.office.configure(state=state)
        self.window_entry.configure(state="normal" if self.codes_editable else "disabled")
        hint = t.SETTINGS_CODES_HINT if self.codes_editable else (locked or t.SETTINGS_CODES_ADMIN)
        self.codes_hint.configure(text=hint)

    def _codes_known(self) -> None:
        if self.winfo_exists() and self.shell.current is self:
            self._show_codes_state()

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

    # --- the printers --------------------------------------------------------------------------
    def refresh_printers(self) -> None:
        lister = getattr(self.shell.backends.printing, "printers", None)
        if lister is None:
            self.printers_note.configure(text="")
            return
        self.printers_note.configure(text=t.SETTINGS_PRINTERS_LOADING)
        self.refresh_button.configure(state="disabled")

        def failed(exc: BaseException) -> None:
            if not self.winfo_exists():
                return
            self.refresh_button.configure(state="normal")
            detail = getattr(exc, "message", None) or type(exc).__name__  # a PrinterError's Russian message
            self.printers_note.configure(text=getattr(exc, "user_message", None)
                                         or t.SETTINGS_PRINTERS_FAILED.format(detail=detail))

        self.shell.runner.submit(Lane.IO, lister, on_done=self._printers_found, on_error=failed,
                                 label="printer list")

    def _printers_found(self, printers: Sequence[PrinterChoice]) -> None:
        if not self.winfo_exists():
            return
        self.refresh_button.configure(state="normal")
        chosen = self.chosen_printer()
        self.printers = list(printers)
        self._fill_printers(chosen)
        self.printers_note.configure(text=t.SETTINGS_PRINTERS_FOUND.format(n=len(printers)) if printers
                                     else t.SETTINGS_PRINTERS_NONE)

    def _fill_printers(self, current: str) -> None:
        self.printer_values, labels = printer_options(self.printers or [], current)
        self.printer.configure(values=labels)
        self.printer.current(self.printer_values.index(current) if current in self.printer_values else 0)

    def chosen_printer(self) -> str:
        index = self.printer.current()
        return self.printer_values[index] if 0 <= index < len(self.printer_values) else ""

    def choose_printer(self, value: str) -> None:
        """Select a printer by its value ("" system default, a queue name, `PDF_ONLY`)."""
        self.printer.current(self.printer_values.index(value))

    # --- saving --------------------------------------------------------------------------------
    def save(self) -> None:
        index = self.office.current()
        office = self.office_ids[index] if 0 <= index < len(self.office_ids) else ""
        settings, problems = check_input(
            self.shell.settings, office=office, window=self.window_entry.get(), printer=self.chosen_printer(),
            font=self.font.get(), theme=self.theme.get(), lock_minutes=self.lock.get(),
            codes_editable=self.codes_editable,
        )
        if settings is None:
            self.message.configure(text="\n".join(problems))
            return
        device = self.shell.backends.device
        staff = self.shell.staff
        codes = (settings.office, settings.window)
        if device is None or codes == (self.shell.settings.office, self.shell.settings.window):
            self._saved(settings)
            return

        def stored(identity: Any) -> None:
            self.shell.device_known(identity)
            self._saved(replace(settings, office=identity.office_code or "", window=identity.workstation_code or ""))

        def refused(exc: BaseException) -> None:
            if self.winfo_exists():
                self.message.configure(text=getattr(exc, "user_message", None) or str(exc))

        role = staff.role if staff is not None else ""
        self.shell.runner.submit(Lane.STORE, lambda: device.set_codes(codes[0], codes[1], role=role),
                                 on_done=stored, on_error=refused, label="device codes")

    def _saved(self, settings: Settings) -> None:
        self.shell.apply_settings(settings)
        self.shell.notice.show(t.SETTINGS_SAVED, "info")
        self.shell.show_home()

    def cancel_edit(self) -> None:
        self.shell.show_home()

    def cancel(self) -> bool:
        self.cancel_edit()
        return True
