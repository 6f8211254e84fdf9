"""ФИО in the genitive case («от Соколовой Анны Викторовны») with pytrovich.

The sex comes from the form when it is there; otherwise pytrovich guesses it from the first
name and patronymic (then the surname). When even that is unsure («Саша Ким»), the names are
declined with pytrovich's androgynous rules, which leave ambiguous surnames as they are —
a wrong ending on a paper is worse than none.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from printing.case_view import PersonName

_lock = threading.Lock()
_tools: tuple[PetrovichDeclinationMaker, PetrovichGenderDetector] | None = None

_SEX_TO_GENDER = {"male": Gender.MALE, "female": Gender.FEMALE}
_GENDER_TO_SEX = {Gender.MALE: "male", Gender.FEMALE: "female"}


def _get_tools() -> tuple[PetrovichDeclinationMaker, PetrovichGenderDetector]:
    global _tools
    if _tools is None:
        with _lock:
            if _tools is None:
                _tools = (PetrovichDeclinationMaker(), PetrovichGenderDetector())
    return _tools


def detect_sex(person: PersonName) -> str | None:
    """"male", "female" or None: the form's answer, else pytrovich's guess."""
    if person.sex in _SEX_TO_GENDER:
        return person.sex
    return _detect(person.surname, person.name, person.patronymic)


@lru_cache(maxsize=4096)
def _detect(surname: str, name: str, patronymic: str) -> str | None:
    _, detector = _get_tools()
    try:
        gender = detector.detect(
            firstname=name or None, middlename=patronymic or None, lastname=surname or None
        )
    except (ValueError, KeyError, AttributeError):
        return None
    return _GENDER_TO_SEX.get(gender)


def genitive(person: PersonName) -> str:
    """The full name in the genitive case, parts in the usual order."""
    sex = detect_sex(person)
    return _genitive(person.surname, person.name, person.patronymic, sex)


def genitive_short(person: PersonName) -> str:
    """Surname in the genitive with initials: «Соколовой А. В.»."""
    sex = detect_sex(person)
    surname = _decline(NamePart.LASTNAME, person.surname, sex) if person.surname else ""
    initials = " ".join(f"{p[0]}." for p in (person.name, person.patronymic) if p)
    return f"{surname} {initials}".strip()


@lru_cache(maxsize=4096)
def _genitive(surname: str, name: str, patronymic: str, sex: str | None) -> str:
    parts = (
        _decline(NamePart.LASTNAME, surname, sex),
        _decline(NamePart.FIRSTNAME, name, sex),
        _decline(NamePart.MIDDLENAME, patronymic, sex),
    )
    return " ".join(p for p in parts if p)


def _decline(part: NamePart, value: str, sex: str | None) -> str:
    if not value:
        return ""
    if sex in _SEX_TO_GENDER:
        return _make(part, _SEX_TO_GENDER[sex], value)
    as_male, as_female = _make(part, Gender.MALE, value), _make(part, Gender.FEMALE, value)
    return as_male if as_male == as_female else value


def _make(part: NamePart, gender: Gender, value: str) -> str:
    maker, _ = _get_tools()
    try:
        # Hyphenated and multi-word names are declined piece by piece by pytrovich itself.
        return maker.make(part, gender, Case.GENITIVE, value)
    except (ValueError, KeyError, IndexError, AttributeError):
        return value
