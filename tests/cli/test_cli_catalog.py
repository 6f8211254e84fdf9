"""`mfc-workstation catalog …` as administrators and tests use it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forms.loader import builtin_folder
from workstation.__main__ import main


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MFC_DATA_DIR", str(folder))
    return folder


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json_describes_every_service(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "catalog", "list")
    assert isinstance(rows, list) and rows
    passport = next(r for r in rows if r["id"] == "passport-rf")
    assert passport["title"].startswith("Выдача (замена) паспорта")
    assert passport["agency"] == "mvd"
    assert set(passport["office_types"]) == {"district", "flagship", "palace"}
    assert passport["pre_appointment"] is False and passport["home_visit"] is True
    assert {f["amount"] for f in passport["fee"]} == {"300", "1500"}
    assert passport["deadline"][0] == {"unit": "working_days", "amount": 5, "text": "5 рабочих дней", "when": None}


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "list"]) == 0
    out = capsys.readouterr().out
    assert "passport-rf" in out and "5 рабочих дней" in out


def test_show_and_example(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "catalog", "show", "passport-rf")
    assert shown["form_version"] == "passport-rf@1"
    kinds = {f["kind"] for s in shown["sections"] for f in s["fields"]}
    assert {"person", "date", "choice", "identity_document", "group"} <= kinds
    example = run_json(capsys, "catalog", "example", "passport-rf")
    assert example["answers"]["phone"] == "+79161234567"  # normalised, as it would be stored


def test_unknown_service_is_a_russian_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "show", "no-such-service"]) == 1
    assert "услуга «no-such-service» не найдена" in capsys.readouterr().err


def test_search_json(capsys: pytest.CaptureFixture[str]) -> None:
    hits = run_json(capsys, "catalog", "search", "пасморт")  # one typo
    assert hits[0]["id"] == "passport-rf"


def test_situations_json(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "catalog", "situations")
    for row in rows:
        assert row["services"]
        assert "applicant" in row["shared_fields"]


def test_check_good_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "check", str(builtin_folder())]) == 0
    assert "в порядке" in capsys.readouterr().out
    broken = tmp_path / "broken"
    shutil.copytree(builtin_folder(), broken)
    path = broken / "services/passport-rf.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: phone", "kind: telephone"), encoding="utf-8")
    assert main(["catalog", "check", str(broken)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("services/passport-rf.yaml:")
    assert "неизвестный вид поля «telephone»" in lines[0]
    assert lines[-1].startswith("Каталог не принят")


def test_data_dir_option_wins_over_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chosen = tmp_path / "chosen"
    assert main(["--data-dir", str(chosen), "catalog", "list", "--json"]) == 0
    capsys.readouterr()
    assert (chosen / "catalogs" / "ACTIVE").exists()


def test_console_script_is_installed(data_dir: Path) -> None:
    script = Path(sys.executable).with_name("mfc-workstation")
    assert script.exists(), "pip install -e . creates the console script"
    done = subprocess.run([str(script), "catalog", "search", "паспорт", "--json"],
                          capture_output=True, text=True, env={**os.environ, "MFC_DATA_DIR": str(data_dir)},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["id"]


def test_opening_the_app_does_not_import_the_commands(tmp_path: Path) -> None:
    """`mfc-workstation` with no command goes straight to the app (start-up time matters)."""
    probe = (
        "import sys, workstation.__main__ as m\n"
        "m._run_app = lambda data: print(data.root) or 0\n"
        "code = m.main(['--data-dir', sys.argv[1]])\n"
        "print(sorted(n for n in sys.modules if n.startswith('workstation.cli')))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "d")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    root, modules = done.stdout.splitlines()
    assert root == str((tmp_path / "d").resolve())
    assert modules == "[]"
