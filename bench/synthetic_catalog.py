"""A synthetic catalog of N services for the benchmarks: realistic sizes and kinds, valid examples."""

from __future__ import annotations

import random

from forms.loader import builtin_folder, read_sources

WORDS = [
    "регистрация",
    "выдача",
    "оформление",
    "справка",
    "пособие",
    "компенсация",
    "замена",
    "подтверждение",
    "предоставление",
    "сведения",
    "учет",
    "удостоверение",
    "жилье",
    "транспорт",
    "налог",
    "семья",
    "ребенок",
    "пенсия",
    "льгота",
    "документ",
]

# (kind, extra yaml, example value as YAML)
SCALARS = [
    ("text", "max_length: 200", "Текстовое значение"),
    ("textarea", "max_length: 2000", "Длинное пояснение заявителя"),
    ("integer", "min: 0\n        max: 100", "7"),
    ("money", "min: 0", "1500.50"),
    ("date", "past_only: true", "2001-05-17"),
    ("boolean", "", "true"),
    ("choice", "options: [один, два, три]", "два"),
    ("phone", "", '"+7 916 123-45-67"'),
    ("email", "", "a.ivanov@mail.ru"),
    ("snils", "", '"112-233-445 95"'),
    ("inn", "", '"7707083893"'),
    ("cadastral", "", '"77:01:0001001:1234"'),
]


def service_yaml(sid: str, n_fields: int, rng: random.Random, n: int = 0) -> str:
    """One service. About 45% of its expressions also occur in other services (the built-in
    catalog repeats 41% of its expressions), the rest are unique to it."""
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    lines = [
        f"id: {sid}",
        "version: 1",
        f"title: {title} {sid}",
        "agency: mvd",
        f"keywords: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
        "deadline:",
        f'  - {{when: "f2 + {n} > {50 + n}", working_days: 10}}',
        "  - {working_days: 5}",
        "fee:",
        f'  - {{when: "f6 == true and f2 >= {n % 90}", tariff: passport-rf-loss}}',
        "  - {tariff: passport-rf}",
        "sections:",
        "  - id: applicant-section",
        "    title: Заявитель",
        "    fields:",
        "      - {id: applicant, kind: person, label: ФИО, required: true}",
        "      - {id: birth_date, kind: date, label: Дата рождения, required: true, past_only: true}",
        "      - {id: identity, kind: identity_document, label: Паспорт, required: true}",
        "      - {id: address, kind: address, label: Адрес, required: true}",
        "  - id: details",
        "    title: Сведения",
        "    fields:",
    ]
    example = [
        "example:",
        "  applicant: {surname: Иванов, name: Иван, patronymic: Иванович, sex: male}",
        "  birth_date: 1980-01-15",
        "  identity: {series: '4510', number: '123456', issuer: ОВД Лефортово, issue_date: 2005-03-01,"
        " division_code: '772-001'}",
        "  address: {city: Москва, street: ул. Лесная, house: '5', flat: '12', postcode: '125047'}",
    ]
    for i in range(1, n_fields - 4 + 1):
        kind, extra, value = SCALARS[i % len(SCALARS)]
        fid = f"f{i}"
        lines.append(f"      - id: {fid}")
        lines.append(f"        kind: {kind}")
        lines.append(f"        label: Поле номер {i}")
        lines.append(f"        required: {'true' if i % 3 else 'false'}")
        if i > 2 and i % 7 == 0:
            lines.append(f'        visible_if: "f6 == true or age(birth_date) >= {18 + n}"')
        if extra:
            lines.extend(f"        {ln.strip()}" for ln in extra.split("\n"))
        example.append(f"  {fid}: {value}")
    lines.append("  - id: children-section")
    lines.append("    title: Дети")
    lines.append("    fields:")
    lines.append("      - id: children")
    lines.append("        kind: group")
    lines.append("        label: Дети")
    lines.append("        max_items: 10")
    lines.append("        fields:")
    lines.append("          - {id: child, kind: person, label: ФИО ребенка, required: true}")
    lines.append("          - {id: child_birth, kind: date, label: Дата рождения, required: true}")
    lines.append("        rules:")
    lines.append('          - {check: "age(child_birth) < 18", message: только несовершеннолетние, field: child_birth}')
    example.append("  children:")
    example.append("    - {child: {surname: Иванов, name: Петр, sex: male}, child_birth: 2015-02-03}")
    lines += [
        "calculated:",
        '  - {id: age, label: Возраст, expr: "age(birth_date)"}',
        "rules:",
        '  - {check: "identity.issue_date > birth_date", message: дата выдачи раньше рождения, field: identity}',
        '  - {check: "age >= 14", message: с 14 лет, field: birth_date}',
        f'  - {{check: "count(children) <= {10 + n}", message: слишком много детей, field: children}}',
        "documents:",
        "  - {doc: passport-rf, originals: 1}",
        f'  - {{doc: photo-35x45, originals: 2, when: "f6 == true or f2 > {100 + n}"}}',
    ]
    return "\n".join(lines + example) + "\n"


def synthetic_sources(n_services: int = 300, fields_per_service: int = 40, seed: int = 7) -> dict[str, str]:
    rng = random.Random(seed)
    base = {k: v for k, v in read_sources(builtin_folder()).items() if not k.startswith("services/")}
    base["situations.yaml"] = "situations: []\n"
    for n in range(n_services):
        sid = f"svc-{n:03d}"
        base[f"services/{sid}.yaml"] = service_yaml(sid, fields_per_service, rng, n)
    return base
