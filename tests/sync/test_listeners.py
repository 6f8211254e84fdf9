"""`sync.listeners.Listeners`: subscribe, unsubscribe, a failing listener does not silence the rest."""

from __future__ import annotations

import logging
import threading

import pytest

from sync.listeners import Listeners


def test_every_listener_hears_each_value_until_it_unsubscribes() -> None:
    heard: list[tuple[str, int]] = []
    listeners: Listeners[int] = Listeners()
    stop_a = listeners.subscribe(lambda v: heard.append(("a", v)))
    listeners.subscribe(lambda v: heard.append(("b", v)))
    listeners.tell(1)
    stop_a()
    stop_a()  # twice is harmless
    listeners.tell(2)
    assert heard == [("a", 1), ("b", 1), ("b", 2)]


def test_a_failing_listener_is_logged_and_the_others_still_hear(caplog: pytest.LogCaptureFixture) -> None:
    heard: list[int] = []
    listeners: Listeners[int] = Listeners()

    def broken(_value: int) -> None:
        raise RuntimeError("listener bug")

    listeners.subscribe(broken)
    listeners.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="sync.listeners"):
        listeners.tell(7)
    assert heard == [7]
    assert "a listener failed" in caplog.text


def test_a_listener_may_unsubscribe_itself_while_being_told() -> None:
    heard: list[int] = []
    listeners: Listeners[int] = Listeners()
    stop: list[object] = []

    def once(value: int) -> None:
        heard.append(value)
        stop[0]()  # type: ignore[operator]

    stop.append(listeners.subscribe(once))
    thread = threading.Thread(target=listeners.tell, args=(1,))
    thread.start()
    thread.join()
    listeners.tell(2)
    assert heard == [1]
