"""Handing a PDF to the operating system's printer, and listing the printers.

Linux and Astra Linux print through CUPS with its command-line clients (`lpstat` to list and
check a queue, `lp -d NAME -n COPIES` to print); Windows prints through the shell's "print" /
"printto" verbs (the PDF viewer registered for PDFs does the printing) and lists printers
with PowerShell. `CUPS_SERVER` in the environment (or `server=`) points the CUPS clients at
another scheduler, which is how the tests use a private cupsd.

Failures raise `PrinterError` whose message is Russian and says what to do: the printer does
not exist, is stopped or off line, refuses jobs, or the printing system is missing or not
answering. `send_to_printer` first keeps the PDF in the folder the caller gives, so after a
failure the paper can be printed later (`PrinterError.pdf_path`); the case itself is the
caller's and stays saved whatever happens here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from printing import texts as t


class PrinterError(Exception):
    """A print that did not happen; `message` is for the user (Russian)."""

    def __init__(self, message: str, *, printer: str | None = None, pdf_path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.printer = printer
        self.pdf_path = pdf_path

    def __str__(self) -> str:
        if self.pdf_path is not None:
            return f"{self.message} {t.PDF_KEPT.format(path=self.pdf_path)}"
        return self.message

    def with_pdf(self, path: Path) -> PrinterError:
        return PrinterError(self.message, printer=self.printer, pdf_path=path)


@dataclass(frozen=True, slots=True)
class Printer:
    name: str
    default: bool = False
    enabled: bool = True  # False: stopped, paused or off line
    accepting: bool = True  # False: the queue refuses new jobs
    description: str = ""


@dataclass(frozen=True, slots=True)
class PrintJob:
    printer: str
    job_id: str  # "" where the system gives none (Windows)
    pdf_path: Path
    copies: int


_UNSAFE = re.compile(r"[^0-9A-Za-zА-Яа-яЁё._-]+")


def keep_pdf(pdf: bytes, folder: Path, name: str) -> Path:
    """Write `pdf` as `folder/name.pdf` (never overwriting: «-2», «-3» … are added) and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _UNSAFE.sub("_", name).strip("._") or "document"
    path = folder / f"{stem}.pdf"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.pdf"
        n += 1
    tmp = path.with_suffix(".pdf.tmp")
    with open(tmp, "wb") as fh:
        fh.write(pdf)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def send_to_printer(pdf: bytes, folder: Path, name: str, *, printer: str | None = None, copies: int = 1,
                    title: str = "", server: str | None = None) -> PrintJob:
    """Keep the PDF in `folder`, then print it; on failure the PrinterError names the kept file."""
    path = keep_pdf(pdf, folder, name)
    try:
        return print_pdf(path, printer=printer, copies=copies, title=title or name, server=server)
    except PrinterError as exc:
        raise exc.with_pdf(path) from None


def list_printers(*, server: str | None = None) -> list[Printer]:
    if sys.platform == "win32":
        return _windows_printers()
    return _cups_printers(server)


def default_printer(*, server: str | None = None) -> str | None:
    return next((p.name for p in list_printers(server=server) if p.default), None)


def print_pdf(path: Path, *, printer: str | None = None, copies: int = 1, title: str = "",
              server: str | None = None, timeout: float = 30) -> PrintJob:
    """Print an existing PDF on `printer` (None: the system's default printer)."""
    copies = max(1, int(copies))
    printers = list_printers(server=server)
    if printer is None:
        printer = next((p.name for p in printers if p.default), None)
        if printer is None:
            raise PrinterError(t.PRINTER_NO_DEFAULT)
    found = next((p for p in printers if p.name == printer), None)
    if found is None:
        raise PrinterError(t.PRINTER_NOT_FOUND.format(printer=printer), printer=printer)
    if not found.accepting:
        raise PrinterError(t.PRINTER_REFUSES.format(printer=printer), printer=printer)
    if not found.enabled:
        raise PrinterError(t.PRINTER_DISABLED.format(printer=printer), printer=printer)
    if sys.platform == "win32":
        return _windows_print(path, printer, copies, default=found.default)
    return _cups_print(path, printer, copies, title, server, timeout)


# --- CUPS -----------------------------------------------------------------------------------


def _cups_env(server: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"  # lpstat's words are parsed below
    env["LANG"] = "C"
    if server:
        env["CUPS_SERVER"] = server
    return env


def _run(args: Sequence[str], env: Mapping[str, str], timeout: float, printer: str = "") -> subprocess.CompletedProcess:
    if shutil.which(args[0]) is None:
        raise PrinterError(t.PRINT_SYSTEM_MISSING)
    try:
        return subprocess.run(list(args), env=dict(env), capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise PrinterError(t.PRINT_TIMEOUT.format(printer=printer or t.DEFAULT_PRINTER), printer=printer) from None
    except OSError as exc:
        raise PrinterError(t.PRINTER_FAILED.format(printer=printer or t.DEFAULT_PRINTER, detail=exc)) from None


_SERVER_DOWN = ("scheduler is not running", "unable to connect", "bad file descriptor", "connection refused",
                "no such file or directory")


def _cups_printers(server: str | None, timeout: float = 15) -> list[Printer]:
    env = _cups_env(server)
    states = _run(["lpstat", "-p"], env, timeout)
    if states.returncode != 0 and not states.stdout.strip():
        err = states.stderr.lower()
        if "no destinations" in err:
            return []
        if any(s in err for s in _SERVER_DOWN):
            raise PrinterError(t.PRINT_SYSTEM_DOWN)
        return []
    accepting = _run(["lpstat", "-a"], env, timeout).stdout
    default = _run(["lpstat", "-d"], env, timeout).stdout
    return parse_cups(states.stdout, accepting, default)


def parse_cups(states: str, accepting: str, default: str) -> list[Printer]:
    """Printers from `lpstat -p`, `lpstat -a` and `lpstat -d` output (C locale)."""
    default_name = None
    m = re.search(r"system default destination:\s*(\S+)", default)
    if m:
        default_name = m.group(1)
    refusing = set(re.findall(r"^(\S+) not accepting requests", accepting, re.M))
    printers = []
    for line in states.splitlines():
        m = re.match(r"printer (\S+) (.*)$", line)
        if not m:
            continue
        name, rest = m.groups()
        enabled = "disabled" not in rest
        printers.append(Printer(name, default=name == default_name, enabled=enabled, accepting=name not in refusing))
    return printers


def _cups_print(path: Path, printer: str, copies: int, title: str, server: str | None, timeout: float) -> PrintJob:
    args = ["lp", "-d", printer, "-n", str(copies)]
    if title:
        args += ["-t", title]
    args += ["--", str(path)]
    done = _run(args, _cups_env(server), timeout, printer)
    if done.returncode != 0:
        err = (done.stderr or done.stdout).strip()
        low = err.lower()
        if "does not exist" in low or "not found" in low:
            raise PrinterError(t.PRINTER_NOT_FOUND.format(printer=printer), printer=printer)
        if "not accepting" in low:
            raise PrinterError(t.PRINTER_REFUSES.format(printer=printer), printer=printer)
        if any(s in low for s in _SERVER_DOWN):
            raise PrinterError(t.PRINT_SYSTEM_DOWN, printer=printer)
        raise PrinterError(t.PRINTER_FAILED.format(printer=printer, detail=err or done.returncode), printer=printer)
    m = re.search(r"request id is (\S+)", done.stdout)
    return PrintJob(printer, m.group(1) if m else "", path, copies)


# --- Windows --------------------------------------------------------------------------------

_PS_LIST = (
    "Get-CimInstance -ClassName Win32_Printer | "
    "Select-Object Name,Default,WorkOffline,PrinterStatus | ConvertTo-Json -Compress"
)


def _windows_printers() -> list[Printer]:
    done = _run(["powershell", "-NoProfile", "-NonInteractive", "-Command", _PS_LIST], os.environ, 30)
    if done.returncode != 0:
        raise PrinterError(t.PRINT_SYSTEM_DOWN)
    return parse_windows(done.stdout)


def parse_windows(output: str) -> list[Printer]:
    """Printers from the JSON PowerShell prints for Win32_Printer (one object or a list)."""
    text = output.strip()
    if not text:
        return []
    data: Any = json.loads(text)
    items = data if isinstance(data, list) else [data]
    printers = []
    for item in items:
        status = item.get("PrinterStatus")
        offline = bool(item.get("WorkOffline")) or status == 7  # 7: Offline
        printers.append(Printer(str(item.get("Name", "")), default=bool(item.get("Default")), enabled=not offline))
    return printers


def _windows_print(path: Path, printer: str, copies: int, *, default: bool) -> PrintJob:  # pragma: no cover
    import ctypes

    for _ in range(copies):
        if default:
            try:
                os.startfile(str(path), "print")  # type: ignore[attr-defined]
            except OSError as exc:
                raise PrinterError(t.PRINTER_FAILED.format(printer=printer, detail=exc), printer=printer) from None
            continue
        shell = ctypes.windll.shell32  # type: ignore[attr-defined]
        code = shell.ShellExecuteW(None, "printto", str(path), f'"{printer}"', None, 0)
        if code <= 32:
            raise PrinterError(t.PRINTER_FAILED.format(printer=printer, detail=f"ShellExecute {code}"),
                               printer=printer)
    return PrintJob(printer, "", path, copies)
