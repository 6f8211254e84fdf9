"""`mfc-workstation`: with no command it opens the desktop app; commands run headless work.

Every command module under `workstation.cli` registers its own sub-parser; this module only
resolves the data directory, sets up logging and dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workstation import paths
from workstation.cli import catalog_cmd
from workstation.cli.common import CommandError, Session
from workstation.logs import setup_logging

COMMAND_MODULES = (catalog_cmd,)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mfc-workstation",
        description="Рабочее место специалиста центра госуслуг «Мои Документы». "
        "Без команды открывает приложение.",
    )
    parser.add_argument("--data-dir", help=f"папка данных (иначе ${paths.ENV_VAR} или папка пользователя)")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data = paths.resolve(args.data_dir)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is not None:
            parser.parse_args([args.command, "--help"])
        return _run_app(data)
    setup_logging(data, console=False)
    session = Session(data)
    try:
        return int(handler(args, session) or 0)
    except CommandError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


def _run_app(data: paths.DataPaths) -> int:
    setup_logging(data, console=True)
    from workstation.ui.app import run  # tkinter is imported only when the app opens

    return run(data)


if __name__ == "__main__":
    sys.exit(main())
