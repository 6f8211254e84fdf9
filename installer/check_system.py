"""Check (and, as root on Debian/Astra, install) the system packages the workstation needs.

Run by the Makefile before it creates the virtual environment, starts the app or runs the
tests, so a newcomer on a fresh Debian 12 / Astra Linux machine gets either a working setup
or one exact line to run.  Uses only the standard library: it runs before any dependency is
installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys

# need -> (Debian packages, how to tell whether it is present)
NEEDS: dict[str, tuple[list[str], str]] = {
    "venv": (["python3-venv"], "module:ensurepip"),
    "tk": (["python3-tk"], "module:tkinter"),
    "xvfb": (["xvfb", "xauth"], "binary:Xvfb"),
    "cups": (["cups", "cups-pdf", "cups-client"], "binary:lp"),
    "poppler": (["poppler-utils"], "binary:pdftoppm"),
}


def present(probe: str) -> bool:
    kind, _, name = probe.partition(":")
    if kind == "binary":
        return shutil.which(name) is not None
    if importlib.util.find_spec(name) is None:
        return False
    if name == "tkinter":
        # The module may exist while the shared library behind it is missing.
        result = subprocess.run([sys.executable, "-c", "import _tkinter"], capture_output=True)
        return result.returncode == 0
    return True


def can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def ensure(needs: list[str]) -> int:
    missing = [n for n in needs if not present(NEEDS[n][1])]
    if not missing:
        return 0
    packages = sorted({p for n in missing for p in NEEDS[n][0]})
    line = "apt-get install -y " + " ".join(packages)
    if can_install():
        print(f"Устанавливаю системные пакеты: {' '.join(packages)}", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env)
        if done.returncode == 0 and all(present(NEEDS[n][1]) for n in missing):
            return 0
    print(
        "Не хватает системных пакетов: " + ", ".join(packages) + ".\n"
        f"Установите их командой:  sudo {line}\n"
        f"(Missing system packages; install them with: sudo {line})",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--need", action="append", choices=sorted(NEEDS), default=[])
    args = parser.parse_args(argv)
    return ensure(args.need or sorted(NEEDS))


if __name__ == "__main__":
    sys.exit(main())
