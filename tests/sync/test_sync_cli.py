"""The command lines: `mfc-server …` administration and serving, `mfc-workstation connect` / `sync`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
import requests
from synckit import LiveServer, ServerDb, free_port

from forms.loader import builtin_folder
from sync.client import KEYRING_SERVICE
from sync.server.__main__ import main as server_main
from workstation.__main__ import main as workstation_main
from workstation.core.sync_adapter import token_user


def _server(args: list[str], db: ServerDb, capsys: pytest.CaptureFixture[str]) -> str:
    assert server_main(["--database-url", db.url, *args]) == 0
    return capsys.readouterr().out


def test_server_administration(server_db: ServerDb, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    added = json.loads(_server(["device", "add", "--office", "0101", "--name", "Окно 1", "--json"], server_db, capsys))
    assert added["workstation_code"] == "001" and len(added["code"]) == 19
    second = json.loads(_server(["device", "add", "--office", "0101", "--name", "Окно 2", "--json"], server_db, capsys))
    assert second["workstation_code"] == "002"
    assert "ждёт подключения" in _server(["device", "list"], server_db, capsys)
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("long-password\n"))
    _server(["staff", "add", "--login", "petrova", "--name", "Петрова А. А.", "--role", "supervisor",
             "--office", "0101", "--password-stdin"], server_db, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    assert server_main(["--database-url", server_db.url, "staff", "add", "--login", "short", "--name", "К",
                        "--role", "specialist", "--office", "0101", "--password-stdin"]) == 1
    assert "Пароль" in capsys.readouterr().err
    assert "опубликован" in _server(["catalog", "publish", str(builtin_folder())], server_db, capsys)
    assert "уже опубликован" in _server(["catalog", "publish", str(builtin_folder())], server_db, capsys)
    assert server_main(["--database-url", server_db.url, "case", "status", "0101-001-261120-0001", "ready"]) == 1
    assert "Не найдено" in capsys.readouterr().err
    assert "эпоха" in _server(["epoch", "new"], server_db, capsys)
    assert "Удалено" in _server(["compact", "--days", "0"], server_db, capsys)
    assert "отключено" in _server(["device", "revoke", added["device_id"]], server_db, capsys)


def test_connect_and_sync_from_the_command_line(server_db: ServerDb, live: LiveServer, tmp_path: Path,
                                                os_keyring: str, capsys: pytest.CaptureFixture[str]) -> None:
    added = json.loads(_server(["device", "add", "--office", "0303", "--name", "Выезд 1", "--json"], server_db,
                               capsys))
    data = tmp_path / "data"
    assert workstation_main(["--data-dir", str(data), "connect", live.url, added["code"]]) == 0
    assert "центр 0303" in capsys.readouterr().out
    token = keyring.get_password(KEYRING_SERVICE, token_user(data))
    assert token and token.startswith("mfcd_")
    for path in data.rglob("*"):  # the token is in the keyring and nowhere on disk
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    again = workstation_main(["--data-dir", str(data), "connect", live.url, added["code"]])
    assert again == 1 and "Код подключения" in capsys.readouterr().err
    catalog = tmp_path / "catalog"
    import shutil

    shutil.copytree(builtin_folder(), catalog)
    text = (catalog / "catalog.yaml").read_text(encoding="utf-8")
    (catalog / "catalog.yaml").write_text(text.replace('version: "', 'version: "9', 1), encoding="utf-8")
    _server(["catalog", "publish", str(catalog)], server_db, capsys)
    assert workstation_main(["--data-dir", str(data), "sync", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pending"] == 0 and len(summary["catalogs"]) == 1 and summary["catalogs"][0].startswith("9")
    assert workstation_main(["--data-dir", str(data), "sync"]) == 0
    assert "получено записей 0" in capsys.readouterr().out
    from forms.versions import CatalogLibrary

    assert summary["catalogs"][0] in CatalogLibrary(data / "catalogs").versions()
    _server(["device", "revoke", added["device_id"]], server_db, capsys)
    assert workstation_main(["--data-dir", str(data), "sync"]) == 2
    assert "подключ" in capsys.readouterr().err
    from workstation.core import keys

    keys.forget_key(data)
    keyring.delete_password(KEYRING_SERVICE, token_user(data))


def test_sync_needs_a_connection_first(tmp_path: Path, os_keyring: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert workstation_main(["--data-dir", str(data), "sync"]) == 1
    assert "не подключено" in capsys.readouterr().err
    from workstation.core import keys

    keys.forget_key(data)


def test_mfc_server_alone_serves_on_sqlite(tmp_path: Path) -> None:
    """`mfc-server serve` with no configuration: an SQLite file in the data folder, 127.0.0.1."""
    port = free_port()
    env = {**os.environ, "MFC_SERVER_DATA": str(tmp_path / "srv")}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "sync.server", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.2)
        spec = requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert "/v1/push" in spec["paths"] and "/v1/changes" in spec["paths"]
        assert (tmp_path / "srv" / "server.db").exists()
    finally:
        proc.terminate()
        proc.wait(10)
