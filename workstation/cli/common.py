"""What every headless command shares: the data directory, the catalog library, output helpers."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from typing import Any

from forms.versions import CatalogLibrary
from workstation.paths import DataPaths


class CommandError(Exception):
    """A failure to report in Russian without a traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Session:
    """Lazily opened resources of one command run."""

    def __init__(self, data: DataPaths) -> None:
        self.data = data

    @cached_property
    def catalogs(self) -> CatalogLibrary:
        return CatalogLibrary(self.data.catalogs)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
