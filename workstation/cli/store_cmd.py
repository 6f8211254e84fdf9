"""`mfc-workstation backup | restore | demo-data | store …`: the local store from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workstation.cli.common import CommandError, Session, print_json
from workstation.core import backup, demo, device
from workstation.core.database import Store, open_store
from workstation.core.errors import StoreError


def actor() -> str:
    """Who runs a command, for the audit log (commands have no login)."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


@contextmanager
def opened(session: Session) -> Iterator[Store]:
    """The store of the session's data directory; store failures become command errors."""
    try:
        store = open_store(session.data.root)
    except StoreError as exc:
        raise CommandError(exc.user_message) from exc
    try:
        yield store
    except StoreError as exc:
        raise CommandError(exc.user_message) from exc
    finally:
        store.close()


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("backup", help="резервная копия базы (зашифрованная, можно при работающей программе)")
    cmd.add_argument("file", type=Path)
    cmd.set_defaults(handler=cmd_backup)

    cmd = sub.add_parser("restore", help="восстановить базу из резервной копии")
    cmd.add_argument("file", type=Path)
    cmd.set_defaults(handler=cmd_restore)

    cmd = sub.add_parser("demo-data", help="заполнить базу сгенерированными делами (демонстрация, замеры)")
    cmd.add_argument("--cases", type=int, required=True, help="сколько дел создать")
    cmd.add_argument("--days", type=int, default=365, help="за сколько последних дней (по умолчанию 365)")
    cmd.add_argument("--seed", type=int, default=1)
    cmd.add_argument("--office", help="код центра, 4 цифры (если рабочее место ещё не настроено: 0101)")
    cmd.add_argument("--workstation", help="номер рабочего места, 3 цифры (по умолчанию 001)")
    cmd.set_defaults(handler=cmd_demo)

    parser = sub.add_parser("store", help="локальное хранилище: настройка и сведения")
    commands = parser.add_subparsers(dest="store_command", metavar="ДЕЙСТВИЕ", required=True)
    cmd = commands.add_parser("configure", help="задать код центра и номер рабочего места")
    cmd.add_argument("--office", required=True, help="код центра, 4 цифры")
    cmd.add_argument("--workstation", required=True, help="номер рабочего места, 3 цифры")
    cmd.set_defaults(handler=cmd_configure)
    cmd = commands.add_parser("info", help="сведения о базе")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_info)


def cmd_backup(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store:
        target = backup.backup(store, args.file, actor=actor())
    print(f"Резервная копия сохранена: {target}")
    return 0


def cmd_restore(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store:
        report = backup.restore(store, args.file, actor=actor())
    print(f"База восстановлена из {report.source}; дел: {report.cases}. "
          f"Прежняя база сохранена в {report.previous_copy}")
    return 0


def cmd_demo(args: argparse.Namespace, session: Session) -> int:
    if args.cases <= 0:
        raise CommandError("--cases: ожидается положительное число")
    catalog = session.catalogs.current()
    with opened(session) as store:
        def progress(done: int) -> None:
            print(f"\rсоздано дел: {done}", end="", file=sys.stderr, flush=True)

        report = demo.generate(store, catalog, args.cases, seed=args.seed, days=args.days,
                               office_code=args.office, workstation_code=args.workstation or
                               ("001" if args.office else None), progress=progress)
    print(file=sys.stderr)
    print(f"Создано дел: {report.cases}, заявителей: {report.applicants}")
    if report.skipped_services:
        print("Пропущены услуги (пример в каталоге не проходит проверку): " + ", ".join(report.skipped_services))
    return 0


def cmd_configure(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store, store.unit_of_work() as s:
        device.configure_device(s, args.office, args.workstation)
    print(f"Рабочее место настроено: центр {args.office}, окно {args.workstation}")
    return 0


def cmd_info(args: argparse.Namespace, session: Session) -> int:
    from sqlalchemy import func, select

    from workstation.core.database import current_revision
    from workstation.core.models import Applicant, Case, OutboxRow

    with opened(session) as store, store.reading() as s:
        dev = device.get_device(s)
        data = {
            "path": str(store.path),
            "encrypted": store.encrypted,
            "schema": current_revision(store.engine),
            "device_id": dev.device_id,
            "office_code": dev.office_code,
            "workstation_code": dev.workstation_code,
            "cases": s.scalar(select(func.count()).select_from(Case)),
            "applicants": s.scalar(select(func.count()).select_from(Applicant)),
            "outbox_pending": s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.acked_at.is_(None))),
            "size_bytes": store.path.stat().st_size,
        }
    if args.json:
        print_json(data)
    else:
        for key, value in data.items():
            print(f"{key}: {value}")
    return 0
