"""The catalog's service search: a `SearchIndex` built from a compiled catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forms.model import Catalog
from forms.search import SearchEntry, SearchIndex


def build_index(catalog: Catalog) -> SearchIndex:
    """Titles weigh most; short titles, keywords, the agency and life situations help find a service."""
    in_situations: dict[str, list[str]] = {}
    for situation in catalog.situations.values():
        for service_id in situation.services:
            in_situations.setdefault(service_id, []).append(situation.title)
    entries = []
    for service in catalog.services.values():
        agency = catalog.agencies.get(service.agency)
        words = [service.short_title, *service.keywords, *in_situations.get(service.id, [])]
        if agency is not None:
            words.append(agency.short)
        entries.append(SearchEntry(service.id, service.title, tuple(w for w in words if w)))
    return SearchIndex(entries, dict(catalog.synonyms))


@dataclass(frozen=True, slots=True)
class Found:
    service_id: str
    title: str
    score: float


def search_services(
    index: SearchIndex,
    catalog: Catalog,
    query: str,
    *,
    usage: Mapping[str, float] | None = None,
    limit: int = 20,
) -> list[Found]:
    hits = index.search(query, boost=usage, limit=limit)
    return [Found(h.key, catalog.services[h.key].title, h.score) for h in hits if h.key in catalog.services]
