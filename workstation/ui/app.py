"""`run(data)`: open the workstation window and run until it is closed.

One ttkbootstrap root for the whole application; everything else is a Frame inside it (see
`shell.py`). The window comes back where it was left (size, place, maximised) if that still
fits the screen, else it opens at 1366×768 or the screen's size, whichever is smaller.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

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
    from workstation.ui.demo import demo_backends
    from workstation.ui.shell import Shell

    data.root.mkdir(parents=True, exist_ok=True)
    settings_file = SettingsFile(data.settings)
    settings, moved = settings_file.load()
    root = create_root(settings)
    shell = Shell(root, data, backends or demo_backends(data.catalogs), settings_file, settings=settings)
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
    root.mainloop()
    return 0


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
