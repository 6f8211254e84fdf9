"""`mfc-workstation print NUMBER --doc application|receipt|issuance [--printer NAME | --out FILE.pdf]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from forms.versions import CatalogUnavailable
from printing import PrinterError, render_application, render_issuance, render_receipt, send_to_printer
from workstation.cli.common import CommandError, Session
from workstation.cli.store_cmd import actor, opened
from workstation.core import cases
from workstation.core.models import Setting
from workstation.core.print_views import PRINTABLE, case_view, receipt_cases

DOCS = {"application": "заявление", "receipt": "расписка", "issuance": "расписка о выдаче"}
PRINTER_SETTING = "printer"


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("print", help="напечатать заявление, расписку или расписку о выдаче по делу")
    cmd.add_argument("number", help="номер дела (с дефисами или без)")
    cmd.add_argument("--doc", choices=sorted(DOCS), default="application", help="что печатать")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--printer", help="имя принтера (иначе — выбранный на этом рабочем месте или по умолчанию)")
    where.add_argument("--out", type=Path, help="не печатать, а сохранить PDF в файл")
    cmd.add_argument("--copies", type=int, default=1, help="число экземпляров")
    cmd.set_defaults(handler=cmd_print)


def cmd_print(args: argparse.Namespace, session: Session) -> int:
    if args.copies < 1:
        raise CommandError("число экземпляров должно быть не меньше 1")
    with opened(session) as store:
        with store.reading() as s:
            case = cases.find(s, args.number)
            if case is None:
                raise CommandError(f"дело {args.number} не найдено")
            if case.status not in PRINTABLE:
                raise CommandError(f"дело {case.number or args.number} ещё не принято: печатать нечего")
            try:
                catalog = session.catalogs.get(case.catalog_version)
            except CatalogUnavailable:
                raise CommandError(
                    f"нет версии каталога {case.catalog_version}, по которой заполнено дело: "
                    "получите её с сервера (mfc-workstation sync)"
                ) from None
            if args.doc == "receipt":
                pdf = render_receipt(catalog, [case_view(s, c, catalog) for c in receipt_cases(s, case)])
            elif args.doc == "issuance":
                view = case_view(s, case, catalog)
                if view.issuance is None:
                    raise CommandError(f"результат по делу {case.number} ещё не выдан")
                pdf = render_issuance(catalog, view)
            else:
                pdf = render_application(catalog, case_view(s, case, catalog))
            number = case.number or args.number
            printer = args.printer or _remembered_printer(s)
        if args.out is not None:
            try:
                args.out.write_bytes(pdf)
            except OSError as exc:
                raise CommandError(f"не удаётся записать {args.out}: {exc.strerror}") from exc
            where = str(args.out)
        else:
            try:
                job = send_to_printer(pdf, session.data.pdf, f"{number}-{args.doc}", printer=printer,
                                      copies=args.copies, title=f"{DOCS[args.doc]} {number}")
            except PrinterError as exc:
                raise CommandError(str(exc)) from exc
            where = f"отправлено на принтер {job.printer} (копия PDF: {job.pdf_path})"
        with store.unit_of_work() as s:
            cases.record_print(s, case.id, actor=actor(), document=args.doc, now=store.now())
    print(f"{DOCS[args.doc].capitalize()} по делу {number}: {where}")
    return 0


def _remembered_printer(s: OrmSession) -> str | None:
    """The printer chosen in the workstation's settings, if any (the UI stores it)."""
    setting = s.get(Setting, PRINTER_SETTING)
    return str(setting.value) if setting is not None and setting.value else None
