"""`mfc-workstation catalog …`: look at, search and check the service catalog."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from forms.compiler import compile_folder
from forms.engine import evaluate_case, example_answers, example_context
from forms.export import service_summary, service_to_dict
from forms.model import Catalog, Service
from forms.service_search import build_index, search_services
from workstation.cli.common import CommandError, Session, print_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("catalog", help="каталог услуг")
    commands = parser.add_subparsers(dest="catalog_command", metavar="ДЕЙСТВИЕ", required=True)

    cmd = commands.add_parser("list", help="все услуги")
    cmd.add_argument("--json", action="store_true", help="вывод в JSON")
    cmd.set_defaults(handler=cmd_list)

    cmd = commands.add_parser("situations", help="жизненные ситуации")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_situations)

    cmd = commands.add_parser("show", help="одна услуга со всеми полями")
    cmd.add_argument("id")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_show)

    cmd = commands.add_parser("example", help="пример заявления по услуге")
    cmd.add_argument("id")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_example)

    cmd = commands.add_parser("search", help="поиск услуги")
    cmd.add_argument("text", nargs="+")
    cmd.add_argument("--json", action="store_true")
    cmd.add_argument("--limit", type=int, default=10)
    cmd.set_defaults(handler=cmd_search)

    cmd = commands.add_parser("check", help="проверить каталог в папке (код возврата 0 — без ошибок)")
    cmd.add_argument("path", type=Path)
    cmd.set_defaults(handler=cmd_check)


def _service(catalog: Catalog, service_id: str) -> Service:
    service = catalog.services.get(service_id)
    if service is None:
        raise CommandError(f"услуга «{service_id}» не найдена в каталоге {catalog.version}")
    return service


def _fee_text(row: dict) -> str:
    amount = row["amount"]
    return f"{amount} ₽" if amount is not None else "—"


def cmd_list(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    rows = [
        service_summary(catalog, s, date.today())
        for s in sorted(catalog.services.values(), key=lambda s: s.title)
    ]
    if args.json:
        print_json(rows)
        return 0
    print(f"Каталог {catalog.version}: услуг — {len(rows)}")
    for row in rows:
        fee = ", ".join(_fee_text(r) for r in row["fee"]) or "бесплатно"
        deadline = "; ".join(d["text"] for d in row["deadline"])
        marks = []
        if row["pre_appointment"]:
            marks.append("по записи")
        if row["home_visit"]:
            marks.append("выезд на дом")
        if set(row["office_types"]) != set(catalog.office_types):
            marks.append("только: " + ", ".join(catalog.office_types[t].name for t in row["office_types"]))
        suffix = f" [{'; '.join(marks)}]" if marks else ""
        print(f"{row['id']:<36} {row['title']} — {row['agency_name']}; {fee}; {deadline}{suffix}")
    return 0


def cmd_situations(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "services": list(s.services),
            "shared_fields": list(catalog.shared_fields(s.id)),
        }
        for s in catalog.situations.values()
    ]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['id']}: {row['title']}")
        for service_id in row["services"]:
            print(f"    {service_id:<36} {catalog.services[service_id].title}")
    return 0


def cmd_show(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    service = _service(catalog, args.id)
    data = service_to_dict(catalog, service, date.today())
    if args.json:
        print_json(data)
        return 0
    print(f"{service.title} ({service.form_version}, каталог {catalog.version})")
    print(f"Ведомство: {data['agency_name']}")
    print("Срок: " + "; ".join(d["text"] for d in data["deadline"]))
    print("Госпошлина: " + (", ".join(_fee_text(r) for r in data["fee"]) or "не взимается"))
    for section in service.sections:
        print(f"\n  {section.title}")
        for f in section.fields:
            required = "*" if f.required is True else ("*?" if f.required else " ")
            print(f"   {required} {f.label} [{f.kind.value}]")
            for sub in f.fields:
                print(f"       - {sub.label} [{sub.kind.value}]")
    if service.documents:
        print("\n  Документы:")
        for doc in data["documents"]:
            print(f"   - {doc['name']}: оригиналов {doc['originals']}, копий {doc['copies']}")
    return 0


def cmd_example(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    service = _service(catalog, args.id)
    result = evaluate_case(
        catalog,
        service.id,
        example_answers(service),
        example_context(catalog, service),
    )
    data = {
        "service": service.id,
        "catalog_version": catalog.version,
        "form_version": service.form_version,
        "answers": result.answers,
        "privileges": list(service.example.get("_privileges", [])),
    }
    if args.json:
        print_json(data)
        return 0
    for key, value in data["answers"].items():
        print(f"{key}: {value}")
    return 0


def cmd_search(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    query = " ".join(args.text)
    found = search_services(build_index(catalog), catalog, query, limit=args.limit)
    if args.json:
        print_json([{"id": f.service_id, "title": f.title, "score": round(f.score, 3)} for f in found])
        return 0
    if not found:
        print(f"По запросу «{query}» ничего не найдено")
        return 0
    for f in found:
        print(f"{f.service_id:<36} {f.title}")
    return 0


def cmd_check(args: argparse.Namespace, session: Session) -> int:
    result = compile_folder(args.path)
    for problem in result.errors:
        print(problem)
    for problem in result.warnings:
        print(f"{problem} (предупреждение)")
    if result.errors or result.catalog is None:
        print(f"Каталог не принят: ошибок — {len(result.errors)}")
        return 1
    print(
        f"Каталог {result.catalog.version} в порядке: услуг — {len(result.catalog.services)}, "
        f"предупреждений — {len(result.warnings)}"
    )
    return 0
