"""Realistic generated cases for demos and benchmarks (`mfc-workstation demo-data --cases N`).

Services are drawn by the popularity figures of the centres (DOMAIN.md); people get Russian
names in the right form for their sex (feminine surnames, patronymics from the father's name),
valid СНИЛС and ИНН check digits, Moscow passports and addresses. The answers are each service's
catalog example with the person swapped in, and every generated case passes the form engine
(dates are moved back together so age rules still hold; a service whose example cannot take a
new person keeps its own dates). About one case in six is a returning applicant.

Rows go in with bulk inserts in large transactions (no ORM objects, no outbox: demo cases are
marked `sync_state = "demo"` and never sent); numbering, status histories and the search index
are filled exactly as the services would, and the search indexes are merged at the end.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from forms import identifiers as ids
from forms.engine import Context, FormResult, calendar_for, due_date, evaluate
from forms.model import Catalog, FieldKind, Service
from workstation.core import device as device_mod
from workstation.core import search
from workstation.core.database import Store
from workstation.core.ids import uuid7_at
from workstation.core.models import (
    SEARCH_TABLES,
    Applicant,
    AuditEntry,
    Case,
    DayCounter,
    IdentityDocument,
    StatusChange,
)
from workstation.core.numbering import prefix_for
from workstation.core.searchkeys import applicant_document

log = logging.getLogger(__name__)

# (father's name, son's patronymic, daughter's patronymic)
FATHERS = (
    ("Александр", "Александрович", "Александровна"), ("Алексей", "Алексеевич", "Алексеевна"),
    ("Андрей", "Андреевич", "Андреевна"), ("Анатолий", "Анатольевич", "Анатольевна"),
    ("Борис", "Борисович", "Борисовна"), ("Валерий", "Валерьевич", "Валерьевна"),
    ("Василий", "Васильевич", "Васильевна"), ("Виктор", "Викторович", "Викторовна"),
    ("Владимир", "Владимирович", "Владимировна"), ("Геннадий", "Геннадьевич", "Геннадьевна"),
    ("Георгий", "Георгиевич", "Георгиевна"), ("Григорий", "Григорьевич", "Григорьевна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"), ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Иван", "Иванович", "Ивановна"), ("Игорь", "Игоревич", "Игоревна"),
    ("Илья", "Ильич", "Ильинична"), ("Константин", "Константинович", "Константиновна"),
    ("Леонид", "Леонидович", "Леонидовна"), ("Михаил", "Михайлович", "Михайловна"),
    ("Никита", "Никитич", "Никитична"), ("Николай", "Николаевич", "Николаевна"),
    ("Олег", "Олегович", "Олеговна"), ("Павел", "Павлович", "Павловна"),
    ("Пётр", "Петрович", "Петровна"), ("Роман", "Романович", "Романовна"),
    ("Сергей", "Сергеевич", "Сергеевна"), ("Степан", "Степанович", "Степановна"),
    ("Юрий", "Юрьевич", "Юрьевна"), ("Ярослав", "Ярославович", "Ярославовна"),
    ("Фёдор", "Фёдорович", "Фёдоровна"), ("Максим", "Максимович", "Максимовна"),
)
MALE_NAMES = (*(f for f, _, _ in FATHERS), "Артём", "Кирилл", "Матвей", "Тимофей", "Денис", "Вадим")
FEMALE_NAMES = ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Екатерина",
                "Юлия", "Анастасия", "Дарья", "Галина", "Людмила", "Марина", "Надежда", "Валентина",
                "Алёна", "Ксения", "Вера", "Любовь", "Нина", "Полина", "Софья", "Виктория", "Зоя",
                "Лидия", "Тамара", "Алина", "Евгения")
# Masculine forms; the feminine is derived by `feminine`. Some carry ё on purpose (search folds it).
SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков",
            "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков",
            "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов",
            "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов",
            "Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Пугачёв", "Голубев",
            "Калинин", "Ершов", "Щербаков", "Чернов", "Островский", "Вишневский", "Завьялов", "Шевченко",
            "Черных", "Толстой", "Бойко", "Полянский", "Лихачёв", "Пономарёв")
BIRTH_PLACES = ("г. Москва", "г. Москва", "г. Москва", "г. Тула", "г. Рязань", "г. Калуга", "г. Тверь",
                "г. Ярославль", "г. Владимир", "г. Смоленск", "г. Воронеж", "г. Казань", "г. Нижний Новгород",
                "г. Санкт-Петербург", "г. Саратов", "г. Самара", "пос. Правдинский Московской обл.")
STREETS = ("ул. Авиамоторная", "ул. Лефортовский Вал", "ул. Амундсена", "ул. Снежная", "просп. Мира",
           "Ленинский просп.", "ул. Профсоюзная", "Варшавское ш.", "ул. Маршала Жукова", "ул. Народного Ополчения",
           "ул. Мневники", "Кутузовский просп.", "ул. Вавилова", "ул. Новослободская", "Тверская ул.",
           "ул. Бутырская", "Волгоградский просп.", "ул. Грина", "ул. Мосфильмовская", "Щёлковское ш.",
           "ул. Менжинского", "ул. Удальцова", "ул. Кастанаевская", "ул. Вешняковская")
ISSUERS = ("ОВД района Лефортово г. Москвы", "ГУ МВД России по г. Москве", "ОУФМС России по г. Москве по району "
           "Свиблово", "ОВД Басманного района г. Москвы", "ТП № 1 ОУФМС России по г. Москве в ЮВАО")
# Popularity of services at the centres (millions a year, DOMAIN.md), matched on service ids.
POPULARITY: tuple[tuple[str, float], ...] = (
    ("social-card", 2.0), ("cadastral", 2.4), ("rosreestr", 2.4), ("rights", 1.2), ("egrn", 1.0),
    ("residence-registration", 1.8), ("stay-registration", 0.5), ("deregistration", 0.6),
    ("housing", 2.1), ("utility", 1.7), ("passport-rf", 1.2), ("foreign-passport", 0.8),
    ("birth", 0.4), ("child-allowance", 0.6), ("zags", 0.3), ("driving", 0.4), ("telephone", 0.2),
    ("city-payments", 0.4), ("inn", 0.3), ("snils", 0.3), ("oms", 0.3), ("tax", 0.2),
)
DEFAULT_WEIGHT = 0.15
TRANSLIT = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
                          "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
                          "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
                          "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
                          "я": "ya"})


def feminine(surname: str) -> str:
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # Шевченко, Черных, Бойко: one form for both


def weight_of(service_id: str) -> float:
    for pattern, weight in POPULARITY:
        if pattern in service_id:
            return weight
    return DEFAULT_WEIGHT


# --- identifiers -------------------------------------------------------------------------------
_INN12_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def make_snils(rng: random.Random) -> str:
    first9 = f"{rng.randint(1_002_000, 999_999_999):09d}"
    return first9 + ids.snils_check_digits(first9)


def make_inn(rng: random.Random) -> str:
    base = "77" + f"{rng.randint(0, 99_999_999):08d}"
    base += _check(base, _INN12_W11)
    return base + _check(base, _INN12_W12)


@dataclass(frozen=True, slots=True)
class Person:
    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: date
    birth_place: str
    snils: str
    inn: str
    phone: str
    email: str
    address: dict[str, Any]
    passport: dict[str, Any]


class PeopleFactory:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def family_person(self, surname: str, sex: str) -> dict[str, Any]:
        rng = self.rng
        father = rng.choice(FATHERS)
        if sex == "male":
            return {"surname": surname, "name": rng.choice(MALE_NAMES), "patronymic": father[1], "sex": "male"}
        return {"surname": feminine(surname), "name": rng.choice(FEMALE_NAMES), "patronymic": father[2],
                "sex": "female"}

    def address(self) -> dict[str, Any]:
        rng = self.rng
        return {"region": "г. Москва", "city": "Москва", "street": rng.choice(STREETS),
                "house": str(rng.randint(1, 160)), "building": None, "flat": str(rng.randint(1, 450)),
                "postcode": f"1{rng.randint(9000, 29999):05d}"}

    def person(self) -> Person:
        rng = self.rng
        sex = "male" if rng.random() < 0.45 else "female"
        base = rng.choice(SURNAMES)
        core = self.family_person(base, sex)
        age_days = rng.randint(18 * 365 + 5, 85 * 365)
        birth = self.today - timedelta(days=age_days)
        issued_at_age = 45 if age_days > 46 * 365 else (20 if age_days > 21 * 365 else 14)
        issue = birth + timedelta(days=issued_at_age * 365 + rng.randint(20, 200))
        phone = f"+79{rng.randint(0, 999_999_999):09d}"
        email = f"{core['surname'].lower().translate(TRANSLIT)}{rng.randint(1, 9999)}@mail.ru"
        passport = {"kind": "passport-rf", "series": f"45{issue:%y}", "number": f"{rng.randint(100000, 999999)}",
                    "issuer": rng.choice(ISSUERS), "issue_date": issue.isoformat(),
                    "division_code": f"77{rng.randint(0, 9)}-{rng.randint(1, 130):03d}"}
        return Person(core["surname"], core["name"], core["patronymic"], sex, birth, rng.choice(BIRTH_PLACES),
                      make_snils(rng), make_inn(rng), phone, email, self.address(), passport)


# --- answers --------------------------------------------------------------------------------------
def _shift(value: Any, days: int) -> Any:
    if not days or value is None:
        return value
    try:
        return (date.fromisoformat(str(value)) - timedelta(days=days)).isoformat()
    except ValueError:
        return value


def _rebase(value: Any, days: int) -> Any:
    """Every date in an example moved `days` back (a case accepted in the past has its dates then)."""
    if not days:
        return value
    if isinstance(value, Mapping):
        return {k: _rebase(v, days) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rebase(v, days) for v in value]
    if isinstance(value, date | str):
        try:
            day = value if isinstance(value, date) else date.fromisoformat(value)
        except ValueError:
            return value
        if isinstance(value, str) and len(value) != 10:
            return value
        return (day - timedelta(days=days)).isoformat()
    return value


def build_answers(service: Service, person: Person, factory: PeopleFactory, *, shift_days: int,
                  randomize_choices: bool, keep_dates: bool, rebase_days: int = 0, swap_person: bool = True
                  ) -> dict[str, Any]:
    """The service's example with `person` swapped in (see the module docstring for the strategies)."""
    rng = factory.rng
    example = _rebase({k: v for k, v in service.example.items() if not k.startswith("_")}, rebase_days)
    answers: dict[str, Any] = dict(example)
    for f in service.fields:
        value = example.get(f.id)
        if not swap_person and f.kind is not FieldKind.CHOICE:
            continue
        if f.kind is FieldKind.PERSON:
            if f.id == "applicant":
                answers[f.id] = {"surname": person.surname, "name": person.name, "patronymic": person.patronymic,
                                 "sex": person.sex}
            elif isinstance(value, Mapping):
                sex = value.get("sex") or rng.choice(("male", "female"))
                base = person.surname
                if person.sex == "female" and base.endswith("а"):
                    base = base[:-1]
                answers[f.id] = factory.family_person(base, sex)
        elif f.id == "birth_date" and value is not None:
            answers[f.id] = value if keep_dates else person.birth_date.isoformat()
        elif f.id == "birth_place" and value is not None:
            answers[f.id] = person.birth_place
        elif f.kind is FieldKind.SNILS and value is not None:
            answers[f.id] = ids.format_snils(person.snils if f.id == "snils" else make_snils(rng))
        elif f.kind is FieldKind.INN and value is not None and len(ids.digits_only(str(value))) == 12:
            answers[f.id] = person.inn
        elif f.kind is FieldKind.PHONE and value is not None:
            answers[f.id] = ids.format_phone(person.phone)
        elif f.kind is FieldKind.EMAIL and value is not None:
            answers[f.id] = person.email
        elif f.kind is FieldKind.ADDRESS and value is not None:
            answers[f.id] = factory.address() if f.id != "address" else dict(person.address)
        elif f.kind is FieldKind.IDENTITY_DOCUMENT and isinstance(value, Mapping):
            if value.get("kind", "passport-rf") == "passport-rf":
                doc = dict(value)
                doc.update({"series": person.passport["series"], "number": person.passport["number"],
                            "issuer": person.passport["issuer"], "division_code": person.passport["division_code"]})
                doc["issue_date"] = _shift(value.get("issue_date"), shift_days) if keep_dates else \
                    person.passport["issue_date"]
                if keep_dates:
                    doc["series"] = "45" + str(doc["issue_date"])[2:4]
                answers[f.id] = doc
        elif f.kind is FieldKind.CHOICE and randomize_choices and f.depends_on is None and f.options:
            answers[f.id] = rng.choice(f.options).value
    if keep_dates and shift_days and "birth_date" in answers:
        answers["birth_date"] = _shift(answers["birth_date"], shift_days)
    return answers


def checked(service: Service, catalog: Catalog, answers: Mapping[str, Any], ctx: Context
            ) -> tuple[FormResult, list[dict[str, Any]]]:
    """The engine's verdict and the documents a specialist would tick: every required one, in full.

    The presented list only adds "missing document" errors, and this list has none missing, so
    one evaluation without it gives the same verdict as one with it.
    """
    result = evaluate(service, answers, ctx, tariffs=catalog.tariffs)
    return result, presented_documents(result)


def presented_documents(result: FormResult) -> list[dict[str, Any]]:
    docs = []
    for item in result.checklist:
        req = item.requirement
        if item.required and not req.by_request:
            docs.append({"doc": req.doc, "originals": req.originals, "copies": req.copies, "sheets": 1})
    return docs


# --- the generator ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DemoReport:
    cases: int
    applicants: int
    skipped_services: tuple[str, ...]


def usable_services(catalog: Catalog, today: date) -> tuple[list[Service], list[str]]:
    """Services whose example validates (with its own data) — only those are generated."""
    good, skipped = [], []
    for service in sorted(catalog.services.values(), key=lambda s: s.id):
        if service.generic or not service.example:
            skipped.append(service.id)
            continue
        answers = {k: v for k, v in service.example.items() if not k.startswith("_")}
        ctx = Context(today=today, privileges=frozenset(service.example.get("_privileges", ())))
        docs = presented_documents(evaluate(service, answers, ctx, tariffs=catalog.tariffs))
        if evaluate(service, answers, ctx, tariffs=catalog.tariffs, presented=docs).ok:
            good.append(service)
        else:
            skipped.append(service.id)
    return good, skipped


def _timeline(rng: random.Random, n: int, days: int, end: datetime) -> Iterator[datetime]:
    """`n` acceptance times over the last `days` days, in order, in opening hours (local time)."""
    start_day = end.date() - timedelta(days=days - 1)
    per_day = [0] * days
    for _ in range(n):
        per_day[rng.randrange(days)] += 1
    tz = end.tzinfo
    for offset, count in enumerate(per_day):
        day = start_day + timedelta(days=offset)
        seconds = sorted(rng.randint(8 * 3600, 20 * 3600 - 1) for _ in range(count))
        for s in seconds:
            moment = datetime.combine(day, time(0), tz) + timedelta(seconds=s)
            yield min(moment, end)


def _statuses(rng: random.Random, accepted: datetime, due: date | None, now: datetime) -> list[tuple[str, datetime]]:
    """The later history of a case accepted at `accepted`, judged from how old it is now."""
    age = (now - accepted).days
    sent = accepted + timedelta(hours=rng.randint(2, 30))
    ready = datetime.combine(due, time(10), accepted.tzinfo) if due else accepted + timedelta(days=5)
    issued = ready + timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 8))
    r = rng.random()
    steps: list[tuple[str, datetime]] = []
    if age >= 30:
        if r < 0.05:
            steps = [("sent", sent), ("refused", sent + timedelta(days=3))]
        elif r < 0.09:
            steps = [("withdrawn", accepted + timedelta(days=1))]
        elif r < 0.15:
            steps = [("sent", sent), ("ready", ready)]
        else:
            steps = [("sent", sent), ("ready", ready), ("issued", issued)]
    elif age >= 7:
        if r < 0.05:
            steps = [("returned", accepted + timedelta(days=2))]
        elif r < 0.2:
            steps = [("sent", sent)]
        elif r < 0.5:
            steps = [("sent", sent), ("ready", ready)]
        else:
            steps = [("sent", sent), ("ready", ready), ("issued", issued)]
    elif r < 0.5 and sent < now:
        steps = [("sent", sent)]
    return [(status, at) for status, at in steps if at <= now]


REASONS = {"refused": "отказ ведомства", "withdrawn": "заявление отозвано заявителем",
           "returned": "неполный комплект документов"}
SPECIALISTS = ("ivanova.ea", "petrov.sv", "smirnova.oa", "kuznetsova.ni", "demo")


def generate(store: Store, catalog: Catalog, cases_count: int, *, seed: int = 1, days: int = 365,
             batch: int = 5000, office_code: str | None = None, workstation_code: str | None = None,
             progress: Callable[[int], None] | None = None) -> DemoReport:
    """Add `cases_count` generated cases accepted over the last `days` days."""
    rng = random.Random(seed)
    now = store.now()
    today = now.date()
    with store.unit_of_work() as session:
        dev = device_mod.get_device(session)
        if office_code and workstation_code:
            device_mod.configure_device(session, office_code, workstation_code)
        elif not dev.office_code or not dev.workstation_code:
            device_mod.configure_device(session, "0101", "001")
        office, workstation = device_mod.codes(session)
        counters = {c.prefix: c.last for c in session.scalars(select(DayCounter))}
        max_pk = session.scalar(text("SELECT coalesce(max(pk), 0) FROM applicants")) or 0
    services, skipped = usable_services(catalog, today)
    if not services:
        return DemoReport(0, 0, tuple(skipped))
    weights = [weight_of(s.id) for s in services]
    factory = PeopleFactory(rng, today)
    calendar = calendar_for(catalog)
    office_type = catalog.offices[office].type if office in catalog.offices else None
    returning: list[tuple[str, Person]] = []  # (applicant id, person) for repeat visits
    made_cases = made_applicants = 0
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("applicants", "docs", "fts", "cases", "history",
                                                             "audit")}

    def flush() -> None:
        if not rows["cases"]:
            return
        with store.unit_of_work(bulk=True) as session:
            conn = session.connection()
            if rows["applicants"]:
                conn.execute(insert(Applicant), rows["applicants"])
                conn.execute(insert(IdentityDocument), rows["docs"])
                for table in SEARCH_TABLES:
                    conn.execute(text(f"INSERT INTO {table}(rowid, doc) VALUES (:pk, :doc)"), rows["fts"])
            conn.execute(insert(Case), rows["cases"])
            conn.execute(insert(StatusChange), rows["history"])
            conn.execute(insert(AuditEntry), rows["audit"])
            for prefix, last in counters.items():
                conn.execute(text("INSERT INTO day_counters(prefix, last) VALUES (:p, :l) "
                                  "ON CONFLICT(prefix) DO UPDATE SET last = max(last, excluded.last)"),
                             {"p": prefix, "l": last})
        for key in rows:
            rows[key].clear()

    for accepted_at in _timeline(rng, cases_count, days, now):
        service = rng.choices(services, weights)[0]
        reuse = returning and rng.random() < 0.17
        if reuse:
            applicant_id, person = rng.choice(returning)
        else:
            person = factory.person()
            applicant_id = str(uuid7_at(int(accepted_at.timestamp() * 1000)))
        day = accepted_at.date()
        privileges = frozenset(service.example.get("_privileges", ()))
        ctx = Context(today=day, office_type=office_type, privileges=privileges)
        result = None
        rebase = (today - day).days
        for shift, randomize, keep, swap in ((0, True, False, True), (0, False, False, True),
                                             (rng.randint(0, 3650), True, True, True),
                                             (rng.randint(0, 3650), False, True, True), (0, False, True, True),
                                             (0, False, True, False)):
            answers = build_answers(service, person, factory, shift_days=shift, randomize_choices=randomize,
                                    keep_dates=keep, rebase_days=rebase, swap_person=swap)
            result, docs = checked(service, catalog, answers, ctx)
            if result.ok:
                break
        if result is None or not result.ok:
            continue
        clean = result.answers
        if not reuse:
            max_pk += 1
            applicant_row = _applicant_row(max_pk, applicant_id, clean, person, accepted_at)
            rows["applicants"].append(applicant_row)
            found = clean.get("identity")
            identity: dict[str, Any] = found if isinstance(found, dict) else person.passport
            rows["docs"].append({
                "id": str(uuid7_at(int(accepted_at.timestamp() * 1000))), "applicant_id": applicant_id,
                "kind": identity.get("kind", "passport-rf"), "series": identity.get("series"),
                "number": identity.get("number"), "issuer": identity.get("issuer"),
                "issue_date": date.fromisoformat(identity["issue_date"]) if identity.get("issue_date") else None,
                "division_code": identity.get("division_code"), "current": True, "superseded_at": None,
                "created_at": accepted_at})
            rows["fts"].append({"pk": max_pk, "doc": applicant_document(
                surname=applicant_row["surname"], name=applicant_row["name"], patronymic=applicant_row["patronymic"],
                snils=applicant_row["snils"], inn=applicant_row["inn"], phone=applicant_row["phone"],
                passports=((identity.get("series"), identity.get("number")),))})
            made_applicants += 1
            if len(returning) < 50_000:
                returning.append((applicant_id, person))
            elif rng.random() < 0.1:
                returning[rng.randrange(len(returning))] = (applicant_id, person)
        prefix = prefix_for(office, workstation, day)
        seq = counters.get(prefix, 0) + 1
        if seq > 9999:
            continue
        counters[prefix] = seq
        number = f"{prefix}-{seq:04d}"
        due = due_date(result.deadline, day, calendar)
        case_id = str(uuid7_at(int(accepted_at.timestamp() * 1000)))
        specialist = rng.choice(SPECIALISTS)
        history: list[tuple[str, str, datetime, str | None]] = [("draft", "accepted", accepted_at, None)]
        previous = "accepted"
        for status, at in _statuses(rng, accepted_at, due, now):
            history.append((previous, status, at, REASONS.get(status)))
            previous = status
        started = accepted_at - timedelta(seconds=rng.randint(180, 1200))
        rows["cases"].append({
            "id": case_id, "number": number, "status": previous, "service_id": service.id,
            "catalog_version": catalog.version, "form_version": service.form_version, "applicant_id": applicant_id,
            "bundle_id": None, "answers": clean, "documents": docs, "privileges": sorted(privileges),
            "fee_amount": result.fee.amount, "fee_full_amount": result.fee.full_amount,
            "fee_tariff": result.fee.tariff, "fee_exempt_by": result.fee.exempt_by,
            "accepted_at": accepted_at, "accepted_on": day, "due_date": due,
            "channel": "home_visit" if rng.random() < 0.02 else "window", "office_code": office,
            "workstation_code": workstation, "specialist": specialist, "intake_started_at": started,
            "intake_finished_at": accepted_at, "notify_by": rng.choice(("sms", "sms", "email", "none")),
            "assigned_to": None, "created_at": started, "updated_at": history[-1][2],
            "version": len(history) + 1, "server_version": None, "sync_state": "demo", "conflict": False,
            "conflict_data": None})
        for old, new, at, reason in history:
            rows["history"].append({"case_id": case_id, "from_status": old, "to_status": new, "at": at,
                                    "actor": specialist, "reason": reason})
            rows["audit"].append({"at": at, "actor": specialist, "action": "status", "entity": "case",
                                  "entity_id": case_id, "detail": {"from": old, "to": new}})
        made_cases += 1
        if len(rows["cases"]) >= batch:
            flush()
            if progress is not None:
                progress(made_cases)
    flush()
    with store.unit_of_work() as session:  # a bulk load leaves its search indexes merged (see search.py)
        search.optimize_indexes(session)
    if progress is not None:
        progress(made_cases)
    log.info("demo data: %d cases, %d applicants", made_cases, made_applicants)
    return DemoReport(made_cases, made_applicants, tuple(skipped))


def _applicant_row(pk: int, applicant_id: str, clean: Mapping[str, Any], person: Person, at: datetime
                   ) -> dict[str, Any]:
    found = clean.get("applicant")
    who: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    birth = clean.get("birth_date")
    return {
        "pk": pk, "id": applicant_id,
        "surname": who.get("surname", person.surname), "name": who.get("name", person.name),
        "patronymic": who.get("patronymic", person.patronymic), "sex": who.get("sex", person.sex),
        "birth_date": date.fromisoformat(birth) if birth else person.birth_date,
        "birth_place": clean.get("birth_place", person.birth_place),
        "snils": clean.get("snils", person.snils), "inn": clean.get("inn", person.inn),
        "phone": clean.get("phone", person.phone), "email": clean.get("email", person.email),
        "address": clean.get("address", person.address), "privileges": [],
        "created_at": at, "updated_at": at, "version": 1, "server_version": None, "sync_state": "demo",
    }
