"""Issue 2 figures: compile 300 services ≤ 200 ms; a search query ≤ 2 ms; validate a 60-field form ≤ 2 ms."""

from __future__ import annotations

from datetime import date

from bench.figures import Figure, median, percentile, time_ms
from bench.synthetic_catalog import synthetic_sources
from forms.compiler import compile_folder, compile_sources
from forms.engine import Context, evaluate, example_answers
from forms.loader import builtin_folder, parse_yaml
from forms.service_search import build_index

QUERIES = ["паспорт", "прописка", "загран", "соцк", "регистрацыя", "справка о выплатах", "пособие ребенок",
           "выдача удостоверения", "налог", "транспорт учет"]


def builtin_fields_per_service() -> int:
    """The synthetic services are as large as the real ones on average (group members included)."""
    catalog = compile_folder(builtin_folder()).catalog
    assert catalog is not None
    sizes = [sum(1 + len(f.fields) for f in s.fields) for s in catalog.services.values()]
    return max(10, round(sum(sizes) / len(sizes)))


def run(quick: bool) -> list[Figure]:
    per_service = builtin_fields_per_service()
    sources = synthetic_sources(300, per_service)
    repeat = 3 if quick else 10
    full = time_ms(lambda: compile_sources(sources), repeat=repeat, warmup=1)
    parsed = {k: parse_yaml(v) for k, v in sources.items()}
    from_parsed = time_ms(lambda: compile_sources(sources, parsed=parsed, check_examples=False), repeat=repeat,
                          warmup=1)
    checked = time_ms(lambda: compile_sources(sources, parsed=parsed), repeat=repeat, warmup=1)
    parse_only = time_ms(lambda: [parse_yaml(v) for v in sources.values()], repeat=repeat, warmup=1)
    result = compile_sources(sources)
    assert result.ok, result.errors[:3]
    catalog = result.catalog
    assert catalog is not None

    index = build_index(catalog)
    per_query = []
    for q in QUERIES:
        per_query += time_ms(lambda q=q: index.search(q), repeat=20 if quick else 100, warmup=2)

    service = next(iter(catalog.services.values()))
    sixty = compile_sources({**sources, "services/svc-000.yaml": sources["services/svc-000.yaml"]})
    big = synthetic_sources(1, 60)
    big_catalog = compile_sources(big).catalog
    assert big_catalog is not None
    service = big_catalog.services["svc-000"]
    answers = example_answers(service)
    ctx = Context(today=date(2026, 11, 21))
    assert evaluate(service, answers, ctx, tariffs=big_catalog.tariffs).ok
    del sixty
    validate = time_ms(lambda: evaluate(service, answers, ctx, tariffs=big_catalog.tariffs),
                       repeat=200 if quick else 1000, warmup=20)
    n_fields = len(service.fields) + sum(len(f.fields) for f in service.fields)
    return [
        Figure(f"compile 300 services × {per_service} fields from parsed YAML, median", median(from_parsed), "ms",
               goal=200, note="the load path"),
        Figure("catalog check: the same compile + every example validated", median(checked), "ms",
               note="catalog check / publishing"),
        Figure("YAML parsing of those 300 files (PyYAML, C loader), median", median(parse_only), "ms",
               note="once per catalog version"),
        Figure("cold: YAML parsing + compile, median", median(full), "ms"),
        Figure("search query over 300 services, median", median(per_query), "ms", goal=2),
        Figure("search query over 300 services, p95", percentile(per_query, 95), "ms", goal=2),
        Figure(f"validate a {n_fields}-field form, median", median(validate), "ms", goal=2),
        Figure(f"validate a {n_fields}-field form, p95", percentile(validate, 95), "ms"),
    ]
