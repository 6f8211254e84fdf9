"""`run(data)`: open the workstation window and run until it is closed.

One Tk root for the whole application; everything else is a Frame inside it (see `shell.py`).
The window opens with the login card drawn in plain Tk (`early_login.py`); ttkbootstrap is
imported and its theme built once that is on view, then the shell takes over in the same root
(`dress_root`: what `ttkbootstrap.App` would have done — its key bindings and its `Style`). The
window comes back where it was left (size, place, maximised) if that still fits the screen, else
it opens at 1366×768 or the screen's size, whichever is smaller.
"""

from __future__ import annotations

import logging
import re
import tkinter as tk
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workstation.paths import DataPaths
from workstation.ui import texts as t
from workstation.ui.input_methods import choose_input_methods
from workstation.ui.ports import Backends
from workstation.ui.settings import Settings, SettingsFile

if TYPE_CHECKING:
    import ttkbootstrap as tb

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1366, 768)
MIN_SIZE = (1024, 640)
_GEOMETRY = re.compile(r"^(\d+)x(\d+)([+-]-?\d+)([+-]-?\d+)$")


def fit_geometry(saved: str, screen: tuple[int, int], minimum: tuple[int, int]) -> str:
    """The saved geometry if it is on the screen and not too small, else a centred default."""
    screen_w, screen_h = screen
    match = _GEOMETRY.match(saved or "")
    if match:
        w, h = int(match.group(1)), int(match.group(2))
        x, y = int(match.group(3)), int(match.group(4))
        if minimum[0] <= w <= screen_w and minimum[1] <= h <= screen_h and 0 <= x <= screen_w - 100 and (
            0 <= y <= screen_h - 100
        ):
            return f"{w}x{h}+{x}+{y}"
    w, h = min(DEFAULT_SIZE[0], screen_w), min(DEFAULT_SIZE[1], screen_h)
    return f"{w}x{h}+{max(0, (screen_w - w) // 2)}+{max(0, (screen_h - h) // 2)}"


def bare_root(settings: Settings) -> tk.Tk:
    """The application window, not yet themed: title, size and place, minimum size."""
    root = tk.Tk()  # of class "Tk": ttkbootstrap styles a root by its class name (Text font, background)
    choose_input_methods(root)  # before any widget: X11 input contexts cost a round trip each
    root.title(t.APP_TITLE)
    root.minsize(*MIN_SIZE)
    screen = (root.winfo_screenwidth(), root.winfo_screenheight())
    root.geometry(fit_geometry(settings.geometry, screen, MIN_SIZE))
    if settings.zoomed:
        try:
            root.attributes("-zoomed", True)
        except tk.TclError:
            log.info("window cannot be maximised on this system")
    return root


def dress_root(root: tk.Tk, settings: Settings) -> tb.Style:
    """What `ttkbootstrap.App` does to its root, done to ours: ttkbootstrap's class bindings
    (Enter invokes a focused button, Ctrl+A selects a field's text) and its `Style`, built for the
    theme of the settings (ours, the high-contrast one, is registered before the first build);
    building it styles the root too (its background, `Text` widgets in the default font)."""
    import ttkbootstrap as tb
    from ttkbootstrap.utils import config
    from ttkbootstrap.window import apply_class_bindings

    from workstation.ui.theme import LIGHT, THEMES, register_themes

    apply_class_bindings(root)
    entry_cursor_in_tcl(root)
    # ttkbootstrap's pre-root seam: run once the Style exists, before it builds the first theme
    config.defer("mfc-themes", lambda: register_themes(tb.Style.get_instance()))
    style = tb.Style(THEMES.get(settings.theme, LIGHT))
    # As `App.destroy` does: the Style is a singleton bound to this root; a root made later in the
    # same process (the benchmark, the screenshot script) must get its own. A never-shown child
    # carries the handler, so it runs once, not for every widget destroyed.
    keeper = tk.Frame(root)
    keeper.bind("<Destroy>", lambda _e: setattr(tb.Style, "instance", None))
    return style


# ttkbootstrap's class binding shows an arrow over disabled and read-only entries; it runs in
# Python on every <Configure> of every entry (a 60-field form has some 70 of them), and it also
# takes the text cursor off editable ones. Here the same rule is a Tcl procedure, with no trip
# through Python, and an editable field keeps (or gets back) the text cursor ("xterm", an I-beam
# on every system).
_ENTRY_CURSOR = r"""
proc ::mfc_entry_cursor {w} {
    if {[catch {list [$w cget -state] [$w cget -cursor]} got]} return
    lassign $got state cursor
    if {$state in {disabled readonly}} {
        if {$cursor ne "arrow"} {$w configure -cursor arrow}
    } elseif {$cursor eq "arrow"} {
        $w configure -cursor xterm
    }
}
"""
ENTRY_CLASSES = ("TEntry", "TSpinbox", "TCombobox", "Text")


def entry_cursor_in_tcl(root: tk.Tk) -> None:
    """Replace ttkbootstrap's Python <Configure> binding on entry classes by `_ENTRY_CURSOR`."""
    root.tk.eval(_ENTRY_CURSOR)
    for class_name in ENTRY_CLASSES:
        root.bind_class(class_name, "<Configure>", "::mfc_entry_cursor %W")


def create_root(settings: Settings) -> tk.Tk:
    """The themed application root, at once (the screenshot script, the benchmark, test children)."""
    root = bare_root(settings)
    dress_root(root, settings)
    return root


def run(
    data: DataPaths,
    *,
    backends: Backends | None = None,
    on_ready: Callable[[tk.Tk], None] | None = None,
    on_shown: Callable[[tk.Tk], None] | None = None,
) -> int:
    """Open the app. `on_shown(root)` is called once the window is on view with the early login
    card, `on_ready(root)` once the shell's login screen has replaced it."""
    from workstation.ui.early_login import EarlyLogin
    from workstation.ui.errors import ErrorReporter

    data.root.mkdir(parents=True, exist_ok=True)
    settings_file = SettingsFile(data.settings)
    settings, moved = settings_file.load()
    root = bare_root(settings)
    early = EarlyLogin(root, settings.theme, settings.font)
    reporter = ErrorReporter(early.fail)  # until the shell has its own
    root.report_callback_exception = reporter.tk_callback_exception
    opener: Any = None
    failed: list[str] = []

    def build_shell() -> None:
        nonlocal backends, opener
        from workstation.ui.shell import Shell

        dress_root(root, settings)
        if backends is None:
            from workstation.ui.wiring import DeferredBackends

            opener = DeferredBackends(data, start=False)  # opens on its own thread once the window shows
            backends = opener.backends()
        shell = Shell(root, data, backends, settings_file, settings=settings)
        login = shell.current
        if login is not None:
            early.hand_over(login)
        if opener is not None:
            root.after_idle(opener.start)
            _watch_store(root, shell, opener, failed)
        if moved is not None:
            shell.notice.show(t.SETTINGS_CORRUPT.format(name=moved.name), "warning")
        _close_on_signals(root, shell.close)
        if on_ready is not None and login is not None:
            def ready(_event: object) -> None:
                root.update_idletasks()
                on_ready(root)

            login.bind("<Map>", ready, add="+")
        log.info("workstation window opened")

    def start_shell() -> None:
        try:
            build_shell()
        except Exception as exc:  # the card says so (with a reference to the log); ✕ closes
            failed.append("start")
            reporter.report(exc, "starting the workstation")

    def shown() -> None:
        if on_shown is not None:
            on_shown(root)
        root.after_idle(start_shell)

    early.when_drawn(shown)
    _close_on_signals(root, root.destroy)  # until the shell is there: nothing to save yet
    try:
        root.mainloop()
    finally:
        if opener is not None:
            opener.close()
    return 1 if failed else 0


def _watch_store(root: tk.Tk, shell: Any, opener: Any, failed: list[str]) -> None:
    """When the store has opened: say if demo codes were set; if it refused, the error screen."""
    from workstation.core.errors import StoreError

    def check() -> None:
        if shell.closed:
            return
        if not opener.future.done():
            root.after(30, check)
            return
        exc = opener.future.exception()
        if isinstance(exc, StoreError):
            log.warning("store refused to open: %s", type(exc).__name__)
            failed.append(exc.user_message)
            store_error_screen(root, shell, exc.user_message)
        elif exc is not None:
            shell.reporter.report(exc, "opening the store")
        elif opener.future.result().first.configured_codes:
            from workstation.core.ui_backends import DEMO_OFFICE, DEMO_WORKSTATION

            shell.notice.show(t.CODES_CONFIGURED.format(office=DEMO_OFFICE, workstation=DEMO_WORKSTATION), "info")

    root.after(30, check)


def store_error_screen(root: tk.Misc, shell: Any, message: str) -> tb.Frame:
    """The store cannot be opened: its Russian message over the whole window (no traceback);
    Enter, Esc or the button close the app cleanly."""
    import ttkbootstrap as tb

    frame = tb.Frame(root, padding=40)
    frame.place(x=0, y=0, relwidth=1, relheight=1)
    frame.lift()
    tb.Label(frame, text=t.STORE_ERROR_TITLE, font="-size 16 -weight bold", bootstyle="danger").pack(anchor="w")
    tb.Label(frame, text=message, wraplength=900, justify="left").pack(anchor="w", pady=(16, 8))
    tb.Label(frame, text=t.STORE_ERROR_HINT, wraplength=900, justify="left").pack(anchor="w", pady=(0, 16))
    button = tb.Button(frame, text=t.STORE_ERROR_CLOSE, command=shell.close, bootstyle="danger")
    button.pack(anchor="w")
    for key in ("<Return>", "<Escape>", "<KP_Enter>"):
        button.bind(key, lambda _e: (shell.close(), "break")[1])
    shell.notice.hide()
    shell.overlay = frame  # no screen under it takes the focus any more
    # Now, and again after the idle work already queued: the early card's hand-over (and the login
    # screen's first focus) may still be waiting to put the cursor in the login field.
    button.focus_force()
    root.after_idle(lambda: button.winfo_exists() and button.focus_force())
    frame.grab_set()
    return frame


def _close_on_signals(root: tk.Tk, close: Callable[[], None]) -> None:
    """SIGTERM (a logout, a shutdown) and Ctrl+C close the window as its ✕ does: drafts are saved."""
    import signal

    def handler(_signum: int, _frame: object) -> None:
        root.after(0, close)

    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(signum, handler)
        except (ValueError, OSError):  # not the main thread, or not on this platform
            continue
