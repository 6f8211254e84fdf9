"""Credentials: device tokens, one-time enrolment codes, staff passwords and staff API tokens.

The server keeps only SHA-256 hashes of device tokens and enrolment codes (both are 128+ random
bits, so a fast hash is enough and keeps every request's check cheap); staff passwords are
argon2id hashes, the same ones the workstations check offline. Staff API tokens are stateless:
HMAC-signed `login|expiry`, with the account re-read on every use so a deactivation takes effect
at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "mfcd_"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
_hasher = PasswordHasher()


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_device_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_enrol_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return sha256_hex("enrol:" + normalise_code(code))


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


# --- staff passwords -----------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- staff API tokens ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StaffClaims:
    login: str
    expires_at: datetime


def issue_staff_token(secret: str, login: str, hours: int, now: datetime | None = None) -> tuple[str, datetime]:
    expires = (now or datetime.now(UTC)) + timedelta(hours=hours)
    body = f"{login}|{int(expires.timestamp())}".encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    token = "mfcs_" + base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + \
        base64.urlsafe_b64encode(sig).decode().rstrip("=")
    return token, expires


def verify_staff_token(secret: str, token: str, now: datetime | None = None) -> StaffClaims | None:
    if not token.startswith("mfcs_") or "." not in token:
        return None
    body_b64, _, sig_b64 = token[5:].partition(".")
    try:
        body = base64.urlsafe_b64decode(body_b64 + "=" * (-len(body_b64) % 4))
        sig = base64.urlsafe_b64decode(sig_b64 + "=" * (-len(sig_b64) % 4))
        login, _, expiry = body.decode().rpartition("|")
        expires = datetime.fromtimestamp(int(expiry), UTC)
    except (ValueError, UnicodeError, OverflowError, OSError):
        return None
    good = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if not hmac.compare_digest(good, sig) or expires <= (now or datetime.now(UTC)):
        return None
    return StaffClaims(login, expires)
