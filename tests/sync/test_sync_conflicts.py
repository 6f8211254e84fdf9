"""Same-field edits from several windows, deterministic (the cases the stateful test once mis-judged).

The server decides by field history, not by the version a push happened to be logged at: an edit
whose value is already in place changes nothing (`merged`, logged at the case's current version), so
a later edit by a window that saw that value replaces it knowingly — no conflict; and a window that
replaces its own value does not lose a conflict recorded against it earlier.
"""

from __future__ import annotations

import uuid
from typing import Any

from synckit import LiveServer, ServerDb, server_cases
from test_sync_push import _case, _device, _push

from sync.server import admin


def _phone(seq: int, case_id: str, value: str, base: int) -> dict[str, Any]:
    return {"seq": seq, "id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "op": "update",
            "base_version": base, "payload": {"answers": {"phone": value}}}


def _results(url: str, dev: dict[str, str], *mutations: dict[str, Any]) -> list[tuple[str, int | None]]:
    body = _push(url, dev, list(mutations)).json()
    return [(r["status"], r.get("version")) for r in body["results"]]


def test_a_no_op_edit_does_not_make_a_later_informed_edit_a_conflict(server_db: ServerDb,
                                                                       live: LiveServer) -> None:
    ws0, ws1, ws2 = (_device(server_db, live.url) for _ in range(3))
    c = str(uuid.uuid4())
    assert _results(live.url, ws0, _case(1, c)) == [("applied", 1)]
    assert _results(live.url, ws0, _phone(2, c, "+79990000001", base=1)) == [("applied", 2)]
    admin.change_status(server_db.engine, c, "sent", reason=None, actor="agency")  # v3, not the phone
    # ws2 made the same change offline on v1: nothing to do, logged at the current version 3
    assert _results(live.url, ws2, _phone(1, c, "+79990000001", base=1)) == [("merged", 3)]
    # ws1 saw …01 at v2 and replaced it: an informed overwrite, not a conflict (though 3 > 2)
    assert _results(live.url, ws1, _phone(1, c, "+79990000002", base=2)) == [("merged", 4)]
    case = server_cases(server_db)[c]
    assert not case["conflict"] and not case["data"].get("conflict_data")
    assert case["data"]["answers"]["phone"] == "+79990000002"
    # whereas one who never saw ws1's value is in conflict with it
    ws3 = _device(server_db, live.url)
    assert _results(live.url, ws3, _phone(1, c, "+79990000003", base=3))[0][0] == "conflict"
    case = server_cases(server_db)[c]
    entry = case["data"]["conflict_data"]["answers.phone"]
    assert case["conflict"] and entry["server"]["value"] == "+79990000002"
    assert [p["value"] for p in entry["proposed"]] == ["+79990000003"]


def test_replacing_ones_own_value_keeps_the_conflict_recorded_against_it(server_db: ServerDb,
                                                                           live: LiveServer) -> None:
    ws0, ws2 = _device(server_db, live.url), _device(server_db, live.url)
    c = str(uuid.uuid4())
    assert _results(live.url, ws0, _case(1, c)) == [("applied", 1)]
    assert _results(live.url, ws2, _phone(1, c, "+79990000002", base=1)) == [("applied", 2)]
    assert _results(live.url, ws0, _phone(2, c, "+79990000001", base=1)) == [("conflict", 3)]
    # ws2 (still on v2) changes its own value twice: its own field, no new conflict
    assert _results(live.url, ws2, _phone(2, c, "+79990000003", base=2),
                    _phone(3, c, "+79990000002", base=2)) == [("merged", 4), ("merged", 5)]
    case = server_cases(server_db)[c]
    entry = case["data"]["conflict_data"]["answers.phone"]
    assert case["conflict"] and case["data"]["answers"]["phone"] == "+79990000002"
    assert [p["value"] for p in entry["proposed"]] == ["+79990000001"]
    assert entry["server"] == {"value": "+79990000002", "version": 5, "device": ws2["id"]}


def test_a_field_in_conflict_changed_knowingly_shows_its_current_value_beside_the_proposals(
        server_db: ServerDb, live: LiveServer) -> None:
    ws0, ws1, ws2 = (_device(server_db, live.url) for _ in range(3))
    c = str(uuid.uuid4())
    assert _results(live.url, ws0, _case(1, c)) == [("applied", 1)]
    assert _results(live.url, ws1, _phone(1, c, "+79990000001", base=1)) == [("applied", 2)]
    assert _results(live.url, ws2, _phone(1, c, "+79990000002", base=1)) == [("conflict", 3)]
    # ws0 pulled v3 (…01 on the case, …02 proposed) and typed a third number: it replaces …01
    # knowingly, so the conflict stays and its «server» side is now …03, not the stale …01
    assert _results(live.url, ws0, _phone(2, c, "+79990000003", base=3)) == [("applied", 4)]
    case = server_cases(server_db)[c]
    entry = case["data"]["conflict_data"]["answers.phone"]
    assert case["conflict"] and case["data"]["answers"]["phone"] == "+79990000003"
    assert entry["server"] == {"value": "+79990000003", "version": 4, "device": ws0["id"]}
    assert [p["value"] for p in entry["proposed"]] == ["+79990000002"]


def test_a_window_replacing_its_own_value_has_no_conflict_with_a_no_op_echo_of_it(server_db: ServerDb,
                                                                                   live: LiveServer) -> None:
    ws0, ws1, ws2 = (_device(server_db, live.url) for _ in range(3))
    c = str(uuid.uuid4())
    assert _results(live.url, ws0, _case(1, c)) == [("applied", 1)]
    admin.change_status(server_db.engine, c, "sent", reason=None, actor="agency")  # v2
    assert _results(live.url, ws2, _phone(1, c, "+79990000003", base=1)) == [("merged", 3)]
    admin.change_status(server_db.engine, c, "ready", reason=None, actor="agency")  # v4
    assert _results(live.url, ws1, _phone(1, c, "+79990000003", base=1)) == [("merged", 4)]  # nothing to do
    # ws2, still on v1, replaces its own value: the field's last change is its own
    assert _results(live.url, ws2, _phone(2, c, "+79990000001", base=1)) == [("merged", 5)]
    case = server_cases(server_db)[c]
    assert not case["conflict"] and case["data"]["answers"]["phone"] == "+79990000001"
