"""Opening the store: encryption at rest, the key in the OS keyring, refusals that touch nothing.

The keyring is real (gnome-keyring on a private D-Bus, see conftest); the "no keyring" refusal
is checked both in-process (keyring's own `fail` backend) and in a child process started with no
D-Bus session at all, which is what a workstation without a Secret Service looks like.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text
from storekit import Clock, accept_new, open_configured, passport_answers

from workstation.core import cases, keys, search
from workstation.core.database import open_database, open_store
from workstation.core.errors import KeyMissing, KeyringUnavailable, SchemaTooNew, StoreCorrupt, StoreReadOnly, WrongKey

SURNAME = "Шереметьева"
PASSPORT = ("4512", "987654")
SNILS = "112-233-445 95"


def _secret_case_answers() -> dict:
    identity = dict(passport_answers()["identity"], series=PASSPORT[0], number=PASSPORT[1])
    return passport_answers(applicant={"surname": SURNAME, "name": "Анна", "patronymic": "Викторовна",
                                       "sex": "female"}, identity=identity)


def _needles() -> list[bytes]:
    digits_snils = "".join(ch for ch in SNILS if ch.isdigit())
    out = []
    for word in (SURNAME, SURNAME.lower(), SURNAME.upper()):
        out += [word.encode("utf-8"), word.encode("utf-16-le"), word.encode("cp1251")]
    out += [(PASSPORT[0] + PASSPORT[1]).encode(), PASSPORT[1].encode(), digits_snils.encode(), SNILS.encode()]
    return out


def _found(path: Path, needles: list[bytes]) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    return [n for n in needles if n in data]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_personal_data_in_the_database_file_or_its_wal(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_configured(root)
    try:
        accepted = accept_new(store, answers=_secret_case_answers())
        zags = passport_answers()  # second case: the СНИЛС comes in through the other service
        assert zags
        accept_new(store, service="zags-duplicate")
        with store.reading() as s:
            assert search.search(s, SURNAME).cases[0].number == accepted.number  # it is really there
        wal = root / "store.db-wal"
        assert wal.exists() and wal.stat().st_size > 0
        assert _found(wal, _needles()) == []
        assert _found(root / "store.db", _needles()) == []
    finally:
        store.close()
        keys.forget_key(root)
    assert _found(root / "store.db", _needles()) == []  # after the checkpoint too
    assert not (root / "store.db").read_bytes().startswith(b"SQLite format 3")


def test_the_grep_would_see_plain_text(tmp_path: Path) -> None:
    """Control for the test above: the same case in an unencrypted store is found by the grep."""
    from workstation.core import device

    store = open_database(tmp_path / "plain.db", None, clock=Clock())
    try:
        with store.unit_of_work() as s:
            device.configure_device(s, "0101", "001")
        accept_new(store, answers=_secret_case_answers())
        accept_new(store, service="zags-duplicate")
    finally:
        store.close()
    assert SURNAME.encode() in (tmp_path / "plain.db").read_bytes()
    assert set(_found(tmp_path / "plain.db", _needles())) >= {SURNAME.encode(), b"4512987654"}


def test_wal_and_foreign_keys_are_on(store) -> None:
    with store.reading() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA cipher_version")).scalar()


def test_key_is_made_once_and_kept_in_the_keyring(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_store(root)
    store.close()
    secret = keyring.get_password(keys.SERVICE, keys.keyring_user(root))
    assert secret is not None and len(bytes.fromhex(secret)) == 32
    store = open_store(root)  # reopens with the same key
    store.close()
    assert keyring.get_password(keys.SERVICE, keys.keyring_user(root)) == secret
    keys.forget_key(root)


def test_refuses_without_keyring_backend_and_creates_nothing(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KeyringUnavailable) as info:
            open_store(tmp_path / "data")
    finally:
        keyring.set_keyring(previous)
    message = info.value.user_message
    assert "gnome-keyring" in message and "Credential Manager" in message and "KWallet" in message
    assert not (tmp_path / "data" / "store.db").exists()


def test_command_refuses_in_a_session_without_secret_service(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING", "KEYRING"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               XDG_DATA_HOME=str(tmp_path / "home" / ".local"), XDG_RUNTIME_DIR=str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-m", "workstation", "--data-dir", str(data), "case", "list", "--json"],
                          capture_output=True, text=True, env=env, timeout=60, cwd=Path(__file__).parents[2])
    assert proc.returncode == 1, proc.stderr
    assert "хранилище ключей" in proc.stderr.lower() and "gnome-keyring" in proc.stderr
    assert not (data / "store.db").exists()


def test_wrong_key_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_configured(root)
    accept_new(store)
    store.close()
    before = _sha(root / "store.db")
    keyring.set_password(keys.SERVICE, keys.keyring_user(root), os.urandom(32).hex())
    try:
        with pytest.raises(WrongKey) as info:
            open_store(root)
        assert "не подходит" in info.value.user_message
        assert _sha(root / "store.db") == before
        assert not (root / "store.db-wal").exists() or (root / "store.db-wal").stat().st_size == 0
    finally:
        keys.forget_key(root)


def test_missing_key_for_an_existing_file_is_refused_never_replaced(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_configured(root)
    store.close()
    before = _sha(root / "store.db")
    keys.forget_key(root)
    with pytest.raises(KeyMissing):
        open_store(root)
    assert keyring.get_password(keys.SERVICE, keys.keyring_user(root)) is None  # no new key made
    assert _sha(root / "store.db") == before


def test_schema_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_configured(root)
    with store.unit_of_work() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    try:
        with pytest.raises(SchemaTooNew):
            open_store(root)
    finally:
        keys.forget_key(root)


def test_corrupt_file_gives_a_clear_message_and_stays_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = open_configured(root)
    for _ in range(30):
        accept_new(store)
    store.close()
    db = root / "store.db"
    raw = bytearray(db.read_bytes())
    pages = len(raw) // 4096
    for page in range(2, pages):  # every page but the first two: the schema still decrypts
        raw[page * 4096 + 100: page * 4096 + 140] = b"\0" * 40
    db.write_bytes(bytes(raw))
    damaged = _sha(db)
    try:
        with pytest.raises(StoreCorrupt) as info:
            reopened = open_store(root)
            try:
                with reopened.reading() as s:
                    cases.list_cases(s)
            finally:
                reopened.close()
        assert "повреждён" in info.value.user_message and "restore" in info.value.user_message
    finally:
        keys.forget_key(root)
    assert _sha(db) == damaged


def _chattr(flag: str, *paths: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True).returncode == 0


def test_read_only_folder_at_first_start(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    if not _chattr("+i", root):
        pytest.skip("cannot make a folder immutable here (needs root and chattr)")
    try:
        with pytest.raises(StoreReadOnly) as info:
            open_store(root)
        assert "только для чтения" in info.value.user_message
    finally:
        _chattr("-i", root)
    assert keyring.get_password(keys.SERVICE, keys.keyring_user(root)) is None
    assert not (root / "store.db").exists()
