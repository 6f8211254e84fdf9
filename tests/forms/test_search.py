"""Search-as-you-type over a realistic slice of the МФЦ catalog (`forms.search`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.search import SearchEntry, SearchHit, SearchIndex, fold

E = SearchEntry

ENTRIES: tuple[SearchEntry, ...] = (
    E(
        "residence-registration",
        "Регистрационный учет граждан по месту жительства",
        ("Регистрация по месту жительства", "постоянная регистрация", "МВД"),
    ),
    E(
        "residence-deregistration",
        "Снятие граждан с регистрационного учета по месту жительства",
        ("Выписка из квартиры", "снятие с учета", "МВД"),
    ),
    E(
        "stay-registration",
        "Регистрационный учет граждан по месту пребывания",
        ("Временная регистрация", "МВД"),
    ),
    E(
        "stay-deregistration",
        "Снятие граждан с регистрационного учета по месту пребывания",
        ("Снятие с временной регистрации", "МВД"),
    ),
    E(
        "passport-rf",
        "Выдача (замена) паспорта гражданина Российской Федерации",
        ("Паспорт РФ", "замена паспорта", "14 лет", "20 лет", "45 лет", "МВД"),
    ),
    E(
        "passport-rf-loss",
        "Выдача паспорта гражданина Российской Федерации взамен утраченного или похищенного",
        ("утеря паспорта", "кража паспорта", "МВД"),
    ),
    E(
        "foreign-passport-5-adult",
        "Оформление и выдача заграничного паспорта сроком действия 5 лет гражданину старше 18 лет",
        ("Загранпаспорт старого образца", "МВД"),
    ),
    E(
        "foreign-passport-5-child",
        "Оформление и выдача заграничного паспорта сроком действия 5 лет ребенку до 18 лет",
        ("Загранпаспорт ребенку", "МВД"),
    ),
    E(
        "foreign-passport-10-adult",
        "Оформление и выдача заграничного паспорта нового поколения сроком действия 10 лет "
        "гражданину старше 18 лет",
        ("Биометрический загранпаспорт", "МВД"),
    ),
    E(
        "foreign-passport-10-child",
        "Оформление и выдача заграничного паспорта нового поколения сроком действия 10 лет ребенку до 18 лет",
        ("Биометрический загранпаспорт ребенку", "МВД"),
    ),
    E(
        "cadastre-and-rights",
        "Государственный кадастровый учет недвижимого имущества и (или) государственная "
        "регистрация прав на недвижимое имущество",
        ("Росреестр", "оформление собственности", "ЕГРН"),
    ),
    E(
        "rights-registration",
        "Государственная регистрация прав на недвижимое имущество",
        ("Росреестр", "право собственности", "ЕГРН"),
    ),
    E(
        "egrn-extract",
        "Предоставление сведений, содержащихся в Едином государственном реестре недвижимости",
        ("Выписка из ЕГРН", "Росреестр"),
    ),
    E(
        "social-card",
        "Оформление и выдача социальной карты москвича",
        ("СКМ", "ДТСЗН"),
    ),
    E(
        "social-card-student",
        "Оформление и выдача социальной карты учащегося",
        ("СКМ", "школьнику", "Департамент образования"),
    ),
    E(
        "social-card-replace",
        "Замена социальной карты москвича в связи с утратой или повреждением",
        ("СКМ", "ДТСЗН"),
    ),
    E(
        "birth-registration",
        "Государственная регистрация рождения",
        ("Свидетельство о рождении", "ЗАГС"),
    ),
    E(
        "death-registration",
        "Государственная регистрация смерти",
        ("Свидетельство о смерти", "ЗАГС"),
    ),
    E(
        "marriage-registration",
        "Государственная регистрация заключения брака",
        ("Свадьба", "ЗАГС"),
    ),
    E(
        "divorce-registration",
        "Государственная регистрация расторжения брака по взаимному согласию супругов",
        ("Развод", "ЗАГС"),
    ),
    E(
        "zags-duplicate",
        "Выдача повторного свидетельства о государственной регистрации акта гражданского состояния",
        ("Дубликат свидетельства", "ЗАГС"),
    ),
    E(
        "zags-certificate",
        "Выдача справки о государственной регистрации акта гражданского состояния",
        ("Справка ЗАГС", "ЗАГС"),
    ),
    E(
        "inn",
        "Постановка на учет физического лица в налоговом органе",
        ("ИНН", "свидетельство ИНН", "ФНС"),
    ),
    E(
        "3-ndfl",
        "Прием налоговой декларации по налогу на доходы физических лиц (форма 3-НДФЛ)",
        ("налоговый вычет", "ФНС"),
    ),
    E(
        "snils",
        "Регистрация в системе индивидуального (персонифицированного) учета",
        ("СНИЛС", "страховое свидетельство", "СФР"),
    ),
    E(
        "driving-licence-exchange",
        "Обмен водительского удостоверения",
        ("Замена водительского удостоверения", "ГИБДД", "МВД"),
    ),
    E(
        "driving-licence-international",
        "Выдача международного водительского удостоверения",
        ("МВУ", "ГИБДД", "МВД"),
    ),
    E(
        "vehicle-registration",
        "Государственная регистрация транспортных средств",
        ("Постановка автомобиля на учет", "ГИБДД", "МВД"),
    ),
    E(
        "child-allowance-0-3",
        "Назначение ежемесячного пособия на ребенка в возрасте до трех лет",
        ("Детские пособия", "ДТСЗН"),
    ),
    E(
        "unified-allowance",
        "Назначение единого пособия в связи с рождением и воспитанием ребенка",
        ("Единое пособие", "СФР"),
    ),
    E(
        "birth-lump-sum",
        "Единовременное пособие при рождении ребенка",
        ("СФР",),
    ),
    E(
        "oms-change",
        "Выбор (замена) страховой медицинской организации в сфере обязательного медицинского страхования",
        ("полис ОМС", "ОМС", "ТФОМС"),
    ),
    E(
        "svo-certificate",
        "Выдача справки о статусе участника специальной военной операции и членов его семьи",
        ("СВО", "участник СВО"),
    ),
    E(
        "apostille",
        "Проставление апостиля на российских официальных документах",
        ("Апостиль", "Главархив"),
    ),
    E(
        "housing-subsidy",
        "Предоставление субсидии на оплату жилого помещения и коммунальных услуг",
        ("Субсидия ЖКУ", "ГКУ ГЦЖС"),
    ),
    E(
        "parking-permit",
        "Оформление разрешения на парковку для жителей",
        ("Резидентное парковочное разрешение", "ГКУ АМПП"),
    ),
    E(
        "large-family",
        "Выдача удостоверения многодетной семьи города Москвы",
        ("Многодетная семья", "ДТСЗН"),
    ),
    E(
        "pension-certificate",
        "Выдача справки о размере пенсии",
        ("Пенсия", "СФР"),
    ),
    E(
        "kindergarten",
        "Прием заявлений для зачисления в государственные образовательные организации, "
        "реализующие программу дошкольного образования",
        ("Детский сад", "Запись в детский сад", "Департамент образования"),
    ),
    E(
        "housing-queue",
        "Признание граждан нуждающимися в жилых помещениях",
        ("Очередь на квартиру", "ДГИ"),
    ),
)

SYNONYMS: dict[str, list[str]] = {
    "прописка": ["регистрационный учет по месту жительства"],
    "права": ["водительское удостоверение"],
    "загран": ["заграничный паспорт"],
    "соцкарта": ["социальная карта"],
}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(ENTRIES, SYNONYMS)


def keys(hits: list[SearchHit]) -> list[str]:
    return [hit.key for hit in hits]


def first(index: SearchIndex, query: str, **kwargs: object) -> str:
    hits = index.search(query, **kwargs)  # type: ignore[arg-type]
    assert hits, f"nothing found for {query!r}"
    return hits[0].key


# --------------------------------------------------------------------------------- fold


def test_fold_normalises_case_yo_punctuation_and_spaces() -> None:
    assert fold("  Учёт,   ГРАЖДАН (по месту)!  ") == "учет граждан по месту"
    assert fold("3-НДФЛ") == "3 ндфл"
    assert fold("Ё-моё") == "е мое"
    assert fold("") == ""
    assert fold(" \t\n…") == ""


# ----------------------------------------------------------------------- everyday names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("прописка", "residence-registration"),
        ("пропискА", "residence-registration"),
        ("соцкарта", "social-card"),
        ("права", "driving-licence-exchange"),
        ("выписка егрн", "egrn-extract"),
        ("снилс", "snils"),
        ("инн", "inn"),
        ("омс", "oms-change"),
        ("сво", "svo-certificate"),
        ("3-ндфл", "3-ndfl"),
        ("3ндфл", "3-ndfl"),
        ("ндфл", "3-ndfl"),
        ("апостиль", "apostille"),
        ("развод", "divorce-registration"),
        ("паспорт", "passport-rf"),
        ("временная регистрация", "stay-registration"),
        ("регистрация рождения", "birth-registration"),
        ("свидетельство о смерти", "death-registration"),
        ("детский сад", "kindergarten"),
    ],
)
def test_everyday_names_find_the_service_first(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_synonym_finds_every_service_of_the_replacement(index: SearchIndex) -> None:
    found = keys(index.search("загран"))
    assert set(found[:4]) == {
        "foreign-passport-5-adult",
        "foreign-passport-5-child",
        "foreign-passport-10-adult",
        "foreign-passport-10-child",
    }
    licences = keys(index.search("права"))
    assert licences[:2] == ["driving-licence-exchange", "driving-licence-international"]
    # the literal reading still works, below the deliberate alias
    assert "rights-registration" in licences


def test_synonym_replacement_is_and_not_or(index: SearchIndex) -> None:
    # «по месту жительства» must all match: stay registration is not «прописка»
    found = keys(index.search("прописка"))
    assert found[:2] == ["residence-registration", "residence-deregistration"]
    assert "stay-registration" not in found


def test_synonym_within_a_longer_query(index: SearchIndex) -> None:
    assert keys(index.search("снятие прописка")) == ["residence-deregistration"]
    assert first(index, "соцкарта учащегося") == "social-card-student"


def test_inflected_synonym(index: SearchIndex) -> None:
    assert first(index, "прописку") == "residence-registration"
    assert first(index, "замена прав") in {"driving-licence-exchange", "rights-registration"}


# ------------------------------------------------------------------- spelling tolerance


def test_yo_and_e_are_the_same_letter(index: SearchIndex) -> None:
    assert first(index, "снятие с учёта") == first(index, "снятие с учета") == "residence-deregistration"
    assert keys(index.search("РЕГИСТРАЦИОННЫЙ УЧЁТ")) == keys(index.search("регистрационный учет"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("пасморт", "passport-rf"),  # substitution
        ("пасопрт", "passport-rf"),  # transposition
        ("паспоррт", "passport-rf"),  # insertion
        ("пaспорт", "passport-rf"),  # Latin «a» typed in the Russian word: substitution
        ("апостль", "apostille"),  # deletion
        ("регистрацыя рождения", "birth-registration"),
        ("свидетельство о смерьти", "death-registration"),
        ("прописко", "residence-registration"),  # typo in a synonym
    ],
)
def test_one_typo_is_tolerated(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_typo_in_derived_word_still_meets_its_relative(index: SearchIndex) -> None:
    found = keys(index.search("регистрацыя по месту жительства"))
    assert found[:2] == ["residence-registration", "residence-deregistration"]


def test_two_typos_or_short_words_are_not_tolerated(index: SearchIndex) -> None:
    assert index.search("пасмарт") == []  # two substitutions
    assert index.search("ихн") == []  # short words must be spelt right («инн»)


def test_exact_beats_typo(index: SearchIndex) -> None:
    # «брака» exists; it must not be "corrected" into another word
    found = keys(index.search("брака"))
    assert set(found) == {"marriage-registration", "divorce-registration"}


# ------------------------------------------------------------------ typing letter by letter


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("соцк", "social-card"),
        ("пропис", "residence-registration"),
        ("апост", "apostille"),
        ("водит", "driving-licence-exchange"),
        ("выписка ег", "egrn-extract"),
        ("снятие с регистрационного учета по месту пребыв", "stay-deregistration"),
    ],
)
def test_last_word_is_a_prefix_while_typing(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_only_the_last_word_may_be_a_prefix(index: SearchIndex) -> None:
    assert first(index, "апостиль док") == "apostille"
    assert index.search("апос документах") == []  # «апос» is a finished word here
    assert index.search("загр паспорт") == []
    # a finished word of five letters or more may still be the stem of a longer one
    assert len(index.search("загран паспорт")) == 4


def test_typo_in_the_prefix_being_typed(index: SearchIndex) -> None:
    assert first(index, "апастил") == "apostille"


def test_inflections_meet(index: SearchIndex) -> None:
    for query in ("паспорт гражданина", "паспортом гражданина", "паспорта граждан"):
        assert first(index, query) == "passport-rf", query
    assert set(keys(index.search("удостоверением водительским"))) == {
        "driving-licence-exchange",
        "driving-licence-international",
    }


def test_derivational_prefix_meets(index: SearchIndex) -> None:
    # «регистрация» (query) meets «регистрационный» (title) through the shared stem prefix
    found = keys(index.search("регистрация учет пребывания"))
    assert found[0] == "stay-registration"


# ---------------------------------------------------------------------- AND and nonsense


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("абырвалг") == []
    assert index.search("qwerty zzz") == []
    assert index.search("паспорт абырвалг") == []


def test_every_word_must_match(index: SearchIndex) -> None:
    both = keys(index.search("паспорт ребенку"))
    assert set(both) == {"foreign-passport-5-child", "foreign-passport-10-child"}
    assert set(keys(index.search("паспорт 10 ребенку"))) == {"foreign-passport-10-child"}
    assert index.search("паспорт смерти") == []


def test_stopwords_are_optional_but_harmless(index: SearchIndex) -> None:
    assert keys(index.search("справка о пенсии")) == keys(index.search("справка пенсии"))
    assert first(index, "справка о пенсии") == "pension-certificate"


# ----------------------------------------------------------------------------- boost


def test_boost_reorders_comparable_hits(index: SearchIndex) -> None:
    plain = keys(index.search("социальная карта"))
    assert plain[0] == "social-card"
    boosted = keys(index.search("социальная карта", boost={"social-card-student": 40, "social-card": 2}))
    assert boosted[0] == "social-card-student"
    assert set(boosted) == set(plain)


def test_boost_does_not_lift_a_non_matching_entry(index: SearchIndex) -> None:
    hits = index.search("апостиль", boost={"passport-rf": 10_000})
    assert keys(hits) == ["apostille"]


def test_boost_does_not_beat_a_clearly_better_match(index: SearchIndex) -> None:
    # «свидетельства» in a title beats «свидетельство» among the keywords, however popular
    boost = {"birth-registration": 10_000, "inn": 5_000, "zags-duplicate": 1}
    found = keys(index.search("свидетельство", boost=boost))
    assert found[0] == "zags-duplicate"
    assert found[1:3] == ["birth-registration", "inn"]  # the keyword hits follow popularity
    # a deliberate alias beats an accidental stem hit
    assert first(index, "права", boost={"rights-registration": 10_000}) == "driving-licence-exchange"
    # an exact word beats an inflected one
    assert first(index, "пособие", boost={"child-allowance-0-3": 10_000}) == "birth-lump-sum"


def test_boost_ignores_unknown_keys_and_bad_counts(index: SearchIndex) -> None:
    boost = {"no-such-service": 100, "apostille": float("nan"), "inn": -5}
    assert keys(index.search("апостиль", boost=boost)) == ["apostille"]
    assert len(index.search("", boost=boost, limit=100)) == len(ENTRIES)


# ------------------------------------------------------------------- empty query, limit


def test_empty_query_lists_by_title_without_boost(index: SearchIndex) -> None:
    hits = index.search("", limit=100)
    assert len(hits) == len(ENTRIES)
    titles = [fold(next(e.title for e in ENTRIES if e.key == h.key)) for h in hits]
    assert titles == sorted(titles)
    assert all(hit.score == 0.0 for hit in hits)


def test_empty_query_lists_by_boost_then_title(index: SearchIndex) -> None:
    boost = {"inn": 5, "apostille": 50, "snils": 5}
    found = keys(index.search("   ", boost=boost, limit=100))
    # equal counts fall back to title order: «Постановка…» (inn) before «Регистрация…» (snils)
    assert found[:3] == ["apostille", "inn", "snils"]
    assert len(found) == len(ENTRIES)
    assert keys(index.search(" ,;- ", boost=boost, limit=3)) == found[:3]


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("выдача")) > 5
    assert len(index.search("выдача", limit=5)) == 5
    assert keys(index.search("выдача", limit=5)) == keys(index.search("выдача", limit=50))[:5]
    assert index.search("выдача", limit=0) == []
    assert len(index.search("", limit=3)) == 3


def test_order_is_deterministic_and_scores_descend(index: SearchIndex) -> None:
    for query in ("выдача", "в", "регистрация", "паспорт"):
        hits = index.search(query, limit=100)
        assert hits == SearchIndex(reversed(ENTRIES), SYNONYMS).search(query, limit=100)
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)


# -------------------------------------------------------------------------- robustness


def test_synonym_given_as_a_single_string() -> None:
    index = SearchIndex(ENTRIES, {"права": "водительское удостоверение"})  # type: ignore[dict-item]
    assert first(index, "права") == "driving-licence-exchange"


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        SearchIndex([E("a", "Паспорт"), E("a", "Права")])


def test_empty_index_and_no_synonyms() -> None:
    assert SearchIndex([]).search("паспорт") == []
    assert SearchIndex([]).search("") == []
    assert keys(SearchIndex(ENTRIES).search("прописка")) == []


# The index fixture is module-scoped, which hypothesis accepts (it is built once).
@settings(max_examples=300, deadline=None)
@given(query=st.text(max_size=60), limit=st.integers(min_value=-2, max_value=50))
def test_search_never_raises(index: SearchIndex, query: str, limit: int) -> None:
    hits = index.search(query, limit=limit, boost={"inn": 3})
    assert len(hits) <= max(limit, 0)
    assert all(isinstance(hit, SearchHit) for hit in hits)


@settings(max_examples=200, deadline=None)
@given(query=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя -3", max_size=40))
def test_search_never_raises_on_russian_like_text(index: SearchIndex, query: str) -> None:
    index.search(query)
