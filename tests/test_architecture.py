"""The architecture's arrows: only workstation/ui touches tkinter; forms, printing and sync never
import workstation. Checked on the syntax tree, so a conditional or function-level import counts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workstation", "forms", "printing", "sync")
GUI = ("tkinter", "ttkbootstrap", "_tkinter")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def test_only_workstation_ui_imports_tkinter() -> None:
    offenders = []
    for package in PACKAGES:
        for path in sources(package):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("workstation/ui/"):
                continue
            bad = {n for n in imported_modules(path) if top(n) in GUI}
            if bad:
                offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_forms_printing_sync_never_import_workstation() -> None:
    offenders = []
    for package in ("forms", "printing", "sync"):
        for path in sources(package):
            if any(top(n) == "workstation" for n in imported_modules(path)):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_forms_is_pure() -> None:
    """The catalog and form engine import neither the printing nor the sync layer."""
    offenders = []
    for path in sources("forms"):
        if any(top(n) in ("printing", "sync", "sqlalchemy", "requests") for n in imported_modules(path)):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_no_grab_bag_modules() -> None:
    names = {p.name for package in PACKAGES for p in sources(package)}
    assert not names & {"utils.py", "helpers.py", "misc.py"}


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    """Guard against a checker that can never fail."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import tkinter.ttk\n    from workstation.core import x\n", encoding="utf-8")
    assert imported_modules(probe) == {"tkinter.ttk", "workstation.core"}
