"""`run(data)`: open the workstation window and run until it is closed.

One ttkbootstrap root for the whole application; everything else is a Frame inside it (see
`shell.py`). The window comes back where it was left (size, place, maximised) if that still
fits the screen, else it opens at 1366×768 or the screen's size, whichever is smaller.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import ttkbootstrap as tb

from workstation.paths import DataPaths
from workstation.ui import texts as t
from workstation.ui.ports import Backends
from workstation.ui.settings import Settings, SettingsFile
from workstation.ui.theme import LIGHT, THEMES

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1366, 768)
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


def create_root(settings: Settings) -> tb.App:
    root = tb.App(title=t.APP_TITLE, theme=THEMES.get(settings.theme, LIGHT), iconphoto=None,
                  minsize=(1024, 640))
    # ttkbootstrap generates <<MapChild>> from a Python callback on every widget mapped; nothing
    # here uses it, and it costs a callback per widget when a 60-field form opens.
    root.unbind_all("<Map>")
    screen = (root.winfo_screenwidth(), root.winfo_screenheight())
    root.geometry(fit_geometry(settings.geometry, screen, (1024, 640)))
    if settings.zoomed:
        try:
            root.attributes("-zoomed", True)
        except Exception:
            log.info("window cannot be maximised on this system")
    return root


def run(
    data: DataPaths,
    *,
    backends: Backends | None = None,
    on_ready: Callable[[tb.App], None] | None = None,
) -> int:
    """Open the app; `on_ready(root)` is called once the login screen is on view."""
    from workstation.ui.shell import Shell

    data.root.mkdir(parents=True, exist_ok=True)
    settings_file = SettingsFile(data.settings)
    settings, moved = settings_file.load()
    root = create_root(settings)
    opener = None
    if backends is None:
        from workstation.ui.wiring import DeferredBackends

        opener = DeferredBackends(data, start=False)  # opens on its own thread once the window shows
        backends = opener.backends()
    shell = Shell(root, data, backends, settings_file, settings=settings)
    failed: list[str] = []
    if opener is not None:
        if shell.current is not None:
            shell.current.bind("<Map>", lambda _e: root.after_idle(opener.start), add="+")
        root.after(500, opener.start)
        _watch_store(root, shell, opener, failed)
    if moved is not None:
        shell.notice.show(t.SETTINGS_CORRUPT.format(name=moved.name), "warning")
    if on_ready is not None:
        login = shell.current

        def ready(_event: object) -> None:
            root.update_idletasks()
            on_ready(root)

        if login is not None:
            login.bind("<Map>", ready, add="+")
    _close_on_signals(root, shell.close)
    log.info("workstation window opened")
    try:
        root.mainloop()
    finally:
        if opener is not None:
            opener.close()
    return 1 if failed else 0


def _watch_store(root: tb.App, shell: Any, opener: Any, failed: list[str]) -> None:
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


def store_error_screen(root: tb.App, shell: Any, message: str) -> tb.Frame:
    """The store cannot be opened: its Russian message over the whole window (no traceback);
    Enter, Esc or the button close the app cleanly."""
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
    button.focus_force()
    frame.grab_set()
    return frame


def _close_on_signals(root: tb.App, close: Callable[[], None]) -> None:
    """SIGTERM (a logout, a shutdown) and Ctrl+C close the window as its ✕ does: drafts are saved."""
    import signal

    def handler(_signum: int, _frame: object) -> None:
        root.after(0, close)

    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(signum, handler)
        except (ValueError, OSError):  # not the main thread, or not on this platform
            continue
