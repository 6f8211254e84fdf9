"""Catalog versions: the active catalog, the last good one, and every version a case was filled with.

A case records the catalog version (and its service's form version) it was filled with. The
library archives the full source text of every catalog version it has activated, so a case
from last year still opens, validates and prints with the very form it was filled with after
the catalog has moved on. A catalog that fails to compile is never activated: the library
keeps the last good version and returns the problems for the administrator.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from forms.compiler import CompileResult, Problem, compile_folder, compile_sources
from forms.loader import YamlProblem, builtin_folder, parse_yaml, read_sources
from forms.model import Catalog

_SAFE_NAME = re.compile(r"[^0-9A-Za-z._-]")


class CatalogUnavailable(RuntimeError):
    """Neither the requested version nor any good catalog can be had."""


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    activated: bool
    catalog: Catalog  # the catalog in force after the attempt
    result: CompileResult

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.result.errors


def _archive_name(version: str) -> str:
    digest = hashlib.sha256(version.encode()).hexdigest()[:8]
    return f"{_SAFE_NAME.sub('_', version)}-{digest}.json"


class CatalogLibrary:
    """Hands out compiled catalogs by version; thread-safe; compiled versions are cached."""

    def __init__(self, archive_dir: Path | None = None, *, builtin: Path | None = None) -> None:
        self._archive = archive_dir
        self._builtin = builtin or builtin_folder()
        self._lock = threading.Lock()
        self._compiled: dict[str, Catalog] = {}
        self._current: Catalog | None = None

    # --- the catalog in force -------------------------------------------------------------
    def current(self) -> Catalog:
        with self._lock:
            if self._current is None:
                self._current = self._initial()
            return self._current

    def _initial(self) -> Catalog:
        """The catalog to start with.

        A built-in catalog this machine has not seen yet (the application was upgraded) is
        activated; otherwise the last activated one (possibly a newer one from the central
        server) stays in force. A broken archive entry falls back to the built-in catalog.
        """
        active = self._read_active()
        builtin_version = _peek_version(self._builtin)
        if active is not None and builtin_version is not None and self._archived(builtin_version):
            catalog = self._load_archived(active)
            if catalog is not None:
                return catalog
        # The built-in catalog's examples are validated by the test suite before a release.
        result = compile_folder(self._builtin, check_examples=False)
        if not result.ok or result.catalog is None:
            raise CatalogUnavailable("\n".join(map(str, result.errors)))
        self._remember(result.catalog, activate=True)
        return result.catalog

    def _archived(self, version: str) -> bool:
        return self._archive is not None and (self._archive / _archive_name(version)).exists()

    def reload(self, folder: Path) -> ReloadOutcome:
        """Compile the catalog in `folder` and switch to it only if it compiles without errors."""
        result = compile_folder(folder)
        return self._offer(result)

    def install(self, sources: Mapping[str, str]) -> ReloadOutcome:
        """Offer a catalog given as source text (as it comes down from the central server)."""
        return self._offer(compile_sources(sources))

    def _offer(self, result: CompileResult) -> ReloadOutcome:
        if result.ok and result.catalog is not None:
            with self._lock:
                self._remember(result.catalog, activate=True)
                self._current = result.catalog
            return ReloadOutcome(True, result.catalog, result)
        return ReloadOutcome(False, self.current(), result)

    # --- old versions ---------------------------------------------------------------------
    def get(self, version: str) -> Catalog:
        """The catalog a case was filled with; raises CatalogUnavailable if it was never seen here."""
        current = self.current()
        if version == current.version:
            return current
        with self._lock:
            cached = self._compiled.get(version)
            if cached is not None:
                return cached
            catalog = self._load_archived(version)
        if catalog is None:
            raise CatalogUnavailable(version)
        return catalog

    def versions(self) -> list[str]:
        if self._archive is None or not self._archive.is_dir():
            return sorted(self._compiled)
        names = []
        for path in self._archive.glob("*.json"):
            try:
                names.append(json.loads(path.read_text(encoding="utf-8"))["version"])
            except (OSError, ValueError, KeyError):
                continue
        return sorted(names)

    # --- the archive on disk --------------------------------------------------------------
    def _remember(self, catalog: Catalog, *, activate: bool) -> None:
        self._compiled[catalog.version] = catalog
        if self._archive is None:
            return
        self._archive.mkdir(parents=True, exist_ok=True)
        target = self._archive / _archive_name(catalog.version)
        if not target.exists():
            payload = {"version": catalog.version, "sources": dict(catalog.sources)}
            _atomic_write(target, json.dumps(payload, ensure_ascii=False))
        if activate:
            _atomic_write(self._archive / "ACTIVE", catalog.version)

    def _read_active(self) -> str | None:
        if self._archive is None:
            return None
        try:
            return (self._archive / "ACTIVE").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def _load_archived(self, version: str) -> Catalog | None:
        if self._archive is None:
            return None
        path = self._archive / _archive_name(version)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        # Examples are checked when a version is published, not when an old one is reopened:
        # an example valid then may name a date that is in the past now.
        result = compile_sources(payload.get("sources", {}), check_examples=False)
        if result.catalog is None:
            return None
        self._compiled[version] = result.catalog
        return result.catalog


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _peek_version(folder: Path) -> str | None:
    try:
        data = parse_yaml((folder / "catalog.yaml").read_text(encoding="utf-8"))
    except (OSError, YamlProblem):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if version is not None else None


def builtin_sources() -> dict[str, str]:
    return read_sources(builtin_folder())
