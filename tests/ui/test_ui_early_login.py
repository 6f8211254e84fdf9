"""The login card drawn in plain Tk before ttkbootstrap loads (`workstation/ui/early_login.py`).

The app runs in a child process on a private Xvfb (it must own the keyboard focus) with the real
store and keyring, as `test_ui_app_entry.py` does: the early card looks like the login screen that
replaces it (the same pixels, both themes), what is typed into it reaches the login screen with
the cursor and the focus, and Enter pressed on it is carried out by the login screen. The colours
it is drawn with are checked against the themes ttkbootstrap builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from child_widgets import CHILD_PATH

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from pathlib import Path
from tkinter import ttk
from PIL import ImageGrab
from workstation.paths import DataPaths
from workstation.ui import texts as t
from workstation.ui.app import run
from workstation.ui.settings import SettingsFile
from child_widgets import of_class, texts_of

data = DataPaths(Path(sys.argv[1]))
mode, theme, out = sys.argv[2], sys.argv[3], Path(sys.argv[4])
if mode == "broken":  # a shell that cannot be built
    import workstation.ui.shell

    class BrokenShell:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("a bug in the shell")

    workstation.ui.shell.Shell = BrokenShell
data.root.mkdir(parents=True, exist_ok=True)
settings_file = SettingsFile(data.settings)
settings, _ = settings_file.load()
settings.theme = theme
settings_file.save(settings)

failures = []

def guarded(fn):
    # a failure here ends the child at once (the app would report it and stay open)
    def call(root):
        try:
            fn(root)
        except BaseException:
            import traceback
            traceback.print_exc()
            failures.append(1)
            root.destroy()
    return call

def settle(root):
    root.winfo_pointerxy()
    root.update()
    root.winfo_pointerxy()

def grab(root, login, name):
    # the card from its top to below the button: the demo account's box, which the login screen
    # adds under it once the store answers, may grow the card (and move it up) meanwhile
    settle(root)
    card = login.master
    button = [w for w in card.winfo_children() if w.winfo_class() == "TButton"][0]
    x, y, w = card.winfo_rootx(), card.winfo_rooty(), card.winfo_width()
    h = button.winfo_y() + button.winfo_height() + 4
    ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=root.winfo_screen()).save(out / name)
    print("CARD", name, x, w, h, card.winfo_height(), y, flush=True)

@guarded
def shown(root):
    login, password = of_class(root, "TEntry")  # the early card's: nothing else is there yet
    settle(root)
    print("EARLY", ttk.Style(root).theme_use(), root.focus_get() is login, flush=True)
    if mode == "look":
        grab(root, login, "early.png")
    elif mode == "type":
        login.insert("end", "demo")
        login.icursor(2)
    elif mode == "broken":
        def check():
            shown = [text for text in texts_of(root) if "не удалось запустить" in text]
            if not shown:
                root.after(50, check)
                return
            print("BROKEN", "disabled" in login.state(), shown[0], flush=True)
            root.destroy()
        root.after(50, check)
    elif mode == "enter":
        login.insert("end", "demo")
        password.insert("end", "wrong-password")
        password.focus_force()
        password.event_generate("<Return>")

@guarded
def ready(root):
    import ttkbootstrap as tb
    login, password = of_class(root, "TEntry")[-2:]  # the login screen's (the notice bar's text comes first)
    import tkinter as tk
    text = tk.Text(root)
    print("SHELL", tb.Style.get_instance().theme_use(), flush=True)
    print("ROOT", root.cget("background"), text.cget("font"), flush=True)  # as ttkbootstrap.App styles it
    text.destroy()
    def check():
        if mode == "enter":
            if t.LOGIN_FAILED not in texts_of(root):
                root.after(50, check)
                return
            print("ANSWERED", repr(login.get()), repr(password.get()), flush=True)
        else:
            if root.focus_get() is None:
                root.after(10, check)
                return
            print("TYPED", repr(login.get()), login.index("insert"), root.focus_get() is login, flush=True)
            if mode == "look":
                grab(root, login, "shell.png")
        root.tk.call(root.protocol("WM_DELETE_WINDOW"))
    root.after_idle(lambda: guarded(lambda _root: check())(root))

code = run(data, on_ready=ready, on_shown=shown)
sys.exit(2 if failures else code)
"""


def run_child(tmp_path: Path, display: str, mode: str, theme: str) -> str:
    out = tmp_path / "shots"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": CHILD_PATH, "DISPLAY": display}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "data"), mode, theme, str(out)],
                          capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def lines(stdout: str, tag: str) -> list[list[str]]:
    return [line.split()[1:] for line in stdout.splitlines() if line.startswith(tag + " ")]


@pytest.fixture
def keyring_for_children(os_keyring: str) -> str:
    if os_keyring == "memory":
        pytest.skip("an in-memory keyring is not shared with a child process")
    return os_keyring


@pytest.mark.parametrize(("theme", "early", "final"), [("light", "mfc-early-light", "bootstrap-light"),
                                                       ("contrast", "mfc-early-contrast", "mfc-contrast")])
def test_the_early_card_looks_like_the_login_screen_that_replaces_it(
    tmp_path: Path, own_display: str, keyring_for_children: str, theme: str, early: str, final: str
) -> None:
    from PIL import Image, ImageChops

    from workstation.ui.early_login import EARLY_COLORS

    stdout = run_child(tmp_path, own_display, "look", theme)
    assert lines(stdout, "EARLY") == [[early, "True"]]  # the early theme, the focus in the login field
    assert lines(stdout, "SHELL") == [[final]]  # the high-contrast theme opens too (it once raised at start)
    assert lines(stdout, "ROOT") == [[EARLY_COLORS[theme].bg, "TkDefaultFont"]]
    cards = {row[0]: [int(v) for v in row[1:]] for row in lines(stdout, "CARD")}
    early_card, shell_card = cards["early.png"], cards["shell.png"]
    assert early_card[:3] == shell_card[:3], "the card moved sideways or changed its width or rows"
    if early_card[3] == shell_card[3]:  # the same height (no demo box yet): the same place
        assert early_card[4] == shell_card[4]
    before = Image.open(tmp_path / "shots" / "early.png").convert("RGB")
    after = Image.open(tmp_path / "shots" / "shell.png").convert("RGB")
    diff = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > 24 else 0)
    assert diff.histogram()[255] <= 40, diff.getbbox()  # the text cursor may have blinked (2×18 px)


def test_what_was_typed_on_the_early_card_reaches_the_login_screen(
    tmp_path: Path, own_display: str, keyring_for_children: str
) -> None:
    stdout = run_child(tmp_path, own_display, "type", "light")
    assert lines(stdout, "TYPED") == [["'demo'", "2", "True"]]  # the text, the cursor, the focus


def test_enter_pressed_on_the_early_card_is_carried_out_by_the_login_screen(
    tmp_path: Path, own_display: str, keyring_for_children: str
) -> None:
    stdout = run_child(tmp_path, own_display, "enter", "contrast")
    # the store checked the password: refused, the login kept, the password cleared
    assert lines(stdout, "ANSWERED") == [["'demo'", "''"]]


def test_a_shell_that_cannot_be_built_is_explained_on_the_card(tmp_path: Path, own_display: str) -> None:
    out = tmp_path / "shots"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": CHILD_PATH, "DISPLAY": own_display}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "data"), "broken", "light", str(out)],
                          capture_output=True, text=True, timeout=90, env=env, cwd=ROOT)
    assert done.returncode == 1, done.stderr[-3000:]  # the app says it did not start
    (state, *words), = lines(done.stdout, "BROKEN")
    assert state == "True"  # the card takes no more input
    text = " ".join(words)
    assert text.startswith("Рабочее место не удалось запустить.") and "E-" in text
    reference = text.rsplit(" ", 1)[1].rstrip(".")
    assert f"unexpected error {reference} in starting the workstation" in done.stderr  # the log has it
    assert "a bug in the shell" not in done.stderr  # exception messages are never logged


def test_the_early_colours_are_the_themes_own(tk_root: object) -> None:
    import ttkbootstrap as tb

    from workstation.ui.early_login import EARLY_COLORS
    from workstation.ui.login_card import BUTTON_STYLE, CARD_STYLE
    from workstation.ui.theme import CONTRAST, LIGHT, apply_look, palette, register_themes

    style = tb.Style.get_instance()
    register_themes(style)
    try:
        for setting, theme in (("light", LIGHT), ("contrast", CONTRAST)):
            style.theme_use(theme)
            probe = tb.Frame(tk_root)  # type: ignore[arg-type]
            tb.Entry(probe), tb.Button(probe, style=BUTTON_STYLE), tb.Frame(probe, style=CARD_STYLE)
            colors, ours = style.colors, palette(theme, style.colors)
            focused = {tuple(states): value for *states, value in style.map("TEntry", "bordercolor")}
            expected = EARLY_COLORS[setting]
            assert (expected.bg, expected.fg) == (colors.bg, colors.fg), setting
            assert expected.field_border == style.lookup("TEntry", "bordercolor"), setting
            assert expected.focus == focused.get(("focus", "!disabled")), (setting, focused)
            assert expected.primary == style.lookup(BUTTON_STYLE, "background"), setting
            assert expected.on_primary == style.lookup(BUTTON_STYLE, "foreground"), setting
            assert expected.primary_border == style.lookup(BUTTON_STYLE, "bordercolor"), setting
            assert expected.card_border == style.lookup(CARD_STYLE, "bordercolor"), setting
            assert (expected.muted, expected.error, expected.chrome) == (ours.muted, ours.error, ours.chrome)
            probe.destroy()
    finally:
        apply_look(tk_root, style, "light", "normal")  # type: ignore[arg-type]
