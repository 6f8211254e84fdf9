"""The local store with a million generated cases: search, accept, open, size, cost of encryption.

One encrypted store is filled by the demo generator (`workstation.core.demo`), then copied to
an unencrypted file with `sqlcipher_export` (same SQLite library, same rows, same indexes), and
the same operations are timed on both in this run: the unencrypted figures are the baselines,
so every ratio is the cost of encryption. Accept and open are whole units of work, commit and
fsync included (synchronous = FULL, as the app runs), back to back; WAL checkpoints and the
search indexes' merges run on the store's own background thread as in the app
(`wal_checkpoints.py`): a back-to-back loop never pauses, so it gets no merges and a checkpoint
only at `max_delay` (or SQLite's own at 2,000 pages), as a storm of writes would in the app.
The generator ends by merging the search indexes (`search.optimize_indexes`), as a bulk load
should. Acceptance is timed a second time with the store idle for 0.3 s before each (as at a
window, where the checkpoint thread runs between actions): reported without a goal, because on
a virtual machine whose processor halts when idle that adds the machine's wake-up to every part
of the work (see docs/store.md). `--quick` uses 20,000 cases.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from bench.figures import Figure, median, percentile
from forms.compiler import compile_folder
from forms.engine import Context
from forms.model import Catalog
from forms.versions import CatalogLibrary, CatalogUnavailable
from workstation.core import cases, demo, search
from workstation.core.database import Store, open_database
from workstation.core.models import Applicant, Case, IdentityDocument

FULL_CASES = 1_000_000
QUICK_CASES = 20_000
SAMPLES = 300
PAUSED_SAMPLES = 200
PAUSE_S = 0.3


def _catalog() -> tuple[Catalog, str]:
    try:
        return CatalogLibrary(None).current(), ""
    except CatalogUnavailable:
        folder = Path(__file__).resolve().parents[1] / "tests" / "workstation" / "catalog"
        result = compile_folder(folder)
        assert result.catalog is not None
        return result.catalog, "built-in catalog does not compile now: the store tests' catalog was used"


def _queries(store: Store, rng: random.Random) -> list[str]:
    """What specialists type: names (whole, partial, with е for ё), documents, phones, scanned numbers."""
    with store.reading() as s:
        top = s.scalar(text("SELECT max(pk) FROM applicants")) or 1
        picks = [s.get(Applicant, rng.randint(1, top)) for _ in range(SAMPLES)]
        people = [p for p in picks if p is not None]
        docs = {d.applicant_id: d for d in s.scalars(select(IdentityDocument).where(
            IdentityDocument.applicant_id.in_([p.id for p in people[:120]])))}
        numbers = list(s.scalars(select(Case.number).where(Case.number.is_not(None)).order_by(Case.id).limit(
            SAMPLES).offset(rng.randint(0, 1000))))
    queries: list[str] = []
    for n, p in enumerate(people):
        kind = n % 8
        if kind == 0:
            queries.append(p.surname)
        elif kind == 1:
            queries.append(f"{p.surname} {p.name} {p.patronymic or ''}".replace("ё", "е"))
        elif kind == 2:
            queries.append(f"{p.surname[:4]} {p.name[:3]}".lower())
        elif kind == 3 and p.snils:
            queries.append(f"{p.snils[:3]}-{p.snils[3:6]}-{p.snils[6:9]} {p.snils[9:]}")
        elif kind == 4 and p.phone:
            d = p.phone[2:]
            queries.append(f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}")
        elif kind == 5 and p.id in docs:
            queries.append(f"{docs[p.id].series} {docs[p.id].number}")
        elif kind == 6 and numbers:
            queries.append(numbers[n % len(numbers)].replace("-", ""))
        else:
            queries.append(f"{p.surname} {p.name[0]}")
    return queries


def _drafts(store: Store, catalog: Catalog, count: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Valid intakes waiting to be accepted (made like the demo generator's): (warm-up, measured)."""
    services, _ = demo.usable_services(catalog, store.now().date())
    factory = demo.PeopleFactory(rng, store.now().date())
    made: list[str] = []
    order = list(services)  # one of each first: the warm-up (first use of a form compiles its caches)
    while len(made) < count + len(services):
        service = order.pop(0) if order else rng.choice(services)
        ctx = Context(today=store.now().date(), privileges=frozenset(service.example.get("_privileges", ())))
        for keep in (False, True):
            answers = demo.build_answers(service, factory.person(), factory, shift_days=0, randomize_choices=False,
                                         keep_dates=keep)
            result, docs = demo.checked(service, catalog, answers, ctx)
            if result.ok:
                break
        if not result.ok:
            continue
        with store.unit_of_work() as s:
            case_id, _ = cases.start_intake(s, catalog=catalog, service_id=service.id, specialist="bench",
                                            now=store.now(), answers=answers, documents=docs,
                                            privileges=sorted(ctx.privileges))
        made.append(case_id)
    return made[:len(services)], made[len(services):]


def _timed(fn: Callable[[Any], object], items: list[Any]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _measure(store: Store, catalog: Catalog, queries: list[str], rng: random.Random) -> dict[str, list[float]]:
    def do_search(q: str) -> None:
        with store.reading() as s:
            search.search(s, q)

    for q in queries[:20]:
        do_search(q)
    searches = _timed(do_search, queries)

    warm, drafts = _drafts(store, catalog, SAMPLES, rng)

    def do_accept(case_id: str) -> None:
        with store.unit_of_work() as s:
            cases.accept(s, case_id, catalogs=catalog, actor="bench", now=store.now())

    for case_id in warm:
        do_accept(case_id)
    accepts = _timed(do_accept, drafts)

    _, paused_drafts = _drafts(store, catalog, PAUSED_SAMPLES, rng)
    paused = []
    for case_id in paused_drafts:
        time.sleep(PAUSE_S)  # the store goes idle: its thread checkpoints and merges, as at a window
        paused += _timed(do_accept, [case_id])

    with store.reading() as s:
        top = s.scalar(text("SELECT count(*) FROM cases"))
        numbers = [s.scalars(select(Case.number).where(Case.number.is_not(None)).offset(rng.randrange(top - 300))
                             .limit(1)).first() for _ in range(SAMPLES)]

    def do_open(number: str) -> None:
        with store.unit_of_work() as s:
            case = cases.open_case(s, number, actor="bench", now=store.now())
            cases.case_view(s, case)

    for number in numbers[:10]:
        do_open(number)
    opens = _timed(do_open, [n for n in numbers if n])
    return {"search": searches, "accept": accepts, "paused": paused, "open": opens}


def run(quick: bool) -> list[Figure]:
    n = QUICK_CASES if quick else FULL_CASES
    catalog, catalog_note = _catalog()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        enc_path, plain_path = Path(folder) / "store.db", Path(folder) / "plain.db"
        key = os.urandom(32)
        store = open_database(enc_path, key)
        start = time.perf_counter()
        report = demo.generate(store, catalog, n, seed=11, days=365, batch=10_000)
        generation_s = time.perf_counter() - start
        store.checkpoint()
        raw = store.engine.raw_connection()  # one connection: the store's checkpoint thread uses the pool too
        try:
            conn = raw.driver_connection
            conn.execute(f"ATTACH DATABASE '{plain_path}' AS plain KEY ''")  # type: ignore[union-attr]
            conn.execute("SELECT sqlcipher_export('plain')")  # type: ignore[union-attr]
            conn.execute("DETACH DATABASE plain")  # type: ignore[union-attr]
        finally:
            raw.close()
        store.close()
        os.sync()  # the export leaves gigabytes to write back: let that not land in the timed fsyncs
        enc_size = enc_path.stat().st_size
        plain_size = plain_path.stat().st_size

        results = {}
        for label, path, k in (("encrypted", enc_path, key), ("plain", plain_path, None)):
            opened = open_database(path, k)
            try:
                queries = _queries(opened, random.Random(7))
                results[label] = _measure(opened, catalog, queries, random.Random(9))
            finally:
                opened.close()

    note = f"{report.cases:,} cases, {report.applicants:,} applicants".replace(",", " ")
    if catalog_note:
        note += f"; {catalog_note}"
    enc, plain = results["encrypted"], results["plain"]
    figures.append(Figure("store: generate demo cases (encrypted)", report.cases / generation_s, "case/s",
                          lower_is_better=False, note=note))
    figures.append(Figure("store: search p95 (names, documents, phones, numbers)", percentile(enc["search"], 95),
                          "ms", goal=20, baseline=percentile(plain["search"], 95),
                          note=f"median {median(enc['search']):.2f} ms; baseline = same store unencrypted"))
    figures.append(Figure("store: accept a case p95 (validate, number, commit)", percentile(enc["accept"], 95),
                          "ms", goal=5, baseline=percentile(plain["accept"], 95),
                          note=f"median {median(enc['accept']):.2f} ms"))
    figures.append(Figure("store: accept p95 after 0.3 s idle (as at a window)", percentile(enc["paused"], 95), "ms",
                          baseline=percentile(plain["paused"], 95),
                          note=f"median {median(enc['paused']):.2f} ms; no goal: the store's cost is the figure "
                               "above, this adds the machine waking up (docs/store.md)"))
    figures.append(Figure("store: open a case p95 (with history, audited)", percentile(enc["open"], 95), "ms",
                          goal=5, baseline=percentile(plain["open"], 95),
                          note=f"median {median(enc['open']):.2f} ms"))
    figures.append(Figure("store: database size per case", enc_size / max(report.cases, 1), "byte",
                          baseline=plain_size / max(report.cases, 1),
                          note=f"file {enc_size / 2**20:.0f} MiB encrypted, {plain_size / 2**20:.0f} MiB plain"))
    return figures
