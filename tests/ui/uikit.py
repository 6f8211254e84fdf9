"""Helpers for the desktop tests: the test catalog and a harness that drives a real shell.

The catalog is the built-in one (service files that do not compile yet are left out, as in
`workstation.ui.demo.sample_catalog`) plus a small service with a cascading choice and a life
situation of our own, so the tests do not depend on catalog content still being written.

`Harness` types with real key events (`event_generate` on the focused widget) wherever an X
keysym exists — digits, Latin letters, punctuation, F-keys, Enter, Tab, Esc. Cyrillic letters
have no keysym in Xvfb's default keymap; those are inserted at the cursor instead, which the
entries see exactly like typing (their text variable changes).
"""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

import yaml

from forms.compiler import compile_sources
from forms.model import Catalog
from forms.versions import builtin_sources

TODAY = date(2026, 11, 20)  # a Friday

CASCADE_SERVICE = """\
id: ui-test-cascade
version: 1
title: Тестовая услуга с зависимым списком
short_title: Тест списков
subject: о тестовой услуге
agency: mvd
keywords: [тестовая, зависимый список]
deadline:
  calendar_days: 10
notification: [sms, email]
sections:
  - id: personal
    title: Заявитель
    fields:
      - {id: applicant, kind: person, label: "Фамилия, имя, отчество", required: true}
      - {id: phone, kind: phone, label: Контактный телефон, required: true}
  - id: place
    title: Место
    fields:
      - id: region
        kind: choice
        label: Регион
        required: true
        options:
          - {value: msk, label: Москва}
          - {value: mo, label: Московская область}
      - id: district
        kind: choice
        label: Район
        required: true
        depends_on: region
        options:
          msk:
            - {value: lefortovo, label: Лефортово}
            - {value: sviblovo, label: Свиблово}
          mo:
            - {value: khimki, label: Химки}
            - {value: mytishchi, label: Мытищи}
      - {id: snils, kind: snils, label: СНИЛС, required: true}
      - {id: topics, kind: multichoice, label: Темы, options: [первая, вторая, третья]}
example:
  applicant: {surname: Тестов, name: Тест, sex: male}
  phone: "+7 916 123-45-67"
  region: msk
  district: lefortovo
  snils: "112-233-445 95"
"""

SITUATIONS = """\
situations:
  - id: ui-lost
    title: Тестовая ситуация
    services: [passport-rf, inn-certificate, ui-test-cascade]
    keywords: [тест]
"""


@cache
def ui_catalog() -> Catalog:
    sources = dict(builtin_sources())
    sources["services/ui-test-cascade.yaml"] = CASCADE_SERVICE
    sources["situations.yaml"] = SITUATIONS
    for _ in range(4):
        result = compile_sources(sources)
        if result.ok and result.catalog is not None:
            return result.catalog
        for name in {p.file for p in result.errors}:
            if name.startswith("services/") and name != "services/ui-test-cascade.yaml":
                sources.pop(name, None)
    raise AssertionError("test catalog does not compile: " + "; ".join(map(str, result.errors[:5])))


def situations_yaml_services() -> list[str]:
    return yaml.safe_load(SITUATIONS)["situations"][0]["services"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Harness:
    """Drives one shell: pumps the Tk loop, types, presses keys, waits for workers."""

    def __init__(self, shell: Any, clock: FakeClock) -> None:
        self.shell = shell
        self.clock = clock
        self.window = shell.window

    # --- the loop ----------------------------------------------------------------------------
    def pump(self, seconds: float = 0.0) -> None:
        end = time.monotonic() + seconds
        while True:
            self.window.update()
            if time.monotonic() >= end:
                break
            time.sleep(0.005)

    def wait_until(self, condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what or condition}")
            self.window.update()
            time.sleep(0.005)

    def settle(self) -> None:
        """Let workers finish and debounced refreshes run."""
        self.wait_until(lambda: self.shell.runner.outstanding() == 0, what="workers")
        self.pump(0.2)

    # --- keys --------------------------------------------------------------------------------
    def focus(self, widget: tk.Misc) -> None:
        self.window.focus_force()
        widget.focus_force()
        self.pump()
        assert self.window.focus_get() is widget, f"focus is on {self.window.focus_get()}, not {widget}"

    def focused(self) -> tk.Misc | None:
        return self.window.focus_get()

    def key(self, keysym: str, widget: tk.Misc | None = None, **kw: Any) -> None:
        """Press a key where the focus is (Tk delivers key events to the focus widget)."""
        target = widget or self.focused() or self.window
        target.event_generate(f"<KeyPress-{keysym}>", when="now", **kw)
        if target.winfo_exists():  # the key may have closed it (Enter in the calendar)
            target.event_generate(f"<KeyRelease-{keysym}>", when="now", **kw)
        self.pump()

    def type(self, text: str) -> None:
        """Type into the focused widget, one key event per character where X has the key."""
        for ch in text:
            keysym = KEYSYMS.get(ch, ch if (ch.isascii() and ch.isalnum()) else None)
            widget = self.focused()
            if keysym is not None:
                assert widget is not None, "nothing has the focus"
                widget.event_generate(f"<KeyPress-{keysym}>", when="now")
                widget.event_generate(f"<KeyRelease-{keysym}>", when="now")
            else:
                assert widget is not None, "nothing has the focus"
                widget.insert("insert", ch)  # type: ignore[attr-defined]
        self.pump()

    def press(self, key: str) -> None:
        """A shortcut as the shell knows it: "F2", "Escape", "Control-f" …"""
        widget = self.focused() or self.window
        if key.startswith("Control-"):
            widget.event_generate(f"<Control-KeyPress-{key.removeprefix('Control-')}>", when="now")
        else:
            widget.event_generate(f"<KeyPress-{key}>", when="now")
        self.pump()

    # --- flows -------------------------------------------------------------------------------
    def login(self, login: str = "demo", password: str = "demo2026") -> None:
        screen = self.shell.current
        self.focus(screen.login_entry)
        self.type(login)
        self.key("Return")
        assert self.focused() is screen.password_entry
        self.type(password)
        self.key("Return")
        self.wait_until(lambda: self.shell.staff is not None, what="log-in")
        self.settle()

    def wait_catalog(self) -> None:
        self.wait_until(lambda: self.shell.catalog is not None, timeout=15, what="catalog")

    def unexpected(self) -> list[Any]:
        return [r for r in self.shell.reporter.reports if r.unexpected]


KEYSYMS = {
    " ": "space", ".": "period", ",": "comma", "-": "minus", "+": "plus", "(": "parenleft",
    ")": "parenright", "@": "at", ":": "colon", "/": "slash", "_": "underscore", "'": "apostrophe",
}
