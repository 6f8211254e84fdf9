"""A fault-injecting transport for the sync client's `requests.Session` (a transport adapter, as
httpx's mock transport: the client code runs unchanged, the network misbehaves).

`arm(kind, at=n)` makes the n-th request from now misbehave once:

* "drop_request"  — never reaches the server; the client sees a connection error;
* "drop_response" — the server handles it (and commits), the answer is lost;
* "duplicate"     — delivered twice; the client gets the second answer;
* "delay"         — held back and delivered after the next request (reordering);
* "replay_stale"  — an old request (an earlier push or pull) is delivered again first;
* "server_error"  — the answer is replaced by a 500 after the server committed.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest, Response

KINDS = ("drop_request", "drop_response", "duplicate", "delay", "replay_stale", "server_error")


class FaultyAdapter(HTTPAdapter):
    def __init__(self) -> None:
        super().__init__(pool_connections=2, pool_maxsize=4, max_retries=0)
        self.armed: dict[int, str] = {}
        self.count = 0
        self.held: PreparedRequest | None = None
        self.history: list[PreparedRequest] = []
        self.injected: list[str] = []

    def arm(self, kind: str, at: int = 0) -> None:
        self.armed[self.count + at] = kind

    def disarm(self) -> None:
        self.armed.clear()
        self.held = None

    def _deliver_quietly(self, request: PreparedRequest, **kwargs: Any) -> None:
        with contextlib.suppress(requests.RequestException):
            super().send(request, **kwargs).close()

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # type: ignore[override]
        index = self.count
        self.count += 1
        kind = self.armed.pop(index, None)
        held, self.held = self.held, None
        stale = self.history[len(self.history) // 2] if self.history else None
        self.history = [*self.history[-20:], copy.copy(request)]
        if kind:
            self.injected.append(kind)
        if kind == "drop_request":
            raise requests.ConnectionError("fault: request lost")
        if kind == "delay":
            self.held = request.copy()
            raise requests.ConnectionError("fault: request delayed")
        if kind == "replay_stale" and stale is not None:
            self._deliver_quietly(stale.copy(), **kwargs)
        response = super().send(request, **kwargs)
        if held is not None:
            self._deliver_quietly(held, **kwargs)
        if kind == "drop_response":
            response.close()
            raise requests.ConnectionError("fault: response lost after the server committed")
        if kind == "duplicate":
            response.close()
            response = super().send(request.copy(), **kwargs)
        if kind == "server_error":
            response.close()
            broken = Response()
            broken.status_code = 500
            broken._content = b'{"error":"internal","message":"injected"}'
            broken.headers["Content-Type"] = "application/json"
            broken.url = request.url or ""
            broken.request = request
            return broken
        return response


def faulty_session() -> tuple[requests.Session, FaultyAdapter]:
    session = requests.Session()
    adapter = FaultyAdapter()
    session.mount("http://", adapter)
    session.headers["Accept-Encoding"] = "gzip"
    return session, adapter
