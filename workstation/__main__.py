"""`mfc-workstation`: with no command it opens the desktop app; commands run headless work.

Every command module under `workstation.cli` registers its own sub-parser; this module only
resolves the data directory, sets up logging and dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workstation import paths
from workstation.logs import setup_logging

# Imported only when a command is given: opening the app must not pay for every command's imports.
COMMAND_MODULES = ("catalog_cmd", "case_cmd", "store_cmd", "sync_cmd", "print_cmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mfc-workstation",
        description="Рабочее место специалиста центра госуслуг «Мои Документы». "
        "Без команды открывает приложение.",
    )
    parser.add_argument("--data-dir", help=f"папка данных (иначе ${paths.ENV_VAR} или папка пользователя)")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")
    for name in COMMAND_MODULES:
        importlib.import_module(f"workstation.cli.{name}").register(sub)
    return parser


def _opens_app(argv: Sequence[str]) -> tuple[bool, str | None]:
    """Whether `argv` only opens the app (no command, no --help), and the --data-dir it names."""
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--data-dir")
    known, rest = quick.parse_known_args(argv)
    return not rest, known.data_dir


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    opens_app, data_dir = _opens_app(argv)
    if opens_app:
        return _run_app(paths.resolve(data_dir))
    from workstation.cli.common import CommandError, Session

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
