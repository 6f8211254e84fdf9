"""The worker lanes and the error reporter, without a screen."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from workstation.ui.errors import ErrorReporter, UserError, redacted_traceback, user_text
from workstation.ui.tasks import Lane, TaskRunner


def drain_until(runner: TaskRunner, done: list[object], n: int, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while len(done) < n:
        runner.drain()
        assert time.monotonic() < end, "timed out"
        time.sleep(0.002)


def test_jobs_run_off_the_calling_thread_and_callbacks_on_it() -> None:
    runner = TaskRunner()
    caller = threading.get_ident()
    seen: list[tuple[int, int]] = []
    try:
        runner.submit(Lane.STORE, threading.get_ident, on_done=lambda worker: seen.append((worker,
                                                                                          threading.get_ident())))
        drain_until(runner, seen, 1)
    finally:
        runner.stop()
    worker, callback = seen[0]
    assert worker != caller and callback == caller


def test_a_lane_is_serial_and_lanes_are_independent() -> None:
    runner = TaskRunner()
    order: list[str] = []
    gate = threading.Event()
    try:
        runner.submit(Lane.IO, gate.wait, 5)  # the printer hangs …
        for n in range(5):
            runner.submit(Lane.STORE, lambda n=n: (time.sleep(0.005), n)[1], on_done=lambda v: order.append(f"s{v}"))
        drain_until(runner, order, 5)  # … the store lane does not wait for it
        assert order == ["s0", "s1", "s2", "s3", "s4"]
        gate.set()
    finally:
        runner.stop()


def test_failures_go_to_the_reporter_or_on_error() -> None:
    reported: list[tuple[str, str]] = []
    runner = TaskRunner(lambda exc, where: reported.append((type(exc).__name__, where)))
    got: list[BaseException] = []
    try:
        runner.submit(Lane.STORE, lambda: 1 / 0, label="divide")
        runner.submit(Lane.STORE, lambda: 1 / 0, on_error=got.append)
        runner.submit(Lane.STORE, lambda: 1, on_done=lambda _v: [][1])  # a callback that fails
        drain_until(runner, reported, 2)
        drain_until(runner, got, 1)
    finally:
        runner.stop()
    assert reported == [("ZeroDivisionError", "divide"), ("IndexError", "callback of <lambda>")]
    assert isinstance(got[0], ZeroDivisionError)


def test_drain_delivers_in_small_batches() -> None:
    runner = TaskRunner(batch=10)
    try:
        for n in range(35):
            runner.post("tick", n)
        got: list[int] = []
        runner.on("tick", got.append)
        assert runner.drain() == 10
        assert got == list(range(10))
        while runner.drain():
            pass
        assert got == list(range(35))
    finally:
        runner.stop()


def test_post_from_another_thread() -> None:
    runner = TaskRunner()
    got: list[str] = []
    runner.on("sync", got.append)
    try:
        thread = threading.Thread(target=lambda: runner.post("sync", "state"))
        thread.start()
        thread.join()
        drain_until(runner, got, 1)
    finally:
        runner.stop()
    assert got == ["state"]


def test_stopping_cancels_the_scheduled_drain(tk_root: object) -> None:
    """A drain left on Tk's timer list would fire after the window is destroyed; on a real root,
    which keeps one timer for the runner and none once it stopped."""
    import tkinter as tk

    window = tk.Toplevel(tk_root)  # type: ignore[arg-type]
    runner = TaskRunner()
    runner.attach(window)
    ours = [job for job in window.tk.splitlist(window.tk.call("after", "info"))
            if "_poll" in str(window.tk.call("after", "info", job)[0])]
    assert len(ours) == 1
    runner.stop()
    remaining = [job for job in window.tk.splitlist(window.tk.call("after", "info")) if job in ours]
    window.destroy()
    assert remaining == []


def test_user_errors_are_shown_as_they_are() -> None:
    shown = []
    reporter = ErrorReporter(shown.append)
    report = reporter.report(UserError("Принтер не отвечает."))
    assert report.text == "Принтер не отвечает." and not report.unexpected

    class StoreLike(Exception):
        user_message = "База данных занята другой программой."

    assert user_text(StoreLike()) == "База данных занята другой программой."
    assert shown[0].text == "Принтер не отвечает."


def test_unexpected_errors_get_a_reference_and_no_personal_data_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    reporter = ErrorReporter()
    typed = {"surname": "Соколова", "passport": "4500 123456"}  # what a specialist typed
    try:
        raise ValueError(f"bad value {typed['surname']} {typed['passport']}")
    except ValueError as exc:
        with caplog.at_level(logging.INFO):
            report = reporter.report(exc, "test")
    assert report.unexpected and report.reference and report.reference in report.text
    assert report.reference in caplog.text
    assert "ValueError" in caplog.text and "test_ui_tasks_errors.py" in caplog.text
    # The source line of the raise is logged (code, not data); the message it produced is not.
    assert "bad value Соколова 4500 123456" not in caplog.text
    assert "Соколова" not in report.text


def test_redacted_traceback_keeps_the_chain_without_messages() -> None:
    secret = "".join(["сек", "рет"])
    try:
        try:
            raise KeyError(secret)
        except KeyError as inner:
            raise RuntimeError(secret * 2) from inner
    except RuntimeError as exc:
        text = redacted_traceback(exc)
    assert "KeyError" in text and "RuntimeError" in text and "which led to" in text
    assert secret not in text
