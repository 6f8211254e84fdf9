"""`mfc-server`: run the central server and administer it.

    mfc-server serve [--host 127.0.0.1] [--port 8470] [--workers N]
    mfc-server migrate
    mfc-server device add --office 0101 --name "Окно 5" [--workstation 005]   → one-time code
    mfc-server device revoke DEVICE_ID | device list
    mfc-server staff add --login L --name "ФИО" --role supervisor --office 0101 [--password-stdin]
    mfc-server staff disable LOGIN
    mfc-server case status NUMBER ready|refused|… [--reason …]
    mfc-server catalog publish PATH
    mfc-server assign NUMBER --device DEVICE_ID [--login LOGIN] [--remove]
    mfc-server epoch new            (after restoring the database from a backup)
    mfc-server compact [--days 90]

The database is `DATABASE_URL` (or `--database-url`); without one, an SQLite file in the
platform's data folder. Every command but `serve` runs the migrations it needs first.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from sync.server import admin, feed
from sync.server.config import Settings
from sync.server.db import make_engine, migrate, rotate_epoch, writing

DEFAULT_PORT = 8470


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mfc-server", description="Центральный сервер синхронизации «Мои Документы»")
    parser.add_argument("--database-url", help="база данных (иначе $DATABASE_URL, иначе файл SQLite)")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", required=True)

    cmd = sub.add_parser("serve", help="запустить сервер")
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=DEFAULT_PORT)
    cmd.add_argument("--workers", type=int, default=1, help="процессов (для PostgreSQL: по числу ядер)")
    cmd.add_argument("--log-level", default="info")
    cmd.set_defaults(handler=cmd_serve)

    cmd = sub.add_parser("migrate", help="обновить схему базы")
    cmd.set_defaults(handler=cmd_migrate)

    device = sub.add_parser("device", help="рабочие места").add_subparsers(dest="device_command", required=True)
    cmd = device.add_parser("add", help="зарегистрировать рабочее место и выдать код подключения")
    cmd.add_argument("--office", required=True, help="код центра, 4 цифры")
    cmd.add_argument("--name", required=True, help="название (например, «Окно 5»)")
    cmd.add_argument("--workstation", help="номер рабочего места, 3 цифры (иначе первый свободный)")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_device_add)
    cmd = device.add_parser("revoke", help="отключить рабочее место (ключ доступа перестаёт действовать)")
    cmd.add_argument("device_id")
    cmd.set_defaults(handler=cmd_device_revoke)
    cmd = device.add_parser("list", help="список рабочих мест")
    cmd.set_defaults(handler=cmd_device_list)

    staff = sub.add_parser("staff", help="сотрудники").add_subparsers(dest="staff_command", required=True)
    cmd = staff.add_parser("add", help="завести сотрудника")
    cmd.add_argument("--login", required=True)
    cmd.add_argument("--name", required=True, help="ФИО")
    cmd.add_argument("--role", required=True, choices=("specialist", "field_specialist", "supervisor",
                                                        "administrator"))
    cmd.add_argument("--office", help="код центра (не нужен администратору)")
    cmd.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")
    cmd.set_defaults(handler=cmd_staff_add)
    cmd = staff.add_parser("disable", help="заблокировать сотрудника")
    cmd.add_argument("login")
    cmd.set_defaults(handler=cmd_staff_disable)

    case = sub.add_parser("case", help="дела").add_subparsers(dest="case_command", required=True)
    cmd = case.add_parser("status", help="сменить статус дела из бэк-офиса")
    cmd.add_argument("number", help="номер дела (или id)")
    cmd.add_argument("status", help="ready, refused, sent, …")
    cmd.add_argument("--reason", help="причина (нужна для отказа и возврата)")
    cmd.add_argument("--actor", default=None, help="кто меняет (по умолчанию пользователь системы)")
    cmd.set_defaults(handler=cmd_case_status)

    catalog = sub.add_parser("catalog", help="каталог услуг").add_subparsers(dest="catalog_command", required=True)
    cmd = catalog.add_parser("publish", help="опубликовать версию каталога для рабочих мест")
    cmd.add_argument("path", type=Path)
    cmd.set_defaults(handler=cmd_catalog_publish)

    cmd = sub.add_parser("assign", help="поручить дело выездному рабочему месту")
    cmd.add_argument("number")
    cmd.add_argument("--device", required=True, help="id рабочего места")
    cmd.add_argument("--login", help="логин выездного специалиста")
    cmd.add_argument("--remove", action="store_true", help="снять поручение")
    cmd.set_defaults(handler=cmd_assign)

    epoch = sub.add_parser("epoch", help="эпоха сервера").add_subparsers(dest="epoch_command", required=True)
    cmd = epoch.add_parser("new", help="объявить новую эпоху (после восстановления базы из копии)")
    cmd.set_defaults(handler=cmd_epoch_new)

    cmd = sub.add_parser("compact", help="удалить из ленты изменений записи, заменённые более новыми")
    cmd.add_argument("--days", type=int, default=90, help="не трогать записи моложе стольких дней")
    cmd.set_defaults(handler=cmd_compact)
    return parser


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _engine(settings: Settings) -> Engine:
    engine = make_engine(settings.database_url, pool_size=1)
    migrate(engine)
    return engine


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    engine = _engine(settings)  # once, before the workers start
    engine.dispose()
    os.environ["DATABASE_URL"] = settings.database_url
    print(f"Сервер: http://{args.host}:{args.port} (база: {_safe_url(settings.database_url)}, "
          f"процессов: {args.workers})", file=sys.stderr)
    uvicorn.run("sync.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=False, proxy_headers=True,
                timeout_keep_alive=75)
    return 0


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    _engine(settings)
    print("Схема базы обновлена")
    return 0


def cmd_device_add(args: argparse.Namespace, settings: Settings) -> int:
    new = admin.add_device(_engine(settings), office=args.office, name=args.name, workstation=args.workstation,
                           code_hours=settings.enrol_code_hours)
    if args.json:
        print(json.dumps({"device_id": new.device_id, "office_code": new.office_code,
                          "workstation_code": new.workstation_code, "code": new.code,
                          "expires_at": new.expires_at.isoformat()}, ensure_ascii=False))
        return 0
    print(f"Рабочее место {new.office_code}-{new.workstation_code} «{new.name}» зарегистрировано, id {new.device_id}")
    print(f"Код подключения (одноразовый, действует до {new.expires_at:%d.%m.%Y %H:%M} UTC): {new.code}")
    print(f"На рабочем месте: mfc-workstation connect URL-СЕРВЕРА {new.code}")
    return 0


def cmd_device_revoke(args: argparse.Namespace, settings: Settings) -> int:
    admin.revoke_device(_engine(settings), args.device_id)
    print(f"Рабочее место {args.device_id} отключено")
    return 0


def cmd_device_list(args: argparse.Namespace, settings: Settings) -> int:
    for d in admin.list_devices(_engine(settings)):
        state = "отключено" if d["revoked_at"] else ("подключено" if d["enrolled_at"] else "ждёт подключения")
        print(f"{d['id']}  {d['office_code']}-{d['workstation_code']}  {d['name']}  {state}  "
              f"последнее изменение № {d['last_seq']}")
    return 0


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Пароль: ")
        if getpass.getpass("Ещё раз: ") != password:
            raise admin.AdminError("Пароли не совпали")
    admin.add_staff(_engine(settings), login=args.login, full_name=args.name, role=args.role, office=args.office,
                    password=password)
    print(f"Сотрудник {args.login} заведён ({args.role})")
    return 0


def cmd_staff_disable(args: argparse.Namespace, settings: Settings) -> int:
    admin.set_staff_active(_engine(settings), args.login, False)
    print(f"Сотрудник {args.login} заблокирован")
    return 0


def cmd_case_status(args: argparse.Namespace, settings: Settings) -> int:
    state = admin.change_status(_engine(settings), args.number, args.status, reason=args.reason,
                                actor=args.actor or _actor())
    print(f"Дело {state.number or state.id}: статус {state.status} (версия {state.version})")
    return 0


def cmd_catalog_publish(args: argparse.Namespace, settings: Settings) -> int:
    version, new = admin.publish_catalog(_engine(settings), args.path, actor=_actor())
    print(f"Каталог {version} опубликован" if new else f"Каталог {version} уже опубликован")
    return 0


def cmd_assign(args: argparse.Namespace, settings: Settings) -> int:
    state = admin.assign(_engine(settings), args.number, args.device, login=args.login, actor=_actor(),
                         active=not args.remove)
    print(f"Дело {state.number or state.id} {'снято с' if args.remove else 'поручено'} рабочему месту {args.device}")
    return 0


def cmd_epoch_new(args: argparse.Namespace, settings: Settings) -> int:
    epoch = rotate_epoch(_engine(settings))
    print(f"Новая эпоха сервера: {epoch}. Рабочие места отправят заново то, чего нет в базе")
    return 0


def cmd_compact(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    with writing(engine) as conn:
        removed = feed.compact(conn, admin.utcnow() - timedelta(days=args.days))
    print(f"Удалено записей ленты: {removed}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = Settings.from_env(**overrides)
    try:
        return int(args.handler(args, settings) or 0)
    except admin.AdminError as exc:
        print(f"Ошибка: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
