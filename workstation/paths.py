"""Where the workstation keeps its data: `--data-dir`, else `MFC_DATA_DIR`, else the platform's
user data directory. Tests set `MFC_DATA_DIR` to a temporary folder, which also isolates them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "mfc-workstation"
APP_AUTHOR = "MosMFC"
ENV_VAR = "MFC_DATA_DIR"


@dataclass(frozen=True, slots=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "store.db"

    @property
    def catalogs(self) -> Path:
        return self.root / "catalogs"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def pdf(self) -> Path:
        return self.root / "pdf"

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.catalogs, self.logs, self.pdf):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(cli_value: str | None = None) -> DataPaths:
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().resolve())
    env = os.environ.get(ENV_VAR)
    if env:
        return DataPaths(Path(env).expanduser().resolve())
    return DataPaths(Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)))
