"""A tiny kit for writing a service inline in a test (in the spirit of pyxform's test helpers).

    catalog, service = compile_service('''
        - {id: snils, kind: snils, label: СНИЛС, required: true}
    ''')
    result = fill(service, {"snils": "112-233-445 95"})
    assert result.answers == {"snils": "11223344595"}

`compile_service` wraps the snippet into a minimal but complete catalog (one agency, three office
types, a few documents, categories and tariffs with history), compiles it with
`forms.compiler.compile_sources` and fails the test — showing every compile problem next to the
numbered YAML — if the catalog does not compile. Snippets may be indented any way (they are
dedented), so they can be written naturally inside triple quotes.

`fill` runs the engine with a deterministic `Context` (today = TODAY unless given) and the
kit's tariffs, so fee tests need no catalog plumbing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import pytest

from forms.compiler import CompileResult, compile_sources
from forms.engine import Context, FormResult, Issue, evaluate
from forms.model import Catalog, Service, Tariff

#: The default "today" of the kit: a Monday, well after every tariff change below.
TODAY = date(2025, 6, 16)

SERVICE_ID = "svc"

CATALOG_YAML = """\
version: "test-1"
title: Тестовый каталог
"""

AGENCIES_YAML = """\
agencies:
  - id: mvd
    name: Главное управление МВД России по г. Москве
    short: МВД
    addressee: ГУ МВД России по г. Москве
"""

OFFICE_TYPES_YAML = """\
office_types:
  - {id: district, name: Центр госуслуг района, hours: "8:00–20:00"}
  - {id: flagship, name: Флагманский офис, hours: "10:00–22:00"}
  - {id: palace, name: Дворец госуслуг}
"""

CATEGORIES_YAML = """\
categories:
  - {id: wwii-veteran, name: Участник Великой Отечественной войны}
  - {id: disabled-1, name: Инвалид I группы}
  - {id: large-family, name: Многодетная семья}
  - {id: pensioner, name: Пенсионер}
"""

DOCUMENTS_YAML = """\
documents:
  - {id: passport-rf, name: Паспорт гражданина Российской Федерации}
  - {id: birth-certificate, name: Свидетельство о рождении}
  - {id: foreign-passport, name: Паспорт иностранного гражданина}
  - {id: residence-permit, name: Вид на жительство}
  - {id: photo-35x45, name: Фотография 35×45 мм}
  - {id: fee-receipt, name: Документ об уплате государственной пошлины}
  - {id: old-passport, name: "Паспорт, подлежащий замене"}
  - {id: marriage-certificate, name: Свидетельство о заключении брака}
  - {id: egrn-extract, name: Выписка из ЕГРН}
  - {id: power-of-attorney, name: Доверенность представителя}
"""

# Test data, not the real tax code: every tariff but `new-tariff` changed on 2025-01-01.
TARIFFS_YAML = """\
tariffs:
  - id: passport-rf
    title: Госпошлина за выдачу паспорта гражданина РФ
    basis: подп. 1 п. 1 ст. 333.33 НК РФ
    history:
      - {from: 2010-01-01, amount: 200}
      - {from: 2015-01-01, amount: 300}
      - {from: 2025-01-01, amount: 600}
  - id: passport-rf-loss
    title: Госпошлина за выдачу паспорта взамен утраченного
    basis: подп. 1 п. 1 ст. 333.33 НК РФ
    history:
      - {from: 2015-01-01, amount: 1500}
      - {from: 2025-01-01, amount: 3000}
  - id: apostille
    title: Госпошлина за проставление апостиля
    basis: подп. 1 п. 1 ст. 333.33 НК РФ
    history:
      - {from: 2015-01-01, amount: 2500}
      - {from: 2025-01-01, amount: 5000}
  - id: new-tariff
    title: Пошлина, которая вводится в будущем
    basis: тестовые данные
    history:
      - {from: 2030-01-01, amount: 100}
"""

BASE_SOURCES: Mapping[str, str] = {
    "catalog.yaml": CATALOG_YAML,
    "agencies.yaml": AGENCIES_YAML,
    "office_types.yaml": OFFICE_TYPES_YAML,
    "categories.yaml": CATEGORIES_YAML,
    "documents.yaml": DOCUMENTS_YAML,
    "tariffs.yaml": TARIFFS_YAML,
}


def _block(key: str, snippet: str, indent: int = 2) -> str:
    """`key:` followed by the dedented snippet indented under it; "" for an empty snippet."""
    body = textwrap.dedent(snippet).strip("\n")
    if not body.strip():
        return ""
    return f"{key}:\n{textwrap.indent(body, ' ' * indent)}\n"


def service_yaml(
    fields_yaml: str = "",
    *,
    sections: str = "",
    rules: str = "",
    calculated: str = "",
    documents: str = "",
    fee: str = "",
    deadline: str = "working_days: 5",
    exemptions: Sequence[str] = (),
    example: str = "",
    extra: str = "",
) -> str:
    """The text of `services/svc.yaml` for the given snippets (see `compile_service`)."""
    if bool(fields_yaml.strip()) == bool(sections.strip()):
        raise ValueError("give either fields_yaml (one section) or sections, not both")
    if fields_yaml.strip():
        sections_text = (
            "sections:\n"
            "  - id: main\n"
            "    title: Сведения\n"
            + _block("    fields", fields_yaml, 6)
        )
    else:
        sections_text = _block("sections", sections)
    head = textwrap.dedent(f"""\
        id: {SERVICE_ID}
        version: 1
        title: Тестовая услуга
        short_title: Тест
        subject: о тестовой услуге
        agency: mvd
        keywords: [тест]
        """)
    parts = [
        head,
        _block("deadline", deadline),
        _block("fee", fee),
        f"exemptions: [{', '.join(exemptions)}]\n" if exemptions else "",
        sections_text,
        _block("rules", rules),
        _block("calculated", calculated),
        _block("documents", documents),
        _block("example", example),
        textwrap.dedent(extra).strip("\n") + "\n" if extra.strip() else "",
    ]
    return "".join(parts)


def catalog_sources(service_text: str, files: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kit's catalog files, `files` (extra or replacing ones, e.g. calendar.yaml) and the service."""
    extra = {name: textwrap.dedent(text) for name, text in (files or {}).items()}
    return {**BASE_SOURCES, **extra, f"services/{SERVICE_ID}.yaml": service_text}


def _numbered(text: str) -> str:
    return "\n".join(f"{n:4}| {line}" for n, line in enumerate(text.splitlines(), start=1))


def compile_catalog(service_text: str, files: Mapping[str, str] | None = None) -> CompileResult:
    return compile_sources(catalog_sources(service_text, files))


def compile_service(
    fields_yaml: str = "",
    *,
    sections: str = "",
    rules: str = "",
    calculated: str = "",
    documents: str = "",
    fee: str = "",
    deadline: str = "working_days: 5",
    exemptions: Sequence[str] = (),
    example: str = "",
    extra: str = "",
    files: Mapping[str, str] | None = None,
) -> tuple[Catalog, Service]:
    """Compile one inline service into a minimal catalog; fail the test on any compile error.

    `fields_yaml` is a YAML list of fields put into a single section `main`; alternatively
    `sections` is the whole YAML list of sections. `rules`, `calculated`, `documents` are YAML
    lists, `fee` and `deadline` a list or a mapping, `example` a mapping; `extra` is appended
    verbatim at the top level of the service (e.g. `availability: …`); `files` adds or replaces
    catalog files ({"calendar.yaml": "overrides: …"}).
    """
    text = service_yaml(
        fields_yaml, sections=sections, rules=rules, calculated=calculated, documents=documents,
        fee=fee, deadline=deadline, exemptions=exemptions, example=example, extra=extra,
    )
    result = compile_catalog(text, files)
    if not result.ok or result.catalog is None:
        problems = "\n".join(str(p) for p in result.errors) or "(no problems reported, no catalog)"
        pytest.fail(f"the inline catalog does not compile:\n{problems}\n\nservices/{SERVICE_ID}.yaml:\n"
                    f"{_numbered(text)}", pytrace=False)
    return result.catalog, result.catalog.services[SERVICE_ID]


@lru_cache(maxsize=1)
def base_tariffs() -> Mapping[str, Tariff]:
    """The kit's tariffs, compiled once."""
    catalog, _ = compile_service("- {id: note, kind: text, label: Примечание}")
    return catalog.tariffs


def context(
    *,
    today: date = TODAY,
    office_type: str | None = None,
    channel: str = "window",
    privileges: Iterable[str] = (),
) -> Context:
    return Context(today=today, office_type=office_type, channel=channel, privileges=frozenset(privileges))


def fill(
    service: Service,
    answers: Mapping[str, Any],
    *,
    today: date = TODAY,
    office_type: str | None = None,
    channel: str = "window",
    privileges: Iterable[str] = (),
    presented: Sequence[Mapping[str, Any]] | None = None,
    tariffs: Mapping[str, Tariff] | None = None,
) -> FormResult:
    """`forms.engine.evaluate` with a deterministic context and the kit's tariffs."""
    ctx = context(today=today, office_type=office_type, channel=channel, privileges=privileges)
    return evaluate(service, answers, ctx, tariffs=base_tariffs() if tariffs is None else tariffs,
                    presented=presented)


def texts(issues: Iterable[Issue]) -> list[str]:
    return [issue.text for issue in issues]


def error_texts(result: FormResult) -> list[str]:
    return texts(result.errors)


def warning_texts(result: FormResult) -> list[str]:
    return texts(result.warnings)


def only_field(kind_yaml: str, *, label: str = "Поле", fid: str = "value") -> Service:
    """A service with a single optional field `value` of the given kind and options.

    `kind_yaml` is the rest of the flow mapping, e.g. `"kind: integer, min: 1"`.
    """
    _, service = compile_service(f"- {{id: {fid}, label: '{label}', {kind_yaml}}}")
    return service


__all__ = [
    "BASE_SOURCES",
    "SERVICE_ID",
    "TODAY",
    "base_tariffs",
    "catalog_sources",
    "compile_catalog",
    "compile_service",
    "context",
    "error_texts",
    "fill",
    "only_field",
    "service_yaml",
    "texts",
    "warning_texts",
]
