"""Server settings: from the environment (`MFC_SERVER_*`, `DATABASE_URL`), with safe defaults.

With nothing set the server keeps an embedded SQLite file in the platform's data folder, so
`mfc-server serve` alone gives a working server on 127.0.0.1. `DATABASE_URL` selects PostgreSQL
(`postgresql://user@host/db`; the psycopg 3 driver is used whatever the URL names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

APP_NAME = "mfc-server"


def default_database_url() -> str:
    folder = Path(os.environ.get("MFC_SERVER_DATA") or platformdirs.user_data_dir(APP_NAME, "MosMFC"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'server.db'}"


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` → the psycopg 3 driver; anything else as given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    max_body_bytes: int = 4 * 1024 * 1024  # of a request, after decompression
    max_batch: int = 500  # mutations in one push
    page_default: int = 300
    page_max: int = 1000
    rate_per_second: float = 20.0  # per device and server process; the reverse proxy limits globally
    rate_burst: float = 200.0
    login_rate_per_second: float = 1.0  # enrolment codes and staff passwords, per client address / login
    login_burst: float = 10.0
    enrol_code_hours: int = 72
    staff_token_hours: int = 12
    statement_timeout_ms: int = 15_000  # PostgreSQL: no request holds a connection for ever
    pool_size: int = 5
    gzip_min_bytes: int = 1024
    gzip_level: int = 3

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        url = env.get("DATABASE_URL") or default_database_url()
        settings = cls(database_url=normalise_url(url))
        ints = {"max_body_bytes": "MFC_SERVER_MAX_BODY", "max_batch": "MFC_SERVER_MAX_BATCH",
                "page_max": "MFC_SERVER_PAGE_MAX", "page_default": "MFC_SERVER_PAGE_DEFAULT",
                "pool_size": "MFC_SERVER_POOL_SIZE", "statement_timeout_ms": "MFC_SERVER_STATEMENT_TIMEOUT_MS"}
        floats = {"rate_per_second": "MFC_SERVER_RATE", "rate_burst": "MFC_SERVER_RATE_BURST"}
        values: dict[str, object] = {}
        for field, name in ints.items():
            if env.get(name):
                values[field] = int(env[name])
        for field, name in floats.items():
            if env.get(name):
                values[field] = float(env[name])
        values.update(overrides)
        if "database_url" in values:
            values["database_url"] = normalise_url(str(values["database_url"]))
        return replace(settings, **values)  # type: ignore[arg-type]
