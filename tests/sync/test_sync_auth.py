"""Authorisation and limits: other centres' cases, revoked tokens, wrong roles, one-time codes;
oversized, compressed and malformed requests — every refusal a 4xx JSON body."""

from __future__ import annotations

import gzip
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from synckit import LiveServer, ServerDb, add_workstation, serve

from sync.client import enrol
from sync.server import admin


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _is_error(resp: requests.Response, status: int, error: str | None = None) -> None:
    assert resp.status_code == status, (resp.status_code, resp.text[:300])
    body = resp.json()
    assert body["message"]
    if error:
        assert body["error"] == error


def test_device_tokens(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    _is_error(requests.get(f"{live.url}/v1/changes", timeout=5), 401, "unauthorised")
    _is_error(requests.get(f"{live.url}/v1/changes", headers=_headers("mfcd_nonsense"), timeout=5), 401)
    _is_error(requests.get(f"{live.url}/v1/status", headers={"Authorization": "Basic eDp5"}, timeout=5), 401)
    ws = add_workstation(server_db, live.url, tmp_path / "ws")
    assert requests.get(f"{live.url}/v1/status", headers=_headers(ws.token), timeout=5).status_code == 200
    admin.revoke_device(server_db.engine, ws.device_id)
    for path in ("/v1/status", "/v1/changes"):
        _is_error(requests.get(live.url + path, headers=_headers(ws.token), timeout=5), 401, "unauthorised")
    _is_error(requests.post(f"{live.url}/v1/push", headers=_headers(ws.token), timeout=5,
                            json={"mutations": [{"seq": 1, "id": "x", "entity": "case", "entity_id": "y",
                                                 "op": "create"}]}), 401)
    ws.close()


def test_enrolment_codes_work_once_and_expire(server_db: ServerDb, live: LiveServer) -> None:
    new = admin.add_device(server_db.engine, office="0101", name="Окно 7")
    enrol(live.url, new.code.lower().replace("-", " "), local_device_id="abc")  # typed loosely
    again = requests.post(f"{live.url}/v1/enrol", json={"code": new.code, "local_device_id": "abc"}, timeout=5)
    _is_error(again, 401, "unauthorised")
    old = admin.add_device(server_db.engine, office="0101", name="Окно 8",
                           now=admin.utcnow() - timedelta(days=10))
    _is_error(requests.post(f"{live.url}/v1/enrol", json={"code": old.code, "local_device_id": "abc"}, timeout=5),
              401)


def test_another_centre_sees_and_touches_nothing(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    ours = add_workstation(server_db, live.url, tmp_path / "ours", office="0101")
    theirs = add_workstation(server_db, live.url, tmp_path / "theirs", office="0202")
    case_id = ours.accept()
    ours.sync()
    theirs.sync()
    assert case_id not in theirs.cases()
    mutation = {"seq": 1, "id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "op": "status",
                "payload": {"from": "accepted", "to": "withdrawn", "reason": "x"}}
    resp = requests.post(f"{live.url}/v1/push", headers=_headers(theirs.token), timeout=5,
                         json={"mutations": [mutation]}).json()
    assert resp["results"][0]["status"] == "rejected" and resp["results"][0]["code"] == "forbidden"
    theirs.sync()
    assert case_id not in theirs.cases()  # a rejection sends nothing of another centre back
    # …until the case is assigned to that workstation for a home visit
    admin.assign(server_db.engine, case_id, theirs.device_id, login="field1", actor="sup")
    theirs.sync()
    assert theirs.case(case_id)["status"] == "accepted"
    for ws in (ours, theirs):
        ws.close()


def _staff_token(url: str, login: str, password: str = "secret-pass") -> str:
    resp = requests.post(f"{url}/v1/staff/login", json={"login": login, "password": password}, timeout=10)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["token"])


def test_staff_roles_and_offices(server_db: ServerDb, live: LiveServer, tmp_path: Path) -> None:
    engine = server_db.engine
    admin.add_staff(engine, login="spec", full_name="Иванова И.И.", role="specialist", office="0101",
                    password="secret-pass")
    admin.add_staff(engine, login="sup1", full_name="Петрова П.П.", role="supervisor", office="0101",
                    password="secret-pass")
    admin.add_staff(engine, login="sup2", full_name="Сидорова С.С.", role="supervisor", office="0202",
                    password="secret-pass")
    admin.add_staff(engine, login="root", full_name="Админ", role="administrator", office=None,
                    password="secret-pass")
    ws = add_workstation(server_db, live.url, tmp_path / "ws", office="0101")
    case_id = ws.accept()
    ws.sync()
    _is_error(requests.post(f"{live.url}/v1/staff/login", json={"login": "spec", "password": "wrong-pass"},
                            timeout=10), 401, "unauthorised")
    spec, sup1, sup2, root = (_staff_token(live.url, name) for name in ("spec", "sup1", "sup2", "root"))
    _is_error(requests.get(f"{live.url}/v1/cases", headers=_headers(spec), timeout=5), 403, "forbidden")
    own = requests.get(f"{live.url}/v1/cases", headers=_headers(sup1), timeout=5)
    assert [c["id"] for c in own.json()] == [case_id]
    _is_error(requests.get(f"{live.url}/v1/cases?office=0101", headers=_headers(sup2), timeout=5), 403)
    assert requests.get(f"{live.url}/v1/cases", headers=_headers(sup2), timeout=5).json() == []
    assert len(requests.get(f"{live.url}/v1/cases?office=0101", headers=_headers(root), timeout=5).json()) == 1
    url = f"{live.url}/v1/cases/{case_id}/status"
    _is_error(requests.post(url, json={"status": "sent"}, headers=_headers(spec), timeout=5), 403)
    _is_error(requests.post(url, json={"status": "sent"}, headers=_headers(sup2), timeout=5), 404)
    _is_error(requests.post(url, json={"status": "issued"}, headers=_headers(sup1), timeout=5), 409)
    done = requests.post(url, json={"status": "sent"}, headers=_headers(sup1), timeout=5)
    assert done.status_code == 200 and done.json()["status"] == "sent"
    _is_error(requests.post(f"{live.url}/v1/assignments", headers=_headers(spec), timeout=5,
                            json={"case": case_id, "device_id": ws.device_id}), 403)
    _is_error(requests.get(f"{live.url}/v1/cases", headers=_headers(ws.token), timeout=5), 401)  # a device is no staff
    admin.set_staff_active(engine, "sup1", False)
    _is_error(requests.get(f"{live.url}/v1/cases", headers=_headers(sup1), timeout=5), 401)
    ws.sync()
    with ws.store.reading() as s:
        from workstation.core.models import Staff

        staff = {st.login: st for st in s.query(Staff)}
    assert set(staff) == {"spec", "sup1", "root"}  # its centre's staff and the administrators
    assert staff["spec"].password_hash.startswith("$argon2") and not staff["sup1"].active
    ws.close()


def test_oversized_compressed_and_malformed_requests(server_db: ServerDb, tmp_path: Path) -> None:
    server, _app = serve(server_db, max_body_bytes=50_000, max_batch=3)
    try:
        ws = add_workstation(server_db, server.url, tmp_path / "ws")
        url, h = f"{server.url}/v1/push", _headers(ws.token)
        _is_error(requests.post(url, data=b"x" * 60_000, headers=h, timeout=5), 413, "too_large")
        bomb = gzip.compress(b"{" + b" " * 5_000_000 + b"}")
        _is_error(requests.post(url, data=bomb, headers={**h, "Content-Encoding": "gzip"}, timeout=5), 413)
        _is_error(requests.post(url, data=b"not gzip", headers={**h, "Content-Encoding": "gzip"}, timeout=5), 400)
        _is_error(requests.post(url, data=b"{}", headers={**h, "Content-Encoding": "br"}, timeout=5), 415)
        _is_error(requests.post(url, data=b"{not json", headers={**h, "Content-Type": "application/json"},
                                timeout=5), 422, "bad_request")
        _is_error(requests.post(url, json={"mutations": []}, headers=h, timeout=5), 422)
        nul = {"seq": 1, "id": "a", "entity": "case", "entity_id": "b", "op": "create", "payload": {"x": "\u0000"}}
        _is_error(requests.post(url, json={"mutations": [nul]}, headers=h, timeout=5), 422)
        huge = {**nul, "seq": 2**70, "payload": {}}
        _is_error(requests.post(url, json={"mutations": [huge]}, headers=h, timeout=5), 422)
        four = [{**nul, "seq": i + 1, "payload": {}} for i in range(4)]
        _is_error(requests.post(url, json={"mutations": four}, headers=h, timeout=5), 413)
        holes = [{**nul, "seq": s, "payload": {}} for s in (1, 3)]
        _is_error(requests.post(url, json={"mutations": holes}, headers=h, timeout=5), 422)
        _is_error(requests.get(f"{server.url}/v1/changes?limit=100000", headers=h, timeout=5), 422)
        _is_error(requests.get(f"{server.url}/v1/changes?cursor=%%%", headers=h, timeout=5), 400, "bad_cursor")
        _is_error(requests.get(f"{server.url}/v1/nowhere", timeout=5), 404, "not_found")
        _is_error(requests.delete(f"{server.url}/v1/push", timeout=5), 405)
        ok = requests.post(url, data=gzip.compress(b'{"mutations":[{"seq":1,"id":"m1","entity":"x","entity_id":"y",'
                                                   b'"op":"z"}]}'),
                           headers={**h, "Content-Encoding": "gzip", "Content-Type": "application/json"}, timeout=5)
        assert ok.status_code == 200 and ok.json()["results"][0]["code"] == "unknown_entity"
        ws.close()
    finally:
        server.stop()


def test_per_device_rate_limit(server_db: ServerDb, tmp_path: Path) -> None:
    server, _app = serve(server_db, rate_per_second=1.0, rate_burst=5.0)
    try:
        ws = add_workstation(server_db, server.url, tmp_path / "ws")
        codes = [requests.get(f"{server.url}/v1/changes", headers=_headers(ws.token), timeout=5).status_code
                 for _ in range(8)]
        assert codes[:5] == [200] * 5 and 429 in codes[5:]
        limited = requests.get(f"{server.url}/v1/status", headers=_headers(ws.token), timeout=5)
        _is_error(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
        other = add_workstation(server_db, server.url, tmp_path / "other")
        assert requests.get(f"{server.url}/v1/status", headers=_headers(other.token), timeout=5).status_code == 200
        ws.close()
        other.close()
    finally:
        server.stop()
