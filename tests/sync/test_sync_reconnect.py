"""A kept-alive connection the server closed meanwhile costs one immediate retry, not an `Offline`
(`sync/client.py` `_call`); a server that is really down, slow or broken is still reported.

The servers are real sockets on loopback: a tiny HTTP/1.1 server that answers the first request of
every connection with keep-alive and then drops the connection when the second one arrives (the
race a pooled connection loses when the server closes it: uvicorn after an unhandled error), and
the real uvicorn with an app that raises."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from synckit import LiveServer, free_port

from sync.client import Offline, ServerBusy, SyncClient

PAGE = b'{"epoch":"e1","cursor":"c1","more":false,"reset":false,"changes":[]}'


class OneShotServer:
    """Answers the first request on each connection (keep-alive), then `mode` when the next one
    comes on the same connection: "close" (FIN, no answer), "reset" (RST), or with
    `answer=False` drops every request unanswered; `hang=True` never answers at all."""

    def __init__(self, mode: str = "close", *, answer: bool = True, hang: bool = False) -> None:
        self.mode, self.answer, self.hang = mode, answer, hang
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.requests = 0
        self._stop = False
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._loop, daemon=True)
        self._accept.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _loop(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _read_request(self, conn: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            data += chunk
        self.requests += 1
        return True

    def _drop(self, conn: socket.socket) -> None:
        if self.mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if not self._read_request(conn):
                return conn.close()
            if self.hang:
                time.sleep(5)
                return conn.close()
            if not self.answer:
                return self._drop(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(PAGE), PAGE))
            if self._read_request(conn):  # the pooled connection is used again: drop it unanswered
                self._drop(conn)
            else:
                conn.close()
        except OSError:
            conn.close()

    def stop(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def oneshot(request: pytest.FixtureRequest) -> Iterator[OneShotServer]:
    server = OneShotServer(*getattr(request, "param", ("close",)))
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("oneshot", [("close",), ("reset",)], indirect=True)
def test_a_dropped_keep_alive_connection_is_retried_once_on_a_new_one(oneshot: OneShotServer) -> None:
    client = SyncClient(oneshot.url, "token", timeout=(2.0, 5.0))
    for _ in range(4):  # every call after the first finds its pooled connection dropped
        page = client.changes(None)
        assert page is not None and page.cursor == "c1"
    assert oneshot.connections == 4  # one new connection per call, never an Offline
    assert oneshot.requests == 4 + 3  # three requests hit a dropped connection and were sent again


def test_a_server_that_drops_every_request_is_offline_after_one_retry() -> None:
    server = OneShotServer("close", answer=False)
    try:
        client = SyncClient(server.url, "token", timeout=(2.0, 5.0))
        with pytest.raises(Offline):
            client.changes(None)
        assert server.requests == 2  # the request and one retry, no more
    finally:
        server.stop()


def test_a_server_that_is_down_is_offline() -> None:
    client = SyncClient(f"http://127.0.0.1:{free_port()}", "token", timeout=(2.0, 5.0))
    started = time.monotonic()
    with pytest.raises(Offline):
        client.changes(None)
    assert time.monotonic() - started < 2.0


def test_a_timeout_is_not_retried() -> None:
    server = OneShotServer(hang=True)
    try:
        client = SyncClient(server.url, "token", timeout=(2.0, 0.5))
        with pytest.raises(Offline):
            client.changes(None)
        time.sleep(0.2)
        assert server.requests == 1  # the worker's backoff decides when to come back
    finally:
        server.stop()


def test_after_an_unhandled_server_error_the_next_call_succeeds() -> None:
    """The real uvicorn: an app error gives a 500 (the worker's backoff's business, `ServerBusy`)
    and uvicorn drops the connection; the next call goes through."""
    app = FastAPI()

    @app.get("/v1/changes")
    def changes(boom: int = 0) -> Response:
        if boom:
            raise RuntimeError("injected")
        return Response(PAGE, media_type="application/json")

    live = LiveServer(app).start()
    try:
        client = SyncClient(live.url, "token", timeout=(2.0, 5.0))
        for _ in range(5):
            with pytest.raises(ServerBusy):
                client._request("GET", "/v1/changes", params={"boom": 1})
            page = client.changes(None)
            assert page is not None and page.cursor == "c1"
    finally:
        live.stop()
