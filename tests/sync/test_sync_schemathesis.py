"""Schemathesis against the server's own OpenAPI description, over HTTP on loopback: whatever it
generates — valid, borderline or malformed — the server never answers 5xx; refusals are JSON."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from synckit import LiveServer, ServerDb, add_workstation, serve

from sync.server import admin

EXAMPLES = int(os.environ.get("MFC_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def api(server_db: ServerDb, tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    live, _app = serve(server_db)
    try:
        ws = add_workstation(server_db, live.url, tmp_path / "ws")
        ws.accept()
        ws.sync()
        ws.close()
        admin.add_staff(server_db.engine, login="root", full_name="Админ", role="administrator", office=None,
                        password="secret-pass")
        staff = requests.post(f"{live.url}/v1/staff/login", json={"login": "root", "password": "secret-pass"},
                              timeout=10).json()["token"]
        yield live, {"device": ws.token, "staff": staff}
    finally:
        live.stop()


def test_no_server_errors(api: tuple[LiveServer, dict[str, str]]) -> None:
    """Every operation of the description, `EXAMPLES` generated requests each (positive and negative)."""
    live, tokens = api
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    session = requests.Session()
    for operation in operations:
        staff_api = operation.path.startswith(("/v1/cases", "/v1/assignments"))
        headers = {"Authorization": f"Bearer {tokens['staff' if staff_api else 'device']}"}
        for mode in GenerationMode:
            try:
                _checker(operation, mode, live.url, headers, session)()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to break in an operation without inputs


def _checker(operation: Any, mode: GenerationMode, base_url: str, headers: dict[str, str],
             session: requests.Session) -> Any:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, session=session, timeout=10)
        case.validate_response(response, checks=[not_a_server_error])
        if response.status_code >= 400:
            content_type = (response.headers.get("content-type") or [""])[0]
            assert content_type.startswith("application/json"), (response.status_code, content_type)
            assert "message" in response.json()

    return check
