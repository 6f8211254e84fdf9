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
