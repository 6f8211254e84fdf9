"""Printing through a real CUPS queue: a private cupsd with a cups-pdf printer.

The test starts its own scheduler (its own ServerRoot, spool and logs in a temporary folder,
listening on a private unix socket only), adds a cups-pdf queue whose output folder is in that
temporary folder, prints with `lp` through `printing.printers`, finds the PDF cups-pdf wrote,
and stops the scheduler by its pid. cups-pdf reads its configuration from /etc/cups only, so
the scheduler runs in a private mount namespace (`unshare -m`) where a temporary folder is
bound over /etc/cups; the machine's own CUPS set-up is never touched.

Skipped, with the reason, where cupsd, the cups-pdf backend or the CUPS clients are not
installed (CI installs cups, cups-client and cups-pdf), or where the scheduler cannot run as
root in a namespace of its own (cups-pdf is a root-only backend).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from printing import PrinterError, list_printers, print_pdf, send_to_printer
from printing.application import render_application
from printing.examples import example_case

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
LPADMIN = shutil.which("lpadmin") or "/usr/sbin/lpadmin"
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPDS = sorted(Path("/usr/share/ppd/cups-pdf").glob("CUPS-PDF*.ppd")) if Path("/usr/share/ppd/cups-pdf").is_dir() \
    else []
QUEUE = "mfc-test-pdf"


def _missing() -> str | None:
    for path, package in ((CUPSD, "cups"), (LPADMIN, "cups-client"), (str(BACKEND), "cups-pdf")):
        if not Path(path).exists():
            return f"{path} is not installed (Debian package {package})"
    for tool in ("lp", "lpstat", "unshare", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not PPDS:
        return "the cups-pdf PPD is not installed (Debian package cups-pdf)"
    if os.geteuid() != 0:
        return "cups-pdf is a root-only backend: the private cupsd must run as root"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        return f"no private mount namespace for cupsd (unshare -m: {probe.stderr.decode().strip()})"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=_missing() or "")]


@dataclass
class Cups:
    root: Path
    socket: str
    out: Path
    process: subprocess.Popen

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.socket, "LC_ALL": "C"}

    def admin(self, *args: str) -> None:
        subprocess.run(list(args), env=self.env(), check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def cups():
    # Not pytest's tmp_path: its folders are private to root, and CUPS filters run as «lp».
    root = Path(tempfile.mkdtemp(prefix="mfc-cups-"))
    root.chmod(0o755)
    dirs = {name: root / name for name in ("conf", "etc-cups", "spool", "tmp", "out", "log", "cache", "state",
                                           "run", "cups-pdf-spool")}
    for name, path in dirs.items():
        path.mkdir()
        path.chmod(0o1777 if name in ("tmp", "out", "spool", "cups-pdf-spool") else 0o755)
    sock = str(dirs["run"] / "cups.sock")
    (dirs["conf"] / "cupsd.conf").write_text(
        f"Listen {sock}\nLogLevel info\nBrowsing Off\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (dirs["conf"] / "cups-files.conf").write_text(
        f"ServerRoot {dirs['conf']}\nRequestRoot {dirs['spool']}\nTempDir {dirs['tmp']}\n"
        f"StateDir {dirs['state']}\nCacheDir {dirs['cache']}\nErrorLog {dirs['log']}/error_log\n"
        f"AccessLog {dirs['log']}/access_log\nPageLog {dirs['log']}/page_log\n"
    )
    # What cups-pdf reads as /etc/cups/cups-pdf.conf inside the scheduler's namespace.
    (dirs["etc-cups"] / "cups-pdf.conf").write_text(
        f"Out {dirs['out']}\nSpool {dirs['cups-pdf-spool']}\nLog {dirs['log']}\nLogType 3\nGrp root\n"
    )
    command = (f"mount --bind {dirs['etc-cups']} /etc/cups && exec {CUPSD} -f "
               f"-c {dirs['conf']}/cupsd.conf -s {dirs['conf']}/cups-files.conf")
    process = subprocess.Popen(["unshare", "-m", "--", "sh", "-c", command],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Cups(root, sock, dirs["out"], process)
    try:
        _wait_for_socket(sock, process)
        server.admin(LPADMIN, "-p", QUEUE, "-v", "cups-pdf:/", "-P", str(PPDS[0]), "-E")
        yield server
    finally:
        process.terminate()  # the scheduler itself: `unshare` and `sh` exec'd into it
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_socket(path: str, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cupsd exited: {process.stderr.read().decode() if process.stderr else ''}")
        if os.path.exists(path):
            with socket.socket(socket.AF_UNIX) as s:
                try:
                    s.connect(path)
                    return
                except OSError:
                    pass
        time.sleep(0.1)
    raise RuntimeError("cupsd did not open its socket")


def _wait_for_pdf(folder: Path, before: set[Path], timeout: float = 90) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in folder.glob("*.pdf") if p not in before]
        for path in new:
            size = path.stat().st_size
            time.sleep(0.3)
            if size and size == path.stat().st_size:
                return path
        time.sleep(0.3)
    raise AssertionError(f"cups-pdf wrote nothing into {folder}")


def _total_sheets(page_log: Path, job_number: str, timeout: float = 20) -> int:
    pattern = re.compile(rf"^{re.escape(QUEUE)} \S+ {job_number} \[[^]]*\] total (\d+)", re.M)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page_log.exists():
            m = pattern.search(page_log.read_text())
            if m:
                return int(m.group(1))
        time.sleep(0.2)
    raise AssertionError(f"job {job_number} is not in the page log")


def _pages(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_lists_the_queue(cups):
    printers = list_printers(server=cups.socket)
    queue = next(p for p in printers if p.name == QUEUE)
    assert queue.enabled and queue.accepting


def test_prints_an_application_through_lp(cups, catalog, tmp_path):
    case = example_case(catalog, "passport-rf", number="0101-2026-031337")
    pdf = render_application(catalog, case)
    before = set(cups.out.glob("*.pdf"))
    job = send_to_printer(pdf, tmp_path / "prints", f"{case.number}-application", printer=QUEUE, copies=2,
                          server=cups.socket)
    assert job.job_id.startswith(QUEUE)
    assert job.pdf_path.read_bytes() == pdf  # kept for a reprint
    printed = _wait_for_pdf(cups.out, before)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.read_bytes())).pages)
    assert "0101-2026-031337" in text
    # cups-pdf writes one copy; the scheduler's page log counts the sheets of both copies.
    job_number = job.job_id.rsplit("-", 1)[1]
    assert _total_sheets(cups.root / "log" / "page_log", job_number) == 2 * _pages(job.pdf_path)


def test_absent_printer(cups, catalog, tmp_path):
    pdf = render_application(catalog, example_case(catalog, "passport-rf"))
    with pytest.raises(PrinterError) as caught:
        send_to_printer(pdf, tmp_path, "application", printer="no-such-printer", server=cups.socket)
    error = caught.value
    assert "Принтер «no-such-printer» не найден" in str(error)
    assert error.pdf_path is not None and error.pdf_path.read_bytes() == pdf
    assert "сохранён" in str(error)


def test_refusing_printer(cups, catalog, tmp_path):
    pdf = render_application(catalog, example_case(catalog, "passport-rf"))
    cups.admin("cupsreject", QUEUE)
    try:
        with pytest.raises(PrinterError, match="не принимает задания") as caught:
            send_to_printer(pdf, tmp_path, "application", printer=QUEUE, server=cups.socket)
        assert caught.value.pdf_path is not None and caught.value.pdf_path.exists()
    finally:
        cups.admin("cupsaccept", QUEUE)


def test_stopped_printer(cups, catalog, tmp_path):
    pdf = render_application(catalog, example_case(catalog, "passport-rf"))
    cups.admin("cupsdisable", QUEUE)
    try:
        with pytest.raises(PrinterError, match="остановлен или не в сети") as caught:
            send_to_printer(pdf, tmp_path, "application", printer=QUEUE, server=cups.socket)
        assert caught.value.pdf_path is not None and caught.value.pdf_path.exists()
    finally:
        cups.admin("cupsenable", QUEUE)


def test_no_default_printer(cups, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(PrinterError, match="Принтер по умолчанию не задан"):
        print_pdf(path, server=cups.socket)
