"""Desktop tests run on a real Tk under Xvfb (pytest-xvfb starts it and sets DISPLAY).

One hidden ttkbootstrap root for the whole session, as ttkbootstrap's own tests do; each test
builds the whole shell in a fresh Toplevel of 1366×768 and closes it afterwards. A test fails
if the shell reported an unexpected error (a bug shown to the user with a reference).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from uikit import TODAY, FakeClock, Harness, ui_catalog  # noqa: E402


@pytest.fixture(scope="session")
def tk_root() -> Iterator[object]:
    import ttkbootstrap as tb

    try:
        root = tb.App(theme="bootstrap-light", iconphoto=None)
    except Exception as exc:  # no display: the machine lacks Xvfb
        pytest.skip(f"no display for Tk: {exc}")
    root.unbind_all("<Map>")
    root.withdraw()
    from workstation.ui.app import entry_cursor_in_tcl
    from workstation.ui.input_methods import choose_input_methods

    choose_input_methods(root)  # as the app's root (`bare_root`, `dress_root`)
    entry_cursor_in_tcl(root)
    yield root
    root.destroy()


@pytest.fixture(scope="session")
def catalog() -> object:
    return ui_catalog()


def make_shell(tk_root: object, tmp_path: Path, catalog: object, **settings_kw: object) -> Harness:
    import ttkbootstrap as tb

    from workstation.paths import DataPaths
    from workstation.ui.demo import demo_backends
    from workstation.ui.settings import Settings, SettingsFile
    from workstation.ui.shell import Shell

    window = tb.Toplevel(title="Мои Документы (тест)", master=tk_root, iconphoto=None)
    window.geometry("1366x768+0+0")
    data = DataPaths(tmp_path)
    backends = demo_backends(data.catalogs, catalog=lambda: catalog, today=lambda: TODAY)
    settings = Settings(**{"office": "0101", "window": "3", **settings_kw})
    clock = FakeClock()
    shell = Shell(window, data, backends, SettingsFile(data.settings), settings=settings, clock=clock,
                  today=lambda: TODAY)
    harness = Harness(shell, clock)
    harness.wait_until(lambda: shell.current is not None and shell.current.winfo_ismapped(), what="login screen")
    harness.wait_until(lambda: shell.catalog is not None, timeout=15, what="catalog")
    harness.settle()
    return harness


@pytest.fixture
def app(tk_root: object, tmp_path: Path, catalog: object) -> Iterator[Harness]:
    harness = make_shell(tk_root, tmp_path, catalog)
    yield harness
    shell = harness.shell
    unexpected = harness.unexpected()
    if not shell.closed:
        shell.close()
    harness.window.update()
    assert unexpected == [], f"unexpected errors reported: {unexpected}"
    from workstation.ui.theme import apply_look

    apply_look(tk_root, tk_root.style, "light", "normal")  # type: ignore[attr-defined]


@pytest.fixture
def logged_in(app: Harness) -> Harness:
    app.login()
    return app


@pytest.fixture
def own_display() -> Iterator[str]:
    """A private Xvfb for a child that must own the keyboard focus (Xvfb has no window manager: on
    the shared test display another window may hold it). Stopped by its process id."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 30)
        number = os.read(read, 32).decode().strip() if ready else ""
        if not number:
            pytest.fail("the private Xvfb did not start")
        yield f":{number}"
    finally:
        os.close(read)
        proc.terminate()
        proc.wait(timeout=10)
