"""The database key: 256 random bits, made at first start, kept only in the OS keyring.

The entry is service «mfc-workstation», user = the absolute path of the data directory (one
store per folder; tests and several installations on one machine never share a key). The key is
kept as 64 hex digits and handed to SQLCipher as a raw key (`x'…'`), so opening needs no key
derivation.

Refusals, never fallbacks: no usable keyring backend → `KeyringUnavailable` with instructions;
a database file without its key → `KeyMissing` (a new key is never made for an existing file).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from workstation.core import messages as m
from workstation.core.errors import KeyMissing, KeyringUnavailable

log = logging.getLogger(__name__)

SERVICE = "mfc-workstation"
KEY_BYTES = 32


def keyring_user(root: Path) -> str:
    return f"store:{root.expanduser().resolve()}"


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def usable_backend() -> keyring.backend.KeyringBackend:
    """The active keyring backend, or `KeyringUnavailable` if it cannot keep a secret."""
    backend = keyring.get_keyring()
    name = _backend_name(backend)
    viable = True
    if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
        viable = False
    elif name.startswith("keyring.backends.chainer."):
        viable = bool(getattr(backend, "backends", ()))
    else:
        try:
            viable = float(getattr(type(backend), "priority", 1)) > 0
        except Exception:  # a backend whose priority check itself fails is not usable
            viable = False
    if not viable:
        raise KeyringUnavailable(m.KEYRING_UNAVAILABLE.format(backend=name))
    return backend


def _get(user: str) -> str | None:
    backend = usable_backend()
    try:
        return backend.get_password(SERVICE, user)
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailable(m.KEYRING_UNAVAILABLE.format(backend=_backend_name(backend))) from exc
    except Exception as exc:  # dbus / locked collection / backend-specific errors
        raise KeyringUnavailable(m.KEYRING_ERROR.format(detail=type(exc).__name__)) from exc


def _set(user: str, secret: str) -> None:
    backend = usable_backend()
    try:
        backend.set_password(SERVICE, user, secret)
    except Exception as exc:
        raise KeyringUnavailable(m.KEYRING_ERROR.format(detail=type(exc).__name__)) from exc


def _decode(secret: str) -> bytes | None:
    try:
        raw = bytes.fromhex(secret.strip())
    except ValueError:
        return None
    return raw if len(raw) == KEY_BYTES else None


def load_key(root: Path, database: Path) -> bytes:
    """The key of the store in `root`; made and saved if neither key nor database exist yet."""
    user = keyring_user(root)
    secret = _get(user)
    if secret is not None:
        key = _decode(secret)
        if key is None:
            raise KeyMissing(m.KEY_MISSING.format(path=database))
        return key
    if database.exists():
        raise KeyMissing(m.KEY_MISSING.format(path=database))
    key = secrets.token_bytes(KEY_BYTES)
    _set(user, key.hex())
    # Read it back: a backend that accepts a secret and then loses it must fail now, not after
    # the first cases are written with a key nobody has any more.
    if _get(user) != key.hex():
        raise KeyringUnavailable(m.KEYRING_ERROR.format(detail="ключ не сохранился"))
    log.info("new store key saved in the OS keyring (backend %s)", _backend_name(keyring.get_keyring()))
    return key


def forget_key(root: Path) -> None:
    """Delete the key of `root` from the keyring (tests; decommissioning a workstation)."""
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.get_keyring().delete_password(SERVICE, keyring_user(root))
