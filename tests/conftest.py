"""Test set-up shared by every test folder: an OS keyring the code under test can really use.

The store keeps its database key, and sync its device token, in the OS keyring. Tests that need
one ask for the `os_keyring` fixture: a real Secret Service — a private D-Bus session bus and
gnome-keyring-daemon (Debian packages `dbus` and `gnome-keyring`), started once per test session
with a throw-away home folder, unlocked with a test password, and stopped by pid at the end. The
developer's own keyring is never touched. Where gnome-keyring is not installed, a small
in-memory backend stands in (and the fixture says "memory").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Used only when no gnome-keyring-daemon can be started on the test machine."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._items.pop((service, username), None)


_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={runtime}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _die_with_parent() -> None:
    """In the child before exec: end it if the test process dies (a crash skips fixture teardown)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM
    except Exception:
        pass


def _start_secret_service(home: Path) -> tuple[list[subprocess.Popen[bytes]], dict[str, str]] | None:
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        return None
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    # A bus without service activation (no <servicedir>): nothing but our daemon can own the
    # Secret Service name, and no display: a keyring prompt fails instead of waiting for a person.
    config = home / "bus.conf"
    config.write_text(_BUS_CONFIG.format(runtime=runtime), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_RUNTIME_DIR=str(runtime), NO_AT_BRIDGE="1")
    bus = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent)
    assert bus.stdout is not None
    address = bus.stdout.readline().decode().strip()
    if not address:
        bus.kill()
        bus.wait()
        return None
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                              preexec_fn=_die_with_parent)
    assert daemon.stdin is not None
    daemon.stdin.write(b"mfc-tests")
    daemon.stdin.close()
    return [daemon, bus], env


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for proc in processes:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def os_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """"secret-service" (real gnome-keyring on a private bus) or "memory" (fallback)."""
    previous = keyring.get_keyring()
    started = _start_secret_service(tmp_path_factory.mktemp("keyring-home"))
    mp = pytest.MonkeyPatch()
    kind = "memory"
    if started is not None:
        processes, env = started
        mp.setenv("DBUS_SESSION_BUS_ADDRESS", env["DBUS_SESSION_BUS_ADDRESS"])
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        deadline = time.monotonic() + 15
        while True:
            try:
                backend.set_password("mfc-test", "probe", "ok")
                if backend.get_password("mfc-test", "probe") == "ok":
                    backend.delete_password("mfc-test", "probe")
                    break
            except Exception:
                if time.monotonic() > deadline:
                    _stop(processes)
                    processes = []
                    break
                time.sleep(0.2)
        if processes:
            keyring.set_keyring(backend)
            kind = "secret-service"
    else:
        processes = []
    if kind == "memory":
        keyring.set_keyring(MemoryKeyring())
    try:
        yield kind
    finally:
        keyring.set_keyring(previous)
        mp.undo()
        _stop(processes)
