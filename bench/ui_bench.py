"""Issue 6 figures for the desktop UI.

* cold start to the login window ≤ 0.8 s, and ≤ 3× a bare Tk window measured in the same run
  (both are fresh `python` processes on the same display, timed until their window is drawn on
  the X server; see SETTLE); reported too: until the shell's login screen has taken over;
* opening a 60-field form ≤ 100 ms (the real path: F5 list → form screen, layout included);
* validation per keystroke ≤ 2 ms (what the form does with a typed character: record it,
  evaluate the form);
* reported: the whole keystroke with the on-screen refresh, the first form of a session, and
  the largest gap between `after` ticks while 10,000 events from a worker are drained.

Runs on the current DISPLAY; without one it starts its own Xvfb and stops it afterwards.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.figures import Figure, median, percentile

ROOT = Path(__file__).resolve().parents[1]

# "On the screen" is the same test in both probes: every widget of the window mapped, then a
# round trip to the X server (its Expose events are queued by then), `update` (they are drawn) and
# a second round trip (the drawing has reached the server). The app's window opens with the login
# card in plain Tk (SHOWN); the shell's login screen takes over once ttkbootstrap is built (READY).
SETTLE = """
def settle(root):
    root.winfo_pointerxy()
    root.update()
    root.winfo_pointerxy()
"""

# The app is started as `mfc-workstation --data-dir DIR` starts it (`workstation.__main__.main`:
# the argument check, the log file), with the two callbacks added to its `run`.
APP_PROBE = SETTLE + """
import sys
import workstation.ui.app as app

def shown(root):
    settle(root)
    sys.stdout.write("SHOWN\\n")
    sys.stdout.flush()

def ready(root):
    settle(root)
    sys.stdout.write("READY\\n")
    sys.stdout.flush()
    root.after(0, root.destroy)

real_run = app.run
app.run = lambda data, **_kw: real_run(data, on_ready=ready, on_shown=shown)
from workstation.__main__ import main
main(["--data-dir", sys.argv[1]])
"""

BARE_PROBE = SETTLE + """
import sys
import tkinter

root = tkinter.Tk()
label = tkinter.Label(root, text="x")
label.pack()

def ready(_event):
    settle(root)
    sys.stdout.write("SHOWN\\nREADY\\n")
    sys.stdout.flush()
    root.after(0, root.destroy)

label.bind("<Map>", ready)
root.mainloop()
"""


def _compile_our_modules() -> None:
    """An installed workstation has its bytecode compiled (pip does it); a checkout run with
    PYTHONDONTWRITEBYTECODE would compile our modules at every start, which the bare Tk
    baseline never pays. So our modules are compiled into their
    usual `__pycache__` folders (ignored by git) once; nothing else in the environment changes."""
    import compileall

    compileall.compile_dir(str(ROOT / "workstation"), quiet=1)


def _time_to_ready(code: str, *args: str) -> tuple[float, float]:
    """Seconds from `Popen` to the SHOWN line and to the READY line of a probe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT, env=env)
    assert child.stdout is not None
    first = child.stdout.readline()
    shown = time.perf_counter() - start
    second = child.stdout.readline()
    ready = time.perf_counter() - start
    _out, err = child.communicate(timeout=30)
    if first.strip() != "SHOWN" or second.strip() != "READY":
        raise RuntimeError(f"the probe did not start: {err[-800:]}")
    return shown, ready


@dataclass(frozen=True, slots=True)
class ColdStart:
    shown: float  # median seconds to the login window on the screen (the early card)
    ready: float  # … to the shell's login screen (ttkbootstrap built)
    bare: float  # … to a bare Tk window with one label


def cold_start(repeat: int) -> ColdStart:
    _compile_our_modules()
    data = tempfile.mkdtemp(prefix="mfc-bench-")
    _time_to_ready(APP_PROBE, data)  # a first run writes the .pyc files and the settings file
    _time_to_ready(BARE_PROBE)
    shown, ready, bare = [], [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        app = _time_to_ready(APP_PROBE, data)
        shown.append(app[0])
        ready.append(app[1])
        bare.append(_time_to_ready(BARE_PROBE)[0])
    return ColdStart(statistics.median(shown), statistics.median(ready), statistics.median(bare))


def in_process(repeat: int) -> dict[str, list[float]]:
    """Form opening and keystrokes on a real shell with a synthetic 60-field service."""
    from bench.synthetic_catalog import synthetic_sources
    from forms.compiler import compile_sources
    from workstation.paths import DataPaths
    from workstation.ui.app import create_root
    from workstation.ui.demo import demo_backends
    from workstation.ui.settings import Settings, SettingsFile
    from workstation.ui.shell import Shell
    from workstation.ui.tasks import Lane

    catalog = compile_sources(synthetic_sources(1, 60)).catalog
    assert catalog is not None
    data = DataPaths(Path(tempfile.mkdtemp(prefix="mfc-bench-")))
    settings = Settings(office="", lock_minutes=0)
    root = create_root(settings)  # tkinter stays behind workstation.ui, as everywhere else
    shell = Shell(root, data, demo_backends(data.catalogs, lambda: catalog), SettingsFile(data.settings),
                  settings=settings)
    out: dict[str, list[float]] = {}

    def pump(seconds: float = 0.0) -> None:
        end = time.monotonic() + seconds
        while True:
            root.update()
            if time.monotonic() >= end:
                break
            time.sleep(0.005)

    try:
        pump(0.3)
        while shell.catalog is None:
            pump(0.05)
        pump(0.3)  # the styles are warmed while the login screen shows, as in real use
        shell.login(shell.backends.accounts.staff)  # type: ignore[attr-defined]
        pump(0.2)
        opens = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            shell.open_service("svc-000")
            root.update_idletasks()
            opens.append((time.perf_counter() - start) * 1000)
            pump(0.05)
            shell.show_home()
            pump(0.05)
        out["first_open"] = opens[:1]
        out["open"] = opens[1:]
        shell.open_service("svc-000")
        pump(0.2)
        form = shell.current
        fields = sum(1 + len(f.fields) for f in form.service.fields)  # type: ignore[attr-defined]
        out["fields"] = [float(fields)]
        controller = form.controller  # type: ignore[attr-defined]
        view = form.view  # type: ignore[attr-defined]
        text_field = next(f.id for f in form.service.fields if f.kind.value == "text")  # type: ignore[attr-defined]
        entry = view.rows[text_field].editor.entry
        validate, whole = [], []
        for n in range(30 * repeat):
            ch = "абвгд"[n % 5]
            start = time.perf_counter()
            controller.set(text_field, f"Значение {n}{ch}")
            _ = controller.result
            validate.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            entry.insert("end", ch)  # the entry reports the change to the controller …
            view.refresh_now()  # … and the debounced refresh runs (here at once)
            whole.append((time.perf_counter() - start) * 1000)
        out["validate"] = validate
        out["keystroke"] = whole
        out["gap"] = [_largest_gap(root, shell.runner, Lane)]
    finally:
        shell.close()
    return out


def _largest_gap(root: object, runner: object, lane: object) -> float:
    """10,000 events posted by a worker; the largest gap (ms) between 5 ms `after` ticks meanwhile."""
    ticks: list[float] = []
    stop = threading.Event()
    handled = [0]
    runner.on("bench", lambda _payload: handled.__setitem__(0, handled[0] + 1))  # type: ignore[attr-defined]

    job = [""]

    def tick() -> None:
        ticks.append(time.perf_counter())
        if not stop.is_set():
            job[0] = root.after(5, tick)  # type: ignore[attr-defined]

    def produce() -> None:
        for n in range(10_000):
            runner.post("bench", n)  # type: ignore[attr-defined]

    job[0] = root.after(5, tick)  # type: ignore[attr-defined]
    producer = threading.Thread(target=produce)
    producer.start()
    deadline = time.monotonic() + 30
    while handled[0] < 10_000 and time.monotonic() < deadline:
        root.update()  # type: ignore[attr-defined]
        time.sleep(0.001)
    stop.set()
    root.after_cancel(job[0])  # type: ignore[attr-defined]
    producer.join()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return max(gaps) if gaps else 0.0


def sync_gap(count: int, window: object = None, *, tick_ms: int = 10, timeout: float = 600.0,
             memory_keyring: bool = True) -> dict[str, float]:
    """The real app shell on a real store while its real `SyncWorker` pulls `count` changes from a real
    `mfc-server serve` on loopback (bench/sync_bench.py's helpers: PostgreSQL when it answers, else
    SQLite): the largest gap (ms) between `after(tick_ms)` ticks on the Tk thread meanwhile.

    `window`: a Tk root or Toplevel to build the shell in (tests pass theirs); None makes a root.
    The store's key is kept in an in-memory keyring (nothing reaches the OS keyring) unless
    `memory_keyring` is False (tests: their own keyring is in place).
    """
    from bench.sync_bench import enrolled, fill_feed, new_db, server
    from workstation.core import sync_adapter
    from workstation.paths import DataPaths
    from workstation.ui.app import create_root
    from workstation.ui.screenshots import _memory_keyring
    from workstation.ui.settings import Settings, SettingsFile
    from workstation.ui.shell import Shell
    from workstation.ui.wiring import app_sync_client, open_backends

    if memory_keyring:
        _memory_keyring()
    db = new_db()
    try:
        device_id, token, epoch = enrolled(db, "0101", "ui-gap")
        with server(db, workers=1) as url:
            data = DataPaths(Path(tempfile.mkdtemp(prefix="mfc-ui-gap-")))
            first = open_backends(data, demo_password="bench2026")
            first.worker.call(lambda s: sync_adapter.save_enrolment(
                s, url=url, device_id=device_id, name="ui-gap", office_code="0101", workstation_code="903",
                epoch=epoch, now=first.store.now()))
            first.close()
            opened = open_backends(data, sync_client=app_sync_client(url, token),  # the app's client
                                   sync_interval=3600)
            settings = Settings(lock_minutes=0)
            root = window if window is not None else create_root(settings)
            shell = Shell(root, data, opened.backends, SettingsFile(data.settings), settings=settings)  # type: ignore[arg-type]
            states: list[object] = []
            shell.runner.on("bench-sync", states.append)
            unsubscribe = opened.backends.sync.subscribe(lambda st: shell.runner.post("bench-sync", st))
            ticks: list[float] = []
            job = [""]

            def tick() -> None:
                ticks.append(time.perf_counter())
                if not shell.closed:
                    job[0] = shell.window.after(tick_ms, tick)

            worker = opened.sync.worker  # type: ignore[union-attr]

            def pump_until(done: Any, limit: float) -> None:
                deadline = time.monotonic() + limit
                while not done() and time.monotonic() < deadline:
                    shell.window.update()
                    time.sleep(0.002)

            try:
                # The app comes up first (login screen drawn, catalog loaded, the first empty sync done),
                # as it is when a sync starts at a window; then the changes arrive on the server.
                pump_until(lambda: shell.catalog is not None and worker.current().last_sync is not None, 60)
                pump_until(lambda: False, 0.5)
                if worker.current().last_sync is None:
                    raise RuntimeError(f"the first sync failed: {worker.current().last_error}")
                fill_feed(db, count)
                pulled = [0]
                finished = threading.Event()

                def watch() -> None:  # off the Tk thread: counts what arrived, kicks again if the feed lagged
                    from sqlalchemy import text

                    deadline = time.monotonic() + timeout
                    while time.monotonic() < deadline and worker.current().state != "error":
                        pulled[0] = int(opened.worker.call(lambda s: s.execute(text(
                            "SELECT count(*) FROM cases")).scalar() or 0, write=False))
                        if pulled[0] >= count:
                            break
                        if worker.current().state == "idle":
                            worker.kick()
                        time.sleep(0.1)
                    finished.set()

                job[0] = shell.window.after(tick_ms, tick)
                started = time.perf_counter()
                opened.sync.kick()  # type: ignore[union-attr]
                watcher = threading.Thread(target=watch, name="bench-watch", daemon=True)
                watcher.start()
                pump_until(lambda: finished.is_set() and worker.current().state != "syncing", timeout + 5)
                elapsed = time.perf_counter() - started
                status = worker.current()
                if pulled[0] < count:
                    raise RuntimeError(f"the sync did not finish: {pulled[0]} of {count}, {status.state} "
                                       f"{status.last_error}")
                for _ in range(5):  # the last status reaches the Tk thread
                    shell.window.update()
                    time.sleep(0.01)
            finally:
                unsubscribe()
                if job[0]:
                    shell.window.after_cancel(job[0])
                shell.close()  # destroys the window (and a root made here)
                opened.close()
    finally:
        db.drop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    return {"gap": max(gaps) if gaps else 0.0, "ticks": float(len(ticks)), "seconds": elapsed,
            "pulled": float(pulled[0]), "statuses": float(len(states)),
            "p99": percentile(gaps, 99) if gaps else 0.0}


def run(quick: bool) -> list[Figure]:
    from workstation.ui.headless import virtual_display

    repeat = 3 if quick else 9
    with virtual_display():
        cold = cold_start(repeat)
        measured = in_process(3 if quick else 10)
        synced = sync_gap(10_000)
    fields = int(measured["fields"][0])
    return [
        Figure("cold start to the login window, median", cold.shown * 1000, "ms", goal=800,
               baseline=cold.bare * 1000, ratio_goal=3,
               note="the login card drawn in plain Tk; baseline: a bare Tk window in a fresh python"),
        Figure("cold start until the shell's login screen took over, median", cold.ready * 1000, "ms",
               baseline=cold.bare * 1000, note="ttkbootstrap imported and its theme built, typing kept"),
        Figure(f"open a {fields}-field form (F5 list -> form), median", median(measured["open"]), "ms", goal=100),
        Figure(f"open a {fields}-field form, p95", percentile(measured["open"], 95), "ms"),
        Figure("first form of a session", measured["first_open"][0], "ms"),
        Figure("validation per keystroke (record + evaluate), median", median(measured["validate"]), "ms", goal=2),
        Figure("validation per keystroke, p95", percentile(measured["validate"], 95), "ms"),
        Figure("whole keystroke incl. on-screen refresh, median", median(measured["keystroke"]), "ms",
               note="the refresh is debounced to once per 150 ms while typing"),
        Figure("largest gap between after ticks, 10,000 worker events", measured["gap"][0], "ms", goal=50),
        Figure("UI thread: largest gap between 10 ms ticks during a real sync of 10,000 changes", synced["gap"],
               "ms", goal=50, note=f"real shell + SyncWorker + store, mfc-server on loopback; "
               f"{int(synced['pulled']):,} cases in {synced['seconds']:.1f} s, p99 gap {synced['p99']:.0f} ms"),
    ]


if __name__ == "__main__":
    for figure in run("--quick" in sys.argv):
        print(figure.line())
