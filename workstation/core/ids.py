"""Client-made ids: UUIDv7 (RFC 9562), time-ordered so new rows land at the end of indexes.

Made on the workstation without asking anyone: 48 bits of Unix milliseconds, the version and
variant bits, and 74 random bits. Within one process the ids are strictly increasing even when
many are made in the same millisecond (the random part is then incremented, as RFC 9562 §6.2
method 2 allows), so sorting by id sorts by creation.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = -1
_last_rand = 0
_RAND_BITS = 74
_RAND_MASK = (1 << _RAND_BITS) - 1


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A new version 7 UUID; `now_ms` (Unix milliseconds) is for tests."""
    global _last_ms, _last_rand
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            rand = (_last_rand + 1 + int.from_bytes(os.urandom(2), "big")) & _RAND_MASK
            if rand <= _last_rand:  # the random part overflowed: borrow the next millisecond
                ms += 1
        else:
            rand = int.from_bytes(os.urandom(10), "big") & _RAND_MASK
        _last_ms, _last_rand = ms, rand
    rand_a = rand >> 62  # 12 bits
    rand_b = rand & ((1 << 62) - 1)  # 62 bits
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def new_id() -> str:
    """A UUIDv7 in its canonical text form, as stored and sent to the server."""
    return str(uuid7())


def uuid7_time_ms(value: str | uuid.UUID) -> int:
    """The Unix milliseconds a UUIDv7 was made at."""
    u = value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    return u.int >> 80


def uuid7_at(ms: int) -> uuid.UUID:
    """A UUIDv7 for a past moment (generated or imported rows): random, outside the monotonic sequence."""
    rand = int.from_bytes(os.urandom(10), "big") & _RAND_MASK
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | (rand & ((1 << 62) - 1))
    return uuid.UUID(int=value)
