"""Logging to a rotating file in the data directory.

Log records never carry personal data: code logs ids, case numbers and counts, not names,
documents or answers. The formatter does not try to scrub text — the rule is not to log it.
"""

from __future__ import annotations

import logging
import logging.handlers

from workstation.paths import DataPaths

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(data: DataPaths, *, console: bool) -> None:
    root = logging.getLogger()
    if getattr(root, "_mfc_configured", False):
        return
    root.setLevel(logging.INFO)
    try:
        data.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            data.logs / "workstation.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(stream)
    root._mfc_configured = True  # type: ignore[attr-defined]
