"""`mfc-workstation connect URL CODE` and `mfc-workstation sync`: the central server from the command line.

`connect` trades the one-time code printed by `mfc-server device add` for the device token,
which goes to the OS keyring (never to a file), and takes the office and workstation codes the
server assigned. `sync` runs one full sync (push the outbox, pull everything new) and prints a
summary — for field laptops and cron; the desktop app syncs in the background on its own.
"""

from __future__ import annotations

import argparse
import socket
import sys

from sync.client import SyncClient, SyncError, TokenStore, enrol
from workstation.cli.common import CommandError, Session, print_json
from workstation.cli.store_cmd import opened
from workstation.core import sync_adapter
from workstation.core.device import get_device


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("connect", help="подключить рабочее место к центральному серверу")
    cmd.add_argument("url", help="адрес сервера, например https://sync.mfc.example")
    cmd.add_argument("code", help="одноразовый код от администратора (mfc-server device add)")
    cmd.set_defaults(handler=cmd_connect)

    cmd = sub.add_parser("sync", help="синхронизировать с сервером сейчас и показать итог")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(handler=cmd_sync)


def cmd_connect(args: argparse.Namespace, session: Session) -> int:
    url = args.url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise CommandError("Адрес сервера должен начинаться с http:// или https://")
    with opened(session) as store:
        with store.reading() as s:
            local_id = get_device(s).device_id
            acked = sync_adapter.acked_seq(s)
        try:
            answer = enrol(url, args.code, local_device_id=local_id, acked_seq=acked, hostname=socket.gethostname())
            TokenStore(sync_adapter.token_user(session.data.root)).set(answer.token)
        except SyncError as exc:
            raise CommandError(exc.user_message) from exc
        except Exception as exc:  # a keyring that cannot keep the token
            raise CommandError(f"Ключ доступа не сохранён в хранилище паролей системы: {type(exc).__name__}") from exc
        with store.unit_of_work() as s:
            sync_adapter.save_enrolment(s, url=url, device_id=answer.device_id, name=answer.name,
                                        office_code=answer.office_code, workstation_code=answer.workstation_code,
                                        epoch=answer.epoch, now=store.now())
    print(f"Рабочее место подключено: «{answer.name}», центр {answer.office_code}, "
          f"номер рабочего места {answer.workstation_code}")
    return 0


def cmd_sync(args: argparse.Namespace, session: Session) -> int:
    with opened(session) as store:
        with store.reading() as s:
            info = sync_adapter.server_info(s)
        if not info:
            raise CommandError("Рабочее место не подключено к серверу: mfc-workstation connect URL КОД")
        tokens = TokenStore(sync_adapter.token_user(session.data.root))
        client = SyncClient(info["url"], tokens.get)
        port = sync_adapter.StorePort(store, session.catalogs)
        try:
            summary = client.sync(port)
        except SyncError as exc:
            raise CommandError(exc.user_message, exit_code=2) from exc
        pending = port.pending_count()
        rejected, conflicts = port.attention()
    data = {"server": info["url"], "pushed": summary.pushed, "duplicates": summary.duplicates,
            "rejected_now": summary.rejected, "conflicts_now": summary.conflicts, "pulled": summary.pulled,
            "pages": summary.pages, "catalogs": summary.catalogs, "epoch_changed": summary.epoch_changed,
            "pending": pending, "rejected_total": rejected, "cases_in_conflict": conflicts}
    if args.json:
        print_json(data)
        return 0
    print(f"Сервер {info['url']}: отправлено изменений {summary.pushed}, получено записей {summary.pulled}")
    if summary.duplicates:
        print(f"  уже были на сервере: {summary.duplicates}")
    if summary.catalogs:
        print(f"  новые версии каталога: {', '.join(summary.catalogs)}")
    if summary.epoch_changed:
        print("  сервер был восстановлен из копии: изменения отправлены заново")
    if rejected:
        print(f"  отклонено сервером (нужно посмотреть): {rejected}", file=sys.stderr)
    if conflicts:
        print(f"  дел с расхождениями (нужно выбрать значение): {conflicts}", file=sys.stderr)
    print(f"  ждут отправки: {pending}")
    return 0
