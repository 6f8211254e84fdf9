"""Every way a catalog editor can break the catalog gets `file:line: field: what`, in Russian.

Each test copies the built-in catalog to a temporary folder, breaks one thing the way a person
would, and checks the compiler names the file, the line and the field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forms.compiler import compile_folder, compile_sources
from forms.loader import builtin_folder, read_sources

PASSPORT = "services/passport-rf.yaml"


@pytest.fixture()
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(builtin_folder(), target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> int:
    """Replace `old` (must occur once) and return the 1-based line where the change starts."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def problems(folder: Path) -> list[str]:
    result = compile_folder(folder)
    assert not result.ok and result.catalog is None
    return [str(p) for p in result.errors]


def test_builtin_catalog_compiles_without_errors() -> None:
    result = compile_folder(builtin_folder())
    assert result.ok, "\n".join(map(str, result.errors))


def test_yaml_syntax_error_names_file_and_line(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, "short_title: Паспорт гражданина РФ", "short_title: [Паспорт")
    found = problems(catalog_dir)
    assert len(found) >= 1
    assert found[0].startswith(f"{PASSPORT}:")
    assert "ошибка разметки YAML" in found[0]
    reported_line = int(found[0].split(":")[1])
    assert line <= reported_line <= line + 2


def test_misspelt_key_is_reported_with_its_line(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, "        max_length: 200\n", "        max_lenght: 200\n")
    (msg,) = problems(catalog_dir)
    assert msg.startswith(f"{PASSPORT}:{line}: sections[0].fields[2](birth_place).max_lenght: неизвестный ключ")
    # The hint lists what a text field does accept, so the editor sees the right spelling.
    assert "допустимы: default, hint, id, kind, label, mask, max_length, min_length" in msg


def test_unknown_field_kind(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, "        kind: phone\n", "        kind: telephone\n")
    (msg,) = problems(catalog_dir)
    assert msg.startswith(
        f"{PASSPORT}:{line}: sections[0].fields[5](phone).kind: неизвестный вид поля «telephone»"
    )


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("agency: mvd\n", "agency: mdv\n", "«mdv» нет в справочнике ведомств"),
        (
            "    tariff: passport-rf-loss\n",
            "    tariff: passport-lost\n",
            "«passport-lost» нет в справочнике тарифов",
        ),
        ("{doc: photo-35x45,", "{doc: photo-3x4,", "«photo-3x4» нет в справочнике видов документов"),
        (
            "  office_types: [district, flagship, palace]",
            "  office_types: [district, flagman, palace]",
            "«flagman» нет в справочнике типов офисов",
        ),
    ],
)
def test_unknown_references(catalog_dir: Path, old: str, new: str, what: str) -> None:
    line = edit(catalog_dir, PASSPORT, old, new)
    found = problems(catalog_dir)
    assert any(p.startswith(f"{PASSPORT}:{line}:") and what in p for p in found), found


def test_unknown_category_in_exemptions(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, "exemptions: []", "exemptions: [veteran-of-everything]")
    found = problems(catalog_dir)
    assert any(
        f":{line}:" in p and "«veteran-of-everything» нет в справочнике льготных категорий" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("visible_if: \"reason == 'loss'\"", "visible_if: \"reason == 'loss''\"", "незакрытая строка"),
        ("visible_if: \"reason == 'loss'\"", "visible_if: \"reasn == 'loss'\"", "неизвестное поле «reasn»"),
        ('expr: "age(birth_date)"', 'expr: "agee(birth_date)"', "неизвестная функция «agee»"),
        (
            'check: "identity.issue_date > birth_date"',
            'check: "identity.issued > birth_date"',
            "неизвестное поле «identity.issued»",
        ),
    ],
)
def test_expression_problems_are_compile_errors(catalog_dir: Path, old: str, new: str, expected: str) -> None:
    line = edit(catalog_dir, PASSPORT, old, new)
    found = problems(catalog_dir)
    assert any(p.startswith(f"{PASSPORT}:{line}:") and expected in p for p in found), found


def test_expression_can_never_run_python(catalog_dir: Path) -> None:
    edit(catalog_dir, PASSPORT, 'expr: "age(birth_date)"', "expr: \"__import__('os').system('true')\"")
    assert problems(catalog_dir)


def test_duplicate_field_id(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, "      - id: mother\n", "      - id: father\n")
    found = problems(catalog_dir)
    assert any(
        p.startswith(f"{PASSPORT}:{line}:") and "повторяющийся идентификатор «father»" in p for p in found
    )


def test_service_id_must_match_file_name(catalog_dir: Path) -> None:
    shutil.copy(catalog_dir / PASSPORT, catalog_dir / "services/passport-copy.yaml")
    found = problems(catalog_dir)
    assert any(
        p.startswith("services/passport-copy.yaml:1: id:") and "не совпадает с именем файла" in p
        for p in found
    )


def test_missing_title(catalog_dir: Path) -> None:
    edit(catalog_dir, PASSPORT, "title: Выдача (замена) паспорта гражданина Российской Федерации\n", "")
    assert any("title: обязательный ключ не указан" in p for p in problems(catalog_dir))


def test_invalid_example_is_rejected(catalog_dir: Path) -> None:
    line = edit(catalog_dir, PASSPORT, '  phone: "+7 (916) 123-45-67"', '  phone: "123"')
    found = problems(catalog_dir)
    assert any(
        p.startswith(f"{PASSPORT}:{line}: example.phone: пример заявления не проходит проверку:")
        and "Контактный телефон" in p
        for p in found
    ), found


def test_bad_regular_expression(catalog_dir: Path) -> None:
    line = edit(
        catalog_dir,
        PASSPORT,
        "        max_length: 200\n",
        "        max_length: 200\n        pattern: '[a-'\n",
    )
    found = problems(catalog_dir)
    assert any(f":{line + 1}:" in p and "неверное регулярное выражение" in p for p in found), found


def test_tariff_history_must_go_forward(catalog_dir: Path) -> None:
    line = edit(
        catalog_dir, "tariffs.yaml", "{from: 2015-01-01, amount: 300}", "{from: 2009-01-01, amount: 300}"
    )
    found = problems(catalog_dir)
    assert any(p.startswith(f"tariffs.yaml:{line}:") and "должны возрастать" in p for p in found), found


def test_situation_with_unknown_service(catalog_dir: Path) -> None:
    (catalog_dir / "situations.yaml").write_text(
        "situations:\n  - id: moving\n    title: Смена места жительства\n"
        "    services: [passport-rf, teleport]\n",
        encoding="utf-8",
    )
    found = problems(catalog_dir)
    assert any(
        p.startswith("situations.yaml:4: situations[0].services[1]: «teleport» нет в справочнике услуг")
        for p in found
    )


def test_comma_inside_flow_mapping_gets_a_hint(catalog_dir: Path) -> None:
    line = edit(
        catalog_dir,
        PASSPORT,
        'label: "изменение фамилии, имени, отчества"}',
        "label: изменение фамилии, имени, отчества}",
    )
    found = problems(catalog_dir)
    assert any(p.startswith(f"{PASSPORT}:{line}:") and "заключите текст в кавычки" in p for p in found), found


def test_applicant_block_field_must_keep_its_kind(catalog_dir: Path) -> None:
    line = edit(
        catalog_dir,
        PASSPORT,
        "      - id: phone\n        kind: phone\n",
        "      - id: phone\n        kind: text\n",
    )
    found = problems(catalog_dir)
    assert any(f":{line + 1}:" in p and "должно быть вида «phone»" in p for p in found), found


def test_deadline_needs_exactly_one_unit(catalog_dir: Path) -> None:
    edit(catalog_dir, PASSPORT, "  working_days: 5\n", "  working_days: 5\n  calendar_days: 30\n")
    assert any("deadline[0]: укажите ровно одно из" in p for p in problems(catalog_dir))


def test_cascading_choice_must_depend_on_a_choice(catalog_dir: Path) -> None:
    edit(
        catalog_dir,
        PASSPORT,
        "      - id: citizenship\n        kind: choice\n        label: Гражданство\n        required: true\n"
        "        options:\n",
        "      - id: citizenship\n        kind: choice\n        label: Гражданство\n        required: true\n"
        "        depends_on: birth_place\n        options:\n",
    )
    assert any(
        "depends_on ссылается на неизвестное поле выбора «birth_place»" in p for p in problems(catalog_dir)
    )


def test_missing_catalog_file(tmp_path: Path) -> None:
    result = compile_folder(tmp_path)
    assert not result.ok
    assert "каталог не найден" in str(result.errors[0])


def test_all_problems_reported_in_one_run(catalog_dir: Path) -> None:
    edit(catalog_dir, PASSPORT, "        kind: phone\n", "        kind: telephone\n")
    edit(catalog_dir, "tariffs.yaml", "{from: 2015-01-01, amount: 300}", "{from: 2009-01-01, amount: 300}")
    found = problems(catalog_dir)
    assert {p.split(":")[0] for p in found} >= {PASSPORT, "tariffs.yaml"}


def test_compile_sources_does_no_io_and_matches_folder() -> None:
    sources = read_sources(builtin_folder())
    result = compile_sources(sources)
    assert result.ok
    assert result.catalog is not None
    assert dict(result.catalog.sources) == sources
