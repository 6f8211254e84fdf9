"""What was typed into the applicant search, as the start of a new applicant's form (no Tk).

When nobody is found and the specialist takes «Новый заявитель», what they typed is not lost: the
search text is read by its shape and becomes the form's applicant block (`forms.model.APPLICANT_FIELDS`
ids, the same shapes an `ApplicantCard` carries):

* words of letters — the ФИО, in the order surname, name, patronymic (up to three words);
* 10 digits — a Russian passport's series and number («4500 123456», «45 00 № 123456»);
* 11 digits that pass the СНИЛС checksum, or written as a СНИЛС («112-233-445 95») — the СНИЛС;
* 11 digits starting with 7 or 8, or written with «+» or brackets — the phone.

Anything else (a part of a number, a stray digit) is left out: a wrong guess in a form is worse
than an empty field. Several parts may be typed together («Иванов 4500 123456»).
"""

from __future__ import annotations

import re
from typing import Any

from forms.identifiers import snils_check_digits
from workstation.core.searchkeys import digits

_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s\-‐‑‒–—−().№/]*\d")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SNILS_SHAPE = re.compile(r"\d{3}[-\s]\d{3}[-\s]\d{3}[-\s]+\d{2}")
_NAME_PARTS = ("surname", "name", "patronymic")


def _capitalised(word: str) -> str:
    """«иванова-петрова» -> «Иванова-Петрова»; a word typed with capitals stays as it is."""
    if any(ch.isupper() for ch in word):
        return word
    return re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), word)


def _snils_ok(d: str) -> bool:
    return len(d) == 11 and snils_check_digits(d[:9]) == d[9:]


def typed_applicant(text: str) -> dict[str, Any]:
    """The applicant block recognised in `text`; {} when nothing in it has a known shape."""
    answers: dict[str, Any] = {}
    rest = text
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group(0).strip()
        d = digits(raw)
        rest = rest.replace(match.group(0), " ", 1)
        phone_like = raw.startswith("+") or "(" in raw
        if len(d) == 10 and not phone_like and "identity" not in answers:
            answers["identity"] = {"kind": "passport-rf", "series": d[:4], "number": d[4:]}
        elif len(d) == 11 and not phone_like and (_SNILS_SHAPE.fullmatch(raw) or _snils_ok(d)) \
                and "snils" not in answers:
            answers["snils"] = f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}"
        elif len(d) == 11 and d[0] in "78" and "phone" not in answers:
            answers["phone"] = "+7" + d[1:]
        elif len(d) == 10 and phone_like and "phone" not in answers:  # «(916) 123-45-67»
            answers["phone"] = "+7" + d
    words = _WORD.findall(rest)
    if words and len(words) <= len(_NAME_PARTS):
        answers["applicant"] = {part: _capitalised(word) for part, word in zip(_NAME_PARTS, words, strict=False)}
    return answers


def typed_name(answers: dict[str, Any]) -> str:
    """The ФИО of a typed block, for the service list's subtitle ('' when none was typed)."""
    person = answers.get("applicant") or {}
    return " ".join(str(person[k]) for k in _NAME_PARTS if person.get(k))
