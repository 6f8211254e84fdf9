"""How people and numbers are spelled for search: one folding for what is indexed and what is typed.

Names are lower-cased with ё folded to е (people and old documents use both); identifiers are
reduced to their digits, so «4500 123456», «45 00 № 123456» and «4500123456» are one key, as are
«112-233-445 95» and «11223344595». A phone is indexed as its ten national digits (and its last
seven, typed without the code); a typed «8 (916) 123-45-67» or «+7 916 1234567» is tried both as
typed and without the trunk digit. A passport is indexed as series+number and as the number alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A run of digits with the separators people and scanners put between groups.
_DIGIT_RUN = re.compile(r"\+?\d[\d\s\-‐‑‒–—−().№/]*\d|\+?\d")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
CASE_NUMBER_DIGITS = 17  # OOOO WWW YYMMDD NNNN
CASE_NUMBER_RE = re.compile(r"\d{4}-\d{3}-\d{6}-\d{4}")


def fold(text: str) -> str:
    """Lower case, ё → е, whitespace collapsed: the spelling search compares."""
    return " ".join(text.lower().replace("ё", "е").split())


_NOT_DIGITS = re.compile(r"[^0-9]+")


def digits(text: str | None) -> str:
    """The ASCII digits of `text`, in order."""
    return _NOT_DIGITS.sub("", text) if text else ""


def phone_key(phone: str | None) -> str:
    """Ten national digits of a Russian phone, or its digits as they are if it is not one."""
    d = digits(phone)
    if len(d) == 11 and d[0] in "78":
        return d[1:]
    return d


def applicant_document(
    *,
    surname: str | None,
    name: str | None,
    patronymic: str | None,
    snils: str | None = None,
    inn: str | None = None,
    phone: str | None = None,
    passports: tuple[tuple[str | None, str | None], ...] = (),
) -> str:
    """The text indexed for one applicant (never stored in plain anywhere but the encrypted DB)."""
    parts = [fold(" ".join(p for p in (surname, name, patronymic) if p))]
    for series, number in passports:
        key = digits(series) + digits(number)
        if key:
            parts.append(f"{key} {digits(number)}")  # the number alone is typed too
    phone_digits = phone_key(phone)
    for value in (digits(snils), digits(inn)):
        if value:
            parts.append(value)
    if phone_digits:
        parts.append(f"{phone_digits} {phone_digits[-7:]}")  # and a phone without its code
    return " | ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Query:
    """A typed search split into what the index can answer."""

    words: tuple[str, ...] = ()  # folded words of three letters or more: substring matches
    short_words: tuple[str, ...] = ()  # one or two letters: prefix filters on name parts
    numbers: tuple[tuple[str, ...], ...] = ()  # each: alternative digit spellings of one typed number
    case_numbers: tuple[str, ...] = ()  # canonical case numbers typed or scanned
    case_prefixes: tuple[str, ...] = ()  # a typed beginning of a case number, with its hyphens

    @property
    def empty(self) -> bool:
        return not (self.words or self.numbers or self.case_numbers or self.case_prefixes)


def format_case_number(d: str) -> str:
    return f"{d[:4]}-{d[4:7]}-{d[7:13]}-{d[13:17]}"


def parse_query(text: str) -> Query:
    """Split what was typed (or scanned) into words, numbers and case numbers."""
    words: list[str] = []
    short: list[str] = []
    numbers: list[tuple[str, ...]] = []
    case_numbers: list[str] = []
    prefixes: list[str] = []
    rest = text
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group(0)
        d = digits(raw)
        stripped = raw.strip()
        if len(d) == CASE_NUMBER_DIGITS:
            case_numbers.append(format_case_number(d))
        elif re.fullmatch(r"\d{4}-\d{3}(-\d{1,6}(-\d{1,4})?)?-?", stripped):
            prefixes.append(stripped)
            numbers.append((d,))
        else:
            alternatives = [d]
            if len(d) == 11 and d[0] in "78":
                alternatives.append(d[1:])
            numbers.append(tuple(alternatives))
        rest = rest.replace(raw, " ", 1)
    for word in _WORD.findall(fold(rest)):
        (words if len(word) >= 3 else short).append(word)
    return Query(tuple(words), tuple(short), tuple(numbers), tuple(case_numbers), tuple(prefixes))


def fts_expression(query: Query, *, prefix: bool = False) -> str | None:
    """An FTS5 MATCH expression or None if nothing to match.

    For the trigram index every term is a substring; with `prefix` (the word index) every term
    is the beginning of a word: «корол» finds «королёв», «4500» a passport.
    """
    star = "*" if prefix else ""
    terms: list[str] = [_quote(w) + star for w in query.words]
    for alternatives in query.numbers:
        usable = [a for a in alternatives if len(a) >= 3]
        if len(usable) == 1:
            terms.append(_quote(usable[0]) + star)
        elif usable:
            terms.append("(" + " OR ".join(_quote(a) + star for a in usable) + ")")
    if not terms:
        return None
    return " AND ".join(terms)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'
