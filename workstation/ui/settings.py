"""The workstation's own settings: a small JSON file in the data directory.

Only look and place live here (theme, font size, window geometry, office and window number,
printer name, idle lock time) — never secrets and never personal data. A file that cannot be
read as JSON is renamed aside and the user told (Thonny does the same with its configuration);
a value of the wrong type or out of range quietly falls back to its default.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

THEMES = ("light", "contrast")
FONTS = ("normal", "large")
MAX_LOCK_MINUTES = 240


@dataclass(slots=True)
class Settings:
    theme: str = "light"
    font: str = "normal"
    geometry: str = ""  # Tk geometry "WxH+X+Y" as last left
    zoomed: bool = False
    office: str = ""  # office id from the catalog
    window: str = ""  # the service window's number at the office
    printer: str = ""  # print queue name; empty: the system default
    lock_minutes: int = 10  # 0: never lock by itself

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = raw.get(f.name, getattr(defaults, f.name))
            default = getattr(defaults, f.name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            values[f.name] = value if ok else default
        settings = cls(**values)
        if settings.theme not in THEMES:
            settings.theme = defaults.theme
        if settings.font not in FONTS:
            settings.font = defaults.font
        if not 0 <= settings.lock_minutes <= MAX_LOCK_MINUTES:
            settings.lock_minutes = defaults.lock_minutes
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[Settings, Path | None]:
        """The settings, and where a corrupt file was moved (None when all was well)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings(), None
        except OSError as exc:
            log.warning("settings unreadable (%s); defaults used", type(exc).__name__)
            return Settings(), None
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise ValueError("not an object")
        except ValueError:
            return Settings(), self._set_aside()
        return Settings.from_dict(raw), None

    def _set_aside(self) -> Path | None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, target)
        except OSError:
            log.warning("corrupt settings file could not be renamed")
            return None
        log.warning("corrupt settings file renamed to %s", target.name)
        return target

    def save(self, settings: Settings) -> None:
        """Write atomically; raises OSError (the caller shows SETTINGS_WRITE_FAILED)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(settings.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)
