"""Sync test set-up: `from synckit import …`, an OS keyring for device tokens, server databases.

Every server test runs twice, on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`,
each test in its own schema, dropped at the end); PostgreSQL runs are skipped with a reason
where the server is not reachable. The keyring is `os_keyring` from tests/conftest.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from synckit import LiveServer, ServerDb, new_server_db, pg_available, serve  # noqa: E402


def _db_params() -> list[object]:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=_db_params())
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerDb]:
    """A migrated, empty server database: SQLite file, then a PostgreSQL schema."""
    if request.param == "postgresql" and not pg_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    db = new_server_db(request.param, tmp_path)
    try:
        yield db
    finally:
        db.drop()


@pytest.fixture
def live(server_db: ServerDb) -> Iterator[LiveServer]:
    server, _app = serve(server_db)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_db(tmp_path: Path) -> Iterator[ServerDb]:
    if not pg_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    db = new_server_db("postgresql", tmp_path)
    try:
        yield db
    finally:
        db.drop()
