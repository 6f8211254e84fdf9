"""`mfc-workstation case …`: import, list, show, search and export cases headless."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workstation.cli.common import CommandError, Session, print_json
from workstation.cli.store_cmd import actor, opened
from workstation.core import cases, importer, search
from workstation.core.models import Applicant
from workstation.core.numbering import canonical


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("case", help="дела: импорт, просмотр, поиск, выгрузка")
    commands = parser.add_subparsers(dest="case_command", metavar="ДЕЙСТВИЕ", required=True)

    cmd = commands.add_parser("import", help="загрузить дела из файла JSON Lines (одно дело в строке)")
    cmd.add_argument("file", type=Path, help="файл .jsonl или «-» для стандартного ввода")
    cmd.add_argument("--specialist", default=None, help="логин специалиста для строк без поля specialist")
    cmd.add_argument("--json", action="store_true", help="отчёт в JSON")
    cmd.set_defaults(handler=cmd_import)

    cmd = commands.add_parser("list", help="список дел")
    cmd.add_argument("--status", help="статус: accepted, sent, ready, issued, refused, withdrawn, returned, draft")
    cmd.add_argument("--date", type=_day, help="дата приёма ГГГГ-ММ-ДД")
    cmd.add_argument("--limit", type=int, default=1000, help="не больше стольких дел (0 — все)")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_list)

    cmd = commands.add_parser("show", help="одно дело со сроком и историей статусов")
    cmd.add_argument("number", help="номер дела (с дефисами или без) или его id")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_show)

    cmd = commands.add_parser("search", help="поиск заявителей и дел")
    cmd.add_argument("text", nargs="+")
    cmd.add_argument("--limit", type=int, default=20)
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_search)

    cmd = commands.add_parser("export", help="выгрузить дела за день в файл JSON Lines")
    cmd.add_argument("--date", type=_day, required=True, help="дата приёма ГГГГ-ММ-ДД")
    cmd.add_argument("file", type=Path)
    cmd.set_defaults(handler=cmd_export)

    cmd = commands.add_parser("status", help="сменить статус дела")
    cmd.add_argument("number")
    cmd.add_argument("status", help="sent, ready, issued, refused, withdrawn, returned, accepted")
    cmd.add_argument("--reason", help="причина (обязательна для отказа, отзыва и возврата)")
    cmd.set_defaults(handler=cmd_status)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("ожидается дата ГГГГ-ММ-ДД") from None


def cmd_import(args: argparse.Namespace, session: Session) -> int:
    catalog = session.catalogs.current()
    specialist = args.specialist or actor()
    try:
        stream = sys.stdin if str(args.file) == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"не удаётся открыть {args.file}: {exc.strerror}") from exc
    with stream, opened(session) as store:
        report = importer.import_lines(store, stream, catalog=catalog, specialist=specialist)
    if args.json:
        print_json({"imported": [{"line": i.line, "id": i.case_id, "number": i.number} for i in report.imported],
                    "skipped": [{"line": i.line, "id": i.case_id, "number": i.number} for i in report.skipped],
                    "problems": [{"line": p.line, "reason": p.reason} for p in report.problems]})
    else:
        for item in report.imported:
            print(f"строка {item.line}: принято, дело {item.number}")
        for item in report.skipped:
            print(f"строка {item.line}: уже загружена раньше, дело {item.number}")
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(f"Загружено дел: {len(report.imported)}; загружено раньше: {len(report.skipped)}; "
              f"строк с ошибками: {len(report.problems)}")
    return 0 if report.ok else 2


def _names(s: Any, applicant_ids: set[str]) -> dict[str, str]:
    if not applicant_ids:
        return {}
    return {a.id: a.full_name for a in s.scalars(select(Applicant).where(Applicant.id.in_(applicant_ids)))}


def cmd_list(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store, store.reading() as s:
        found = cases.list_cases(s, status=args.status, day=args.date, limit=args.limit or None)
        names = _names(s, {c.applicant_id for c in found if c.applicant_id})
        rows = [cases.summary(c, names.get(c.applicant_id or "")) for c in found]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row['number'] or '(черновик)':<22} {row['status']:<10} {row['service_id']:<32} "
              f"{row['applicant'] or ''}  срок {row['due_date'] or '—'}")
    print(f"Дел: {len(rows)}")
    return 0


def cmd_show(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store, store.unit_of_work() as s:
        case = cases.open_case(s, args.number, actor=actor(), now=store.now())
        data = cases.case_view(s, case)
    if args.json:
        print_json(data)
        return 0
    applicant = data["applicant"] or {}
    print(f"Дело {data['number'] or data['id']}: {data['status_label']}")
    print(f"Услуга: {data['service_id']} ({data['form_version']}, каталог {data['catalog_version']})")
    if applicant:
        print(f"Заявитель: {applicant['surname']} {applicant['name']} {applicant.get('patronymic') or ''}".rstrip())
    print(f"Принято: {data['accepted_at'] or '—'}; срок готовности: {data['due_date'] or '—'}")
    print(f"Госпошлина: {data['fee']['amount'] or '0'} ₽" + (
        f" (льгота: {data['fee']['exempt_by']})" if data["fee"]["exempt_by"] else ""))
    print("История:")
    for h in data["history"]:
        reason = f" — {h['reason']}" if h["reason"] else ""
        print(f"  {h['at']}  {h['from'] or ''} → {h['to']}  ({h['actor']}){reason}")
    return 0


def cmd_search(args: argparse.Namespace, session: Session) -> int:
    text = " ".join(args.text)
    with opened(session) as store, store.reading() as s:
        result = search.search(s, text, limit=args.limit)
    data = {
        "applicants": [{"id": a.id, "full_name": a.full_name,
                        "birth_date": a.birth_date.isoformat() if a.birth_date else None,
                        "snils": a.snils, "phone": a.phone} for a in result.applicants],
        "cases": [{"id": c.id, "number": c.number, "status": c.status, "service_id": c.service_id,
                   "accepted_on": c.accepted_on.isoformat() if c.accepted_on else None,
                   "due_date": c.due_date.isoformat() if c.due_date else None,
                   "applicant": c.applicant_name} for c in result.cases],
    }
    if args.json:
        print_json(data)
        return 0
    if result.empty:
        print(f"По запросу «{text}» ничего не найдено")
        return 0
    for a in data["applicants"]:
        print(f"заявитель  {a['full_name']}  {a['birth_date'] or ''}")
    for c in data["cases"]:
        print(f"дело       {c['number']}  {c['status']}  {c['service_id']}  {c['applicant'] or ''}")
    return 0


def cmd_export(args: argparse.Namespace, session: Session) -> int:
    target: Path = args.file
    if target.exists():
        raise CommandError(f"файл {target} уже существует")
    with opened(session) as store, store.unit_of_work() as s:
        found = cases.list_cases(s, day=args.date)
        found = [c for c in found if c.status != "draft"]
        tmp = target.with_name(f".{target.name}.partial")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                for case in found:
                    fh.write(json.dumps(cases.case_view(s, case), ensure_ascii=False) + "\n")
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CommandError(f"не удаётся записать {target}: {exc.strerror}") from exc
        cases.record_export(s, [c.id for c in found], actor=actor(), now=store.now(), target=target.name)
    print(f"Выгружено дел: {len(found)} в {target}")
    return 0


def cmd_status(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store, store.unit_of_work() as s:
        case = cases.get(s, args.number)
        cases.change_status(s, case.id, args.status, actor=actor(), now=store.now(), reason=args.reason)
        number = case.number or canonical(args.number) or args.number
    print(f"Дело {number}: статус {args.status}")
    return 0
