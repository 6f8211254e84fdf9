"""The settings file: defaults, bad values, a corrupt file set aside; the window's geometry."""

from __future__ import annotations

import json
from pathlib import Path

from workstation.ui import texts as t
from workstation.ui.app import fit_geometry
from workstation.ui.screens.settings_screen import check_input
from workstation.ui.settings import Settings, SettingsFile


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings, moved = SettingsFile(tmp_path / "settings.json").load()
    assert settings == Settings() and moved is None


def test_round_trip(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "settings.json")
    file.save(Settings(theme="contrast", font="large", office="0201", window="7", lock_minutes=3))
    settings, moved = file.load()
    assert (settings.theme, settings.font, settings.office, settings.window, settings.lock_minutes) == (
        "contrast", "large", "0201", "7", 3)
    assert moved is None
    assert not list(tmp_path.glob("*.tmp"))


def test_corrupt_file_is_renamed_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    settings, moved = SettingsFile(path).load()
    assert settings == Settings()
    assert moved is not None and moved.exists() and moved.name.startswith("settings.json.corrupt-")
    assert not path.exists()
    assert moved.read_text(encoding="utf-8") == "{ not json"


def test_wrong_values_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "font": "large", "lock_minutes": -5, "window": 12,
                                "zoomed": "yes", "unknown": 1}), encoding="utf-8")
    settings, moved = SettingsFile(path).load()
    assert moved is None
    assert settings.theme == "light" and settings.font == "large"
    assert settings.lock_minutes == 10 and settings.window == "" and settings.zoomed is False


def test_a_json_list_is_corrupt_too(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    _settings, moved = SettingsFile(path).load()
    assert moved is not None


def test_geometry_is_kept_only_if_it_fits() -> None:
    screen = (1366, 768)
    assert fit_geometry("1200x700+40+20", screen, (1024, 640)) == "1200x700+40+20"
    assert fit_geometry("1920x1080+0+0", screen, (1024, 640)) == "1366x768+0+0"  # was on a bigger screen
    assert fit_geometry("1200x700+3000+20", screen, (1024, 640)) == "1366x768+0+0"  # off screen
    assert fit_geometry("garbage", (1920, 1080), (1024, 640)) == "1366x768+277+156"


def test_settings_input_rules() -> None:
    base = Settings()
    new, problems = check_input(base, office="0101", window=" 004 ", printer=" HP ", font="large",
                                theme="contrast", lock_minutes="15")
    assert problems == [] and new is not None
    assert (new.office, new.window, new.printer, new.lock_minutes) == ("0101", "004", "HP", 15)
    new, problems = check_input(base, office="0101", window="4", printer="", font="normal", theme="light",
                                lock_minutes="10")
    assert new is None and problems == [t.SETTINGS_BAD_WORKSTATION]  # three digits, as in case numbers
    new, problems = check_input(base, office="0202", window="7", printer="", font="normal", theme="light",
                                lock_minutes="10", codes_editable=False)
    assert new is not None and (new.office, new.window) == (base.office, base.window)  # not the admin: kept
    new, problems = check_input(base, office="", window="x" * 11, printer="", font="normal", theme="light",
                                lock_minutes="много")
    assert new is None and len(problems) == 2
