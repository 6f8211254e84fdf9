"""Helpers for the store tests: the tests' own small catalog, stores in temp folders, example cases."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from forms.compiler import compile_folder
from forms.engine import example_answers
from forms.model import Catalog
from workstation.core import cases, device
from workstation.core.database import Store, open_store

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
MSK = ZoneInfo("Europe/Moscow")
PASSPORT_DOCS = ({"doc": "old-passport", "originals": 1}, {"doc": "photo-35x45", "originals": 2})
ZAGS_DOCS = ({"doc": "passport-rf", "originals": 1},)


@functools.cache
def catalog() -> Catalog:
    result = compile_folder(CATALOG_DIR)
    assert result.catalog is not None, [str(p) for p in result.errors]
    return result.catalog


class Clock:
    """A settable clock for stores: tests decide what day it is."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 11, 20, 10, 0, tzinfo=MSK)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def passport_answers(**changes: Any) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(catalog().services["passport-rf"]))
    answers.update(changes)
    return answers


def zags_answers(**changes: Any) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(catalog().services["zags-duplicate"]))
    answers.update(changes)
    return answers


def open_configured(root: Path, clock: Clock | None = None, office: str = "0101", workstation: str = "001"
                    ) -> Store:
    store = open_store(root, clock=clock or Clock())
    with store.unit_of_work() as s:
        device.configure_device(s, office, workstation)
    return store


def accept_new(store: Store, service: str = "passport-rf", answers: Mapping[str, Any] | None = None,
               documents: Sequence[Mapping[str, Any]] | None = None, privileges: Sequence[str] = (),
               specialist: str = "ivanova") -> cases.Accepted:
    if answers is None:
        answers = passport_answers() if service == "passport-rf" else zags_answers()
    if documents is None:
        documents = PASSPORT_DOCS if service == "passport-rf" else ZAGS_DOCS
    with store.unit_of_work() as s:
        case_id, _ = cases.start_intake(s, catalog=catalog(), service_id=service, specialist=specialist,
                                        now=store.now(), answers=answers, documents=documents,
                                        privileges=privileges)
    with store.unit_of_work() as s:
        return cases.accept(s, case_id, catalogs=catalog(), actor=specialist, now=store.now())
