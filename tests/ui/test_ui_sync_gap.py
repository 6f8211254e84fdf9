"""The real app shell while its real `SyncWorker` pulls 500 changes from a real `mfc-server serve` on
loopback (bench/ui_bench.py `sync_gap`, the figure's own code at a smaller size): the sync completes,
nothing fails, and the Tk thread kept ticking throughout. No timing is asserted here (the machine
is shared); `python -m bench ui` reports the largest gap for 10,000 changes."""

from __future__ import annotations

from typing import Any


def test_ticks_continue_during_a_real_sync(tk_root: Any, os_keyring: str) -> None:
    import ttkbootstrap as tb

    from bench.ui_bench import sync_gap

    window = tb.Toplevel(title="Мои Документы (тест, синхронизация)", master=tk_root, iconphoto=None)
    window.geometry("1366x768+0+0")
    measured = sync_gap(500, window, timeout=120, memory_keyring=False)
    assert measured["pulled"] == 500
    assert measured["statuses"] >= 2  # the worker's statuses reached the Tk thread
    assert measured["ticks"] >= 5 and measured["gap"] > 0  # the Tk thread kept ticking while it ran


def test_the_page_size_of_the_app_sync_client_keeps_each_parse_short() -> None:
    """A changes page is parsed in one C call that holds the GIL: the app asks for small pages."""
    from workstation.ui.wiring import APP_PAGE_SIZE, app_sync_client

    client = app_sync_client("http://127.0.0.1:9", "token")
    assert client.page_size == APP_PAGE_SIZE <= 100


def test_a_sync_status_update_configures_only_what_changed(app: Any) -> None:
    """Dozens of statuses arrive during a sync; a repeated one costs no Tk work, progress is drawn
    in 1 % steps, and the bar goes when the sync ends."""
    from datetime import datetime

    from workstation.ui import texts as t
    from workstation.ui.ports import SyncState

    bar = app.shell.status
    calls: list[str] = []
    for name in ("connection", "pending", "last_sync"):
        widget = getattr(bar, name)
        real = widget.configure
        widget.configure = lambda *a, _n=name, _r=real, **kw: (calls.append(_n), _r(*a, **kw))[1]
    moment = datetime(2026, 11, 21, 10, 15)
    state = SyncState(online=True, pending=3, last_sync=moment, progress=0.5)
    bar.show_sync(state)
    app.pump()
    assert sorted(calls) == ["connection", "last_sync", "pending"]
    assert bar.progress is not None and bar.progress.winfo_ismapped()
    assert float(bar.progress.cget("value")) == 0.5
    calls.clear()
    bar.show_sync(SyncState(online=True, pending=3, last_sync=moment, progress=0.501))  # same 1 % step
    assert calls == []
    bar.show_sync(SyncState(online=True, pending=2, last_sync=moment, progress=0.6))
    assert calls == ["pending"] and float(bar.progress.cget("value")) == 0.6
    bar.show_sync(SyncState(online=False, pending=2, last_sync=moment))  # the sync ended, offline
    app.pump()
    assert calls == ["pending", "connection"] and not bar.progress.winfo_ismapped()
    assert bar.pending.cget("text") == t.STATUS_PENDING.format(n=2)
