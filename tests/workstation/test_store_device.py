"""Device, settings, staff accounts, bundles, field-visit assignment and the error translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from storekit import accept_new, catalog, passport_answers

from workstation.core import cases, device, outbox
from workstation.core.database import translate
from workstation.core.errors import (
    DiskFull,
    InvalidOperation,
    StoreCorrupt,
    StoreLocked,
    StoreReadOnly,
    StoreWriteFailed,
    WrongKey,
)
from workstation.core.models import Case


def test_demo_account_and_staff(store) -> None:
    with store.unit_of_work() as s:
        changes = device.create_demo_account(s, "demo", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                                             now=store.now())
        assert changes.touches("staff")
    with store.unit_of_work() as s:
        assert not device.create_demo_account(s, "demo", "other", now=store.now())  # already there: no-op
        staff = device.find_staff(s, "demo")
        assert staff.role == "supervisor" and staff.office_code == "0101" and staff.active
        assert staff.password_hash.startswith("$argon2id$")
    with pytest.raises(InvalidOperation, match="уже существует"), store.unit_of_work() as s:
        device.add_staff(s, login="demo", full_name="x", role="specialist", password_hash=None, office_code=None,
                         now=store.now())
    with pytest.raises(InvalidOperation, match="роль"), store.unit_of_work() as s:
        device.add_staff(s, login="x", full_name="x", role="boss", password_hash=None, office_code=None,
                         now=store.now())


def test_settings_and_device_identity(store) -> None:
    with store.unit_of_work() as s:
        device.set_setting(s, "sync.cursor", {"epoch": 1, "after": "abc"})
    with store.reading() as s:
        assert device.get_setting(s, "sync.cursor") == {"epoch": 1, "after": "abc"}
        assert device.get_setting(s, "missing", 5) == 5
        dev = device.get_device(s)
        assert len(dev.device_id) == 36 and dev.device_id[14] == "7"  # a UUIDv7
        assert device.codes(s) == ("0101", "001")


def test_bundle_home_visit_and_assignment(store) -> None:
    with store.unit_of_work() as s:
        bundle_id, _ = cases.create_bundle(s, situation_id="lost-documents", specialist="ivanova",
                                           now=store.now())
        first, _ = cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="ivanova",
                                      now=store.now(), bundle_id=bundle_id, channel="home_visit", notify_by="email",
                                      answers=passport_answers(), documents=[
                                          {"doc": "old-passport", "originals": 1},
                                          {"doc": "photo-35x45", "originals": 2}])
    with store.unit_of_work() as s:
        accepted = cases.accept(s, first, catalogs=catalog(), actor="ivanova", now=store.now())
        cases.assign(s, accepted.number, "field.petrov", actor="supervisor", now=store.now())
    with store.reading() as s:
        case = s.get(Case, first)
        assert (case.bundle_id, case.channel, case.notify_by, case.assigned_to) == (
            bundle_id, "home_visit", "email", "field.petrov")
        last = outbox.pending(s)[-1]
        assert (last.op, last.payload["assigned_to"], last.base_version) == ("update", "field.petrov", None)
    with pytest.raises(InvalidOperation, match="Канал"), store.unit_of_work() as s:
        cases.start_intake(s, catalog=catalog(), service_id="passport-rf", specialist="x", now=store.now(),
                           channel="post")
    with pytest.raises(InvalidOperation, match="не найдена"), store.unit_of_work() as s:
        cases.start_intake(s, catalog=catalog(), service_id="nope", specialist="x", now=store.now())
    with pytest.raises(InvalidOperation, match="уже принято"), store.unit_of_work() as s:
        cases.save_draft(s, first, answers={}, now=store.now())
    assert accept_new(store).number.endswith("-0002")


class _Err(Exception):
    def __init__(self, code: int, text: str = "") -> None:
        super().__init__(text)
        self.sqlite_errorcode = code


@pytest.mark.parametrize(("code", "opening", "expected"), [
    (5, False, StoreLocked), (6, False, StoreLocked), (8, False, StoreReadOnly), (778, False, StoreWriteFailed),
    (13, False, DiskFull), (11, False, StoreCorrupt), (26, True, WrongKey), (26, False, StoreCorrupt),
    (14, False, StoreReadOnly),
])
def test_sqlite_errors_become_store_errors(code: int, opening: bool, expected: type) -> None:
    mapped = translate(_Err(code), Path("/data/store.db"), opening=opening)
    assert type(mapped) is expected and mapped.user_message
    assert translate(_Err(1, "no such table"), Path("/x")) is None  # a bug stays a bug
