"""An old case opens, validates and prints with its own form version; a broken catalog is never used."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from forms.engine import Context, evaluate_case, example_answers
from forms.loader import builtin_folder
from forms.versions import CatalogLibrary, CatalogUnavailable

PASSPORT = "services/passport-rf.yaml"
TODAY = Context(today=date(2026, 11, 21))


def next_version(folder: Path, version: str) -> None:
    """Publish a new catalog version in which the passport form gains a required field."""
    head = folder / "catalog.yaml"
    text = head.read_text(encoding="utf-8")
    head.write_text(
        "\n".join(f'version: "{version}"' if ln.startswith("version:") else ln for ln in text.splitlines()) + "\n",
        encoding="utf-8",
    )
    service = folder / PASSPORT
    text = service.read_text(encoding="utf-8").replace("version: 1\n", "version: 2\n", 1)
    text = text.replace(
        "      - id: phone\n",
        "      - id: email\n        kind: email\n        label: Электронная почта\n        required: true\n"
        "      - id: phone\n",
        1,
    )
    text = text.replace("  phone: \"+7 (916) 123-45-67\"\n", "  phone: \"+7 (916) 123-45-67\"\n  email: a@mail.ru\n")
    service.write_text(text, encoding="utf-8")


@pytest.fixture()
def new_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "next"
    shutil.copytree(builtin_folder(), folder)
    next_version(folder, "2099.1.1")
    return folder


def test_old_case_keeps_its_form_version(tmp_path: Path, new_catalog: Path) -> None:
    library = CatalogLibrary(tmp_path / "archive")
    old = library.current()
    old_answers = example_answers(old.services["passport-rf"])

    outcome = library.reload(new_catalog)
    assert outcome.activated, outcome.problems
    assert library.current().version == "2099.1.1"
    assert library.current().services["passport-rf"].version == 2

    # Under the new form the old answers lack the new required field …
    new_result = evaluate_case(library.current(), "passport-rf", old_answers, TODAY)
    assert [i.text for i in new_result.errors] == ["Электронная почта: заполните поле"]
    # … but the case was filled with the old version, and that one still validates.
    pinned = library.get(old.version)
    assert pinned.services["passport-rf"].form_version == "passport-rf@1"
    assert evaluate_case(pinned, "passport-rf", old_answers, TODAY).ok


def test_archive_survives_a_restart(tmp_path: Path, new_catalog: Path) -> None:
    first = CatalogLibrary(tmp_path / "archive")
    old_version = first.current().version
    assert first.reload(new_catalog).activated

    restarted = CatalogLibrary(tmp_path / "archive")
    assert restarted.current().version == "2099.1.1"  # the activated one, not the built-in one
    assert restarted.get(old_version).services["passport-rf"].version == 1
    assert set(restarted.versions()) == {old_version, "2099.1.1"}


def test_broken_catalog_keeps_the_last_good_one(tmp_path: Path, new_catalog: Path) -> None:
    library = CatalogLibrary(tmp_path / "archive")
    good = library.current()
    text = (new_catalog / PASSPORT).read_text(encoding="utf-8").replace("kind: phone", "kind: telephone")
    (new_catalog / PASSPORT).write_text(text, encoding="utf-8")

    outcome = library.reload(new_catalog)
    assert not outcome.activated
    assert outcome.catalog is good
    assert library.current() is good
    assert any("telephone" in str(p) for p in outcome.problems)
    # And after a restart the broken one is still not in force.
    assert CatalogLibrary(tmp_path / "archive").current().version == good.version


def test_unknown_version_is_a_clear_error(tmp_path: Path) -> None:
    library = CatalogLibrary(tmp_path / "archive")
    with pytest.raises(CatalogUnavailable):
        library.get("1999.1.1")


def test_catalog_from_the_server_as_text(tmp_path: Path, new_catalog: Path) -> None:
    from forms.loader import read_sources

    library = CatalogLibrary(tmp_path / "archive")
    outcome = library.install(read_sources(new_catalog))
    assert outcome.activated
    assert library.current().version == "2099.1.1"


def test_upgrade_with_a_new_builtin_catalog_activates_it(tmp_path: Path, new_catalog: Path) -> None:
    archive = tmp_path / "archive"
    assert CatalogLibrary(archive).current().version != "2099.1.1"
    upgraded = CatalogLibrary(archive, builtin=new_catalog)  # the application was upgraded
    assert upgraded.current().version == "2099.1.1"
