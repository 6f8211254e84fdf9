"""Search-as-you-type over the service catalog (~300 services), standard library only.

A specialist types a few letters of an everyday name («прописка», «загран», «соцкарта»,
«права», «выписка егрн», «3-ндфл») and must see the right official service at once, on
every keystroke. This module promises:

* **Normalisation** (`fold`): Unicode NFKC, casefold, «ё» → «е», everything that is not a
  letter or a digit becomes a space, spaces collapse. «Учёт», «УЧЕТ» and «учет,» are one word.
  Inside an entry a hyphenated/dotted token («3-НДФЛ», «Ф.И.О.») is also indexed glued
  («3ндфл», «фио»), so both «3-ндфл» and «3ндфл» find it.
* **Light Russian stemming** (`_stem`): one inflectional ending from a fixed list is removed
  (longest first) if at least three letters remain, then a dangling «и»/«ь»/«й» left by
  endings such as «-ем»/«-ей» goes too. So «паспорт», «паспорта», «паспортом» share the stem
  «паспорт»; «удостоверение», «удостоверения», «удостоверением» share «удостоверен». Tokens
  with digits and words shorter than four letters («инн», «омс», «сво») are never stemmed.
* **Word matching**, in falling order of quality (see the ``_Q_*`` constants):
  exact word > same stem > prefix > derivational stem prefix > one typo > prefix with one typo.

  - Only the *last* query word may be a plain prefix (the user is still typing it); its
    quality grows with the share of the indexed word it covers, so «карт» prefers «карта»
    to «картографический».
  - Any word whose stem has at least five letters may meet a word whose stem extends it or is
    extended by it by at most four letters («регистрация» ↔ «регистрационный»,
    «граждан» ↔ «гражданина»): the derivational match.
  - Query words of five letters or more tolerate one typo — Damerau–Levenshtein (optimal
    string alignment) distance 1: insertion, deletion, substitution or transposition of two
    neighbours. The typo search runs only when the word has no exact, stem or prefix match at
    all, so a real word is never "corrected" into another real word.
    Candidates come from a symmetric-delete index: every prefix (≥ 4 letters) of every
    vocabulary word is stored with each of its one-letter deletions; a query word and its
    own deletions are looked up there, and the few candidates are verified exactly. A
    typo can thus be made in a whole word («пасморт») or in a prefix still being typed
    («регистрацы…»).
* **AND semantics**: every query word must match some word of the entry (title or `words`).
  Prepositions, conjunctions and a few pronouns («по», «из», «и», «для», «его» …) are
  optional unless they are the last word (then they may be the start of a longer word,
  «по…» → «повторная»); they never count towards title coverage and a prefix being typed
  never completes into one («ег» looks for «ЕГРН», not «его»).
* **Synonyms**: an everyday word or phrase maps to replacement phrases. If consecutive query
  words match a synonym phrase (exact, stem or one typo; the final word may also be a
  prefix of ≥ 3 letters while typing, «пропис» → «прописка»), that span may be replaced by the
  replacement phrase. The replacement must match the entry completely (AND, stem-level,
  precomputed once at construction) and then counts as one query word of quality
  ``synonym match quality × replacement quality``, where a stem-level match of the replacement
  in the title is already full quality: replacements are written in the nominative, titles are
  inflected. A deliberate alias therefore beats an accidental stem hit («права» → «водительское
  удостоверение» rather than «регистрация прав»). Every combination of found synonyms (at
  most four) with the literal reading is tried; an entry keeps its best reading.
* **Score** of an entry =
  ``10 × mean(word qualities) + 0.6 × title coverage + 0.3 × boost share``.

  - A word quality is the match quality × field weight (title 1.0, `words` 0.7), so title
    hits outrank keyword hits.
  - Title coverage: share of the title's content words matched by the query — among equal
    matches, the shortest, most specific title wins («паспорт» → the RF passport before
    «…заграничного паспорта сроком на 10 лет»).
  - Boost share: ``log1p(count) / log1p(max count)`` over the office's usage counts, so it
    is worth at most 0.3 points: enough to reorder comparable matches (same words, slightly
    different title coverage or prefix share), too little to overturn a clearly better text
    match — exact against stem on one word of a query of up to four words (1.5 / 4 > 0.3),
    title against `words` on one word of up to nine. It never lifts an entry that does not
    match at all: only matching entries are scored.
  - Order is deterministic: score (rounded to 1e-9) descending, then folded title, then key.
* **Empty or blank query** lists all entries by raw boost count descending, then title; the
  hit score is then just ``0.3 × boost share``.

Performance: a query costs a handful of dict lookups per word plus a pass over the postings of
the matched words. Measured with 300 entries × 15 words (2 100 distinct words): median
≈ 0.05 ms per query, ≈ 0.5 ms for a one-letter query (it matches most of the vocabulary);
construction ≈ 80 ms and ≈ 15 MB, mostly the symmetric-delete index. The index is immutable
after construction and `search` keeps no state, so one index may be shared by threads. Only
the first `MAX_QUERY_WORDS` words of a query are considered (a pasted paragraph stays fast).
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

__all__ = ["MAX_QUERY_WORDS", "SearchEntry", "SearchHit", "SearchIndex", "fold"]

MAX_QUERY_WORDS = 12

# Match qualities (before the field weight). The gaps are what the score guarantees rely on.
_Q_EXACT = 1.0
_Q_STEM = 0.85
_Q_PREFIX_MIN = 0.62  # a prefix covering almost nothing of the word
_Q_PREFIX_SPAN = 0.13  # added in proportion to the share of the word covered (max 0.75)
_Q_DERIV = 0.6
_Q_TYPO = 0.55
_Q_PREFIX_TYPO = 0.45

# Field weights.
_W_TITLE = 1.0
_W_WORDS = 0.7

# Score composition.
_TEXT_WEIGHT = 10.0
_COVERAGE_WEIGHT = 0.6
_BOOST_WEIGHT = 0.3

_TYPO_MIN_LEN = 5  # query words shorter than this must be spelt right
_TYPO_INDEX_MIN_PREFIX = 4  # shortest indexed prefix in the symmetric-delete index
_DERIV_MIN_STEM = 5  # derivational (stem-prefix) matches need a stem this long ...
_DERIV_MAX_EXTRA = 4  # ... and the longer stem may add at most this many letters
_SYNONYM_MIN_PREFIX = 3  # «пр» must not fire every synonym starting with «пр»
_MAX_SYNONYM_SPANS = 4  # 2**4 readings of one query at most

# Match kinds, needed to decide which matches may take part in a synonym phrase.
_EXACT, _STEM, _PREFIX, _DERIV, _TYPO, _PREFIX_TYPO = range(6)

# fmt: off
_STOPWORDS = frozenset({
    "в", "во", "на", "по", "из", "изо", "и", "или", "а", "для", "о", "об", "обо", "от", "с", "со",
    "к", "ко", "у", "за", "при", "без", "до", "над", "под", "про", "через", "его", "ее", "их",
})

# Inflectional endings grouped by length (3, 2, 1); the longest applicable one is removed.
_ENDINGS: tuple[frozenset[str], ...] = (
    frozenset({"ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими"}),
    frozenset({
        "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ов", "ев", "ам",
        "ям", "ах", "ях", "ом", "ем", "ия", "ию", "ии", "ья", "ье", "ью", "ую", "юю", "ым", "им",
    }),
    frozenset({"а", "я", "ы", "и", "у", "ю", "е", "о", "ь"}),
)
# fmt: on
_MIN_STEM = 3
_SOFT_TAIL = frozenset("иьй")

_WORD_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


def fold(text: str) -> str:
    """Lowercase (casefold), «ё» → «е», non-alphanumerics to spaces, collapse and strip spaces."""
    return " ".join(_WORD_RE.findall(_normalise(text)))


def _stem(word: str) -> str:
    """Strip one Russian inflectional ending; see the module docstring for what is promised."""
    if len(word) < _MIN_STEM + 1 or not word.isalpha() or not _CYRILLIC_RE.search(word[-3:]):
        return word
    for size, endings in zip((3, 2, 1), _ENDINGS, strict=True):
        if len(word) - size >= _MIN_STEM and word[-size:] in endings:
            word = word[:-size]
            if len(word) > _MIN_STEM and word[-1] in _SOFT_TAIL:
                word = word[:-1]
            break
    return word


def _deletes(word: str) -> set[str]:
    """All strings obtained from `word` by deleting exactly one character."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one(a: str, b: str) -> bool:
    """True if the optimal-string-alignment distance between `a` and `b` is at most 1."""
    if len(a) > len(b):
        a, b = b, a
    la, lb = len(a), len(b)
    if lb - la > 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if i == la:
        return True  # equal, or `b` has one extra letter at the end
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return (
            i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
        )  # transposition
    return a[i:] == b[i + 1 :]  # one letter inserted into `b`


@dataclass(frozen=True)
class SearchEntry:
    """One searchable service.

    `title` is the official title and weighs most; `words` holds everything else a user may
    type: the short title, keywords, the agency name, everyday names. Each item may be a phrase.
    """

    key: str
    title: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A found entry. `score` is only meaningful for ordering hits of the same query."""

    key: str
    score: float


# Per-entry result of matching one query unit: (quality, title terms it matched).
_UnitMatches = dict[int, tuple[float, tuple[int, ...]]]
# Records one matched vocabulary word: (term id, quality, kind).
_Put = Callable[[int, float, int], None]


class SearchIndex:
    """An immutable index over `entries`; build once per catalog, query on every keystroke.

    `synonyms` maps an everyday word or phrase to replacement phrases written in the words of
    the titles (``{"прописка": ["регистрационный учет по месту жительства"]}``).
    Raises `ValueError` on duplicate entry keys.
    """

    def __init__(
        self,
        entries: Iterable[SearchEntry],
        synonyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._entries: list[SearchEntry] = list(entries)
        seen: set[str] = set()
        for entry in self._entries:
            if entry.key in seen:
                raise ValueError(f"duplicate search entry key: {entry.key!r}")
            seen.add(entry.key)
        self._sort_titles = [fold(e.title) for e in self._entries]
        self._index_of = {e.key: i for i, e in enumerate(self._entries)}

        # Vocabulary: every distinct word of titles, `words` and synonym phrases.
        self._terms: list[str] = []
        self._term_id: dict[str, int] = {}
        self._term_stems: list[str] = []
        # term id -> {entry index: best field weight}
        self._postings: list[dict[int, float]] = []
        # Content words of each title (stopwords and glued variants excluded): coverage base.
        self._title_terms: list[frozenset[int]] = []

        for idx, entry in enumerate(self._entries):
            words, glued = self._split(entry.title)
            title_ids = {self._add_term(w, idx, _W_TITLE) for w in words}
            for w in glued:
                self._add_term(w, idx, _W_TITLE)
            self._title_terms.append(
                frozenset(t for t in title_ids if self._terms[t] not in _STOPWORDS) or frozenset(title_ids)
            )
            for phrase in entry.words:
                words, glued = self._split(phrase)
                for w in (*words, *glued):
                    self._add_term(w, idx, _W_WORDS)

        # Synonym phrases become vocabulary words too (without postings), so that one word
        # lookup finds both entry words and synonym words.
        self._synonyms: list[tuple[int, ...]] = []  # synonym id -> term ids of its phrase
        syn_replacements: list[list[str]] = []
        by_phrase: dict[tuple[int, ...], int] = {}
        for phrase, replacements in (synonyms or {}).items():
            words = fold(phrase).split()
            if not words:
                continue
            ids = tuple(self._add_term(w) for w in words)
            if ids not in by_phrase:
                by_phrase[ids] = len(self._synonyms)
                self._synonyms.append(ids)
                syn_replacements.append([])
            # A lone string (a YAML slip) is one phrase, not a sequence of letters.
            phrases = [replacements] if isinstance(replacements, str) else list(replacements)
            syn_replacements[by_phrase[ids]].extend(phrases)
        self._synonyms_by_first: dict[int, list[int]] = {}
        for sid, ids in enumerate(self._synonyms):
            self._synonyms_by_first.setdefault(ids[0], []).append(sid)

        # Lookup structures.
        self._sorted_terms = sorted(self._term_id)
        self._sorted_term_ids = [self._term_id[t] for t in self._sorted_terms]
        self._stem_ids: dict[str, list[int]] = {}
        for tid, st in enumerate(self._term_stems):
            self._stem_ids.setdefault(st, []).append(tid)
        self._sorted_stems = sorted(self._stem_ids)
        self._typo_index: dict[str, list[int]] = {}
        for tid, term in enumerate(self._terms):
            keys: set[str] = set()
            for p in range(_TYPO_INDEX_MIN_PREFIX, len(term) + 1):
                prefix = term[:p]
                keys.add(prefix)
                keys |= _deletes(prefix)
            for key in keys:
                self._typo_index.setdefault(key, []).append(tid)

        # Replacement phrases are fixed: match them against the entries once.
        self._synonym_matches: list[_UnitMatches] = [
            self._match_replacements(reps) for reps in syn_replacements
        ]

    # ----------------------------------------------------------------- construction helpers

    @staticmethod
    def _split(text: str) -> tuple[list[str], list[str]]:
        """Words of `text`, plus glued forms of tokens joined by punctuation («3-ндфл» → «3ндфл»)."""
        words: list[str] = []
        glued: list[str] = []
        for chunk in _normalise(text).split():
            parts = _WORD_RE.findall(chunk)
            words.extend(parts)
            if len(parts) > 1:
                glued.append("".join(parts))
        return words, glued

    def _add_term(self, word: str, entry: int | None = None, weight: float = 0.0) -> int:
        tid = self._term_id.get(word)
        if tid is None:
            tid = len(self._terms)
            self._term_id[word] = tid
            self._terms.append(word)
            self._term_stems.append(_stem(word))
            self._postings.append({})
        if entry is not None:
            postings = self._postings[tid]
            if postings.get(entry, 0.0) < weight:
                postings[entry] = weight
        return tid

    def _match_replacements(self, replacements: Sequence[str]) -> _UnitMatches:
        """Entries matching any replacement phrase completely, with normalised quality."""
        best: _UnitMatches = {}
        for phrase in replacements:
            words = [w for w in fold(phrase).split() if w not in _STOPWORDS] or fold(phrase).split()
            if not words:
                continue
            units = [
                self._unit_matches(
                    {t: q for t, (q, _) in self._match_word(w, last=False, typos=False).items()}
                )
                for w in words
            ]
            for idx, (quality, titles) in self._combine(units).items():
                # Stem-level title match of a nominative phrase is a full match.
                quality = min(1.0, quality / _Q_STEM)
                if quality > best.get(idx, (0.0, ()))[0]:
                    best[idx] = (quality, titles)
        return best

    # ----------------------------------------------------------------------- word matching

    def _match_word(self, word: str, *, last: bool, typos: bool = True) -> dict[int, tuple[float, int]]:
        """Vocabulary words matching one query word: term id -> (quality, kind)."""
        found: dict[int, tuple[float, int]] = {}

        def put(tid: int, quality: float, kind: int) -> None:
            if found.get(tid, (-1.0, 0))[0] < quality:
                found[tid] = (quality, kind)

        stem = _stem(word)
        tid = self._term_id.get(word)
        if tid is not None:
            put(tid, _Q_EXACT, _EXACT)
        for tid in self._stem_ids.get(stem, ()):
            put(tid, _Q_STEM, _STEM)
        if last:
            i = bisect_left(self._sorted_terms, word)
            terms = self._sorted_terms
            while i < len(terms) and terms[i].startswith(word):
                term = terms[i]
                if term not in _STOPWORDS:  # «ег» is not looking for «его»
                    share = len(word) / len(term)
                    put(self._sorted_term_ids[i], _Q_PREFIX_MIN + _Q_PREFIX_SPAN * share, _PREFIX)
                i += 1
        direct = bool(found)
        if len(stem) >= _DERIV_MIN_STEM and stem.isalpha():
            # Longer stems extending ours («регистрац» → «регистрационн») ...
            i = bisect_left(self._sorted_stems, stem)
            stems = self._sorted_stems
            while i < len(stems) and stems[i].startswith(stem):
                if len(stems[i]) - len(stem) <= _DERIV_MAX_EXTRA:
                    for tid in self._stem_ids[stems[i]]:
                        put(tid, _Q_DERIV, _DERIV)
                i += 1
            # ... and shorter stems our stem extends («паспортн» → «паспорт»).
            for size in range(max(_DERIV_MIN_STEM, len(stem) - _DERIV_MAX_EXTRA), len(stem)):
                for tid in self._stem_ids.get(stem[:size], ()):
                    put(tid, _Q_DERIV, _DERIV)
        if typos and not direct and len(word) >= _TYPO_MIN_LEN:
            self._match_typos(word, stem, last, put)
        return found

    def _match_typos(self, word: str, stem: str, last: bool, put: _Put) -> None:
        probes = {word, stem}
        keys: set[str] = set(probes)
        for probe in probes:
            keys |= _deletes(probe)
        candidates: set[int] = set()
        for key in keys:
            candidates.update(self._typo_index.get(key, ()))
        deriv_ok = len(stem) >= _DERIV_MIN_STEM
        for tid in candidates:
            term = self._terms[tid]
            term_stem = self._term_stems[tid]
            if _within_one(word, term) or _within_one(stem, term_stem):
                put(tid, _Q_TYPO, _TYPO)
                continue
            # A typo in a prefix: of the word being typed, or of a derivational stem.
            typed_prefix = last and self._prefix_within_one(word, term)
            derived = (
                deriv_ok
                and len(term_stem) - len(stem) <= _DERIV_MAX_EXTRA
                and self._prefix_within_one(stem, term_stem)
            )
            if typed_prefix or derived:
                put(tid, _Q_PREFIX_TYPO, _PREFIX_TYPO)

    @staticmethod
    def _prefix_within_one(probe: str, term: str) -> bool:
        n = len(probe)
        return any(
            _within_one(probe, term[:p])
            for p in (n - 1, n, n + 1)
            if _TYPO_INDEX_MIN_PREFIX <= p <= len(term)
        )

    def _unit_matches(self, term_quality: Mapping[int, float]) -> _UnitMatches:
        """Entries containing any of the matched words: entry -> (best quality, title term)."""
        best: dict[int, float] = {}
        title_best: dict[int, tuple[float, int]] = {}
        for tid, quality in term_quality.items():
            for idx, weight in self._postings[tid].items():
                q = quality * weight
                if q > best.get(idx, 0.0):
                    best[idx] = q
                if weight == _W_TITLE and quality > title_best.get(idx, (0.0, -1))[0]:
                    title_best[idx] = (quality, tid)
        return {idx: (q, (title_best[idx][1],) if idx in title_best else ()) for idx, q in best.items()}

    @staticmethod
    def _combine(units: Sequence[_UnitMatches]) -> _UnitMatches:
        """AND of units: entries matched by all of them, with mean quality and title terms."""
        if not units:
            return {}
        ordered = sorted(units, key=len)
        common = set(ordered[0])
        for unit in ordered[1:]:
            common.intersection_update(unit)
            if not common:
                return {}
        result: _UnitMatches = {}
        for idx in common:
            total = 0.0
            titles: list[int] = []
            for unit in units:
                q, ts = unit[idx]
                total += q
                titles.extend(ts)
            result[idx] = (total / len(units), tuple(titles))
        return result

    # ------------------------------------------------------------------------------ search

    def search(
        self,
        query: str,
        *,
        boost: Mapping[str, float] | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Best entries for `query`, at most `limit`, best first.

        `boost` maps entry keys to raw usage counts of this office; it orders the full list for
        an empty query and breaks near-ties otherwise. Never raises on any query text.
        """
        if limit <= 0:
            return []
        counts = self._boost_counts(boost)
        top = max(counts.values(), default=0.0)
        log_top = math.log1p(top) if top > 0 else 0.0

        def boost_share(idx: int) -> float:
            count = counts.get(idx, 0.0)
            return math.log1p(count) / log_top if count > 0 and log_top > 0 else 0.0

        words = fold(query).split()[:MAX_QUERY_WORDS]
        if not words:
            order = sorted(
                range(len(self._entries)),
                key=lambda i: (-counts.get(i, 0.0), self._sort_titles[i], self._entries[i].key),
            )
            return [SearchHit(self._entries[i].key, _BOOST_WEIGHT * boost_share(i)) for i in order[:limit]]

        text_scores = self._text_scores(words)
        scored = [
            (round(text + _BOOST_WEIGHT * boost_share(idx), 9), idx) for idx, text in text_scores.items()
        ]
        scored.sort(key=lambda item: (-item[0], self._sort_titles[item[1]], self._entries[item[1]].key))
        return [SearchHit(self._entries[idx].key, score) for score, idx in scored[:limit]]

    def _boost_counts(self, boost: Mapping[str, float] | None) -> dict[int, float]:
        counts: dict[int, float] = {}
        for key, value in (boost or {}).items():
            idx = self._index_of.get(key)
            try:
                count = float(value)
            except (TypeError, ValueError):
                continue
            if idx is not None and math.isfinite(count) and count > 0:
                counts[idx] = count
        return counts

    def _text_scores(self, words: list[str]) -> dict[int, float]:
        """Best text score of every matching entry over all readings of the query."""
        n = len(words)
        matches = [self._match_word(w, last=i == n - 1) for i, w in enumerate(words)]
        required = [i == n - 1 or w not in _STOPWORDS for i, w in enumerate(words)]

        spans = self._synonym_spans(words, matches)
        unit_cache: dict[int, _UnitMatches] = {}

        def word_unit(i: int) -> _UnitMatches:
            if i not in unit_cache:
                unit_cache[i] = self._unit_matches({t: q for t, (q, _) in matches[i].items()})
            return unit_cache[i]

        best: dict[int, float] = {}
        for size in range(len(spans) + 1):
            for chosen in combinations(spans, size):
                covered: set[int] = set()
                overlap = False
                for start, end, _, _ in chosen:
                    if covered.intersection(range(start, end)):
                        overlap = True
                        break
                    covered.update(range(start, end))
                if overlap:
                    continue
                units: list[_UnitMatches] = []
                for _, _, sid, syn_quality in chosen:
                    units.append(
                        {idx: (syn_quality * q, ts) for idx, (q, ts) in self._synonym_matches[sid].items()}
                    )
                units.extend(word_unit(i) for i in range(n) if required[i] and i not in covered)
                for idx, (quality, titles) in self._combine(units).items():
                    base = self._title_terms[idx]
                    coverage = len(base.intersection(titles)) / len(base) if base else 0.0
                    score = _TEXT_WEIGHT * quality + _COVERAGE_WEIGHT * coverage
                    if score > best.get(idx, -1.0):
                        best[idx] = score
        return best

    def _synonym_spans(
        self, words: list[str], matches: list[dict[int, tuple[float, int]]]
    ) -> list[tuple[int, int, int, float]]:
        """Synonym phrases found in the query: (start, end, synonym id, match quality)."""
        n = len(words)
        spans: list[tuple[int, int, int, float]] = []
        for start in range(n):
            for tid in matches[start]:
                for sid in self._synonyms_by_first.get(tid, ()):
                    phrase = self._synonyms[sid]
                    end = start + len(phrase)
                    if end > n:
                        continue
                    total = 0.0
                    for offset, term in enumerate(phrase):
                        pos = start + offset
                        quality, kind = matches[pos].get(term, (0.0, -1))
                        if kind in (_EXACT, _STEM):
                            quality = 1.0
                        elif kind == _TYPO:
                            pass
                        elif kind in (_PREFIX, _PREFIX_TYPO) and pos == n - 1 and offset == len(phrase) - 1:
                            if len(words[pos]) < _SYNONYM_MIN_PREFIX:
                                break
                        else:
                            break
                        total += quality
                    else:
                        spans.append((start, end, sid, total / len(phrase)))
        # Keep the most convincing spans if a query somehow contains many.
        spans.sort(key=lambda s: (-s[3], s[0], s[2]))
        return spans[:_MAX_SYNONYM_SPANS]
