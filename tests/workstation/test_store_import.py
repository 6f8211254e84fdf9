"""JSON Lines import (good and bad lines, nothing of a bad line kept) and the headless commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from storekit import CATALOG_DIR, catalog, passport_answers, zags_answers

from forms.versions import CatalogLibrary
from workstation.__main__ import main
from workstation.cli.common import Session
from workstation.core import importer, keys
from workstation.core.models import Applicant, Case, OutboxRow

APPLICANT_KEYS = ("birth_date", "birth_place", "phone", "address", "identity", "snils")


def _split(answers: dict) -> tuple[dict, dict]:
    """Move the applicant's own data from the answers into the `applicant` block of a line."""
    answers = json.loads(json.dumps(answers, default=str))
    block = dict(answers.pop("applicant"))
    for key in APPLICANT_KEYS:
        if key in answers:
            block[key] = answers.pop(key)
    return block, answers


def _lines() -> list[str]:
    p_block, p_answers = _split(passport_answers())
    z_block, z_answers = _split(zags_answers())
    z_block["privileges"] = ["wwii-veteran"]
    good_passport = {"service": "passport-rf", "applicant": p_block, "answers": p_answers,
                     "documents": [{"doc": "old-passport", "originals": 1}, {"doc": "photo-35x45", "originals": 2}],
                     "notify_by": "sms"}
    good_zags = {"service": "zags-duplicate", "applicant": z_block, "answers": z_answers,
                 "documents": [{"doc": "passport-rf", "originals": 1, "copies": 0, "sheets": 1}],
                 "accepted_at": "2025-11-20T10:15:00+03:00", "channel": "home_visit", "specialist": "petrov"}
    bad_snils = json.loads(json.dumps(good_zags))
    bad_snils["applicant"]["snils"] = "112-233-445 96"
    bad_snils["applicant"]["surname"] = "Плохова"
    no_docs = dict(good_passport, documents=[])
    return [
        json.dumps(good_passport, ensure_ascii=False),  # 1
        '{"service": "passport-rf", ',  # 2
        json.dumps(dict(good_passport, service="no-such-service"), ensure_ascii=False),  # 3
        json.dumps(bad_snils, ensure_ascii=False),  # 4
        json.dumps(no_docs, ensure_ascii=False),  # 5
        json.dumps(dict(good_passport, comment="x"), ensure_ascii=False),  # 6
        json.dumps(good_zags, ensure_ascii=False),  # 7
        "",  # 8: blank lines are skipped
        "[1, 2]",  # 9
        json.dumps(dict(good_zags, accepted_at="вчера"), ensure_ascii=False),  # 10
        json.dumps(dict(good_zags, channel="post"), ensure_ascii=False),  # 11
    ]


def test_import_reports_bad_lines_and_keeps_nothing_of_them(store) -> None:
    report = importer.import_lines(store, _lines(), catalog=catalog(), specialist="import", batch=4)
    assert [i.line for i in report.imported] == [1, 7]
    reasons = {p.line: p.reason for p in report.problems}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 9, 10, 11]
    assert "JSON" in reasons[2]
    assert "no-such-service" in reasons[3]
    assert "СНИЛС" in reasons[4] and "контрольная сумма" in reasons[4]
    assert "Документы" in reasons[5]
    assert "comment" in reasons[6]
    assert "accepted_at" in reasons[10]
    assert "Канал" in reasons[11]
    assert str(report.problems[0]).startswith("строка 2: ")
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2  # no drafts left behind either
        assert s.scalar(select(func.count()).select_from(Applicant)) == 2
        assert s.scalar(select(Applicant.id).where(Applicant.surname == "Плохова")) is None
        assert [r.device_seq for r in s.scalars(select(OutboxRow).order_by(OutboxRow.device_seq))] == [1, 2, 3, 4]
        zags = s.scalars(select(Case).where(Case.service_id == "zags-duplicate")).one()
        assert zags.number == "0101-001-251120-0002" and zags.channel == "home_visit"
        assert zags.specialist == "petrov" and zags.fee_exempt_by == "wwii-veteran"
        assert zags.accepted_at.isoformat() == "2025-11-20T07:15:00+00:00"


def test_importing_the_same_lines_again_stores_nothing_twice(store) -> None:
    lines = _lines()
    first = importer.import_lines(store, lines, catalog=catalog(), specialist="import", batch=4)
    numbers = {i.line: i.number for i in first.imported}
    # the same file again (an interrupted import re-run), a line with its keys reordered and
    # spaced differently, and a line repeated within one file: all found, none stored again
    reordered = json.dumps(dict(reversed(list(json.loads(lines[0]).items()))), ensure_ascii=False, indent=1)
    again = importer.import_lines(store, [*lines, reordered.replace("\n", " "), lines[6]], catalog=catalog(),
                                  specialist="someone-else", batch=3)
    assert again.imported == []
    assert [(i.line, i.number) for i in again.skipped] == [(1, numbers[1]), (7, numbers[7]), (12, numbers[1]),
                                                            (13, numbers[7])]
    assert [p.line for p in again.problems] == [p.line for p in first.problems]
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 4
    ids = {i.case_id for i in first.imported}
    assert all(len(i) == 36 and i[14] == "8" for i in ids)  # RFC 9562 version 8, derived from the line


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `mfc-workstation …` in-process against a temp data folder and the tests' catalog."""
    root = tmp_path / "data"
    library = CatalogLibrary(tmp_path / "catalogs", builtin=CATALOG_DIR)
    monkeypatch.setattr(Session, "catalogs", property(lambda self: library))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield run, root, tmp_path
    keys.forget_key(root)


def test_headless_commands(cli) -> None:
    run, _root, tmp = cli
    code, _, err = run("case", "list", "--json")
    assert code == 0
    source = tmp / "cases.jsonl"
    source.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    code, _, err = run("case", "import", str(source))
    assert code == 1 and "store configure" in err  # numbers need the codes first
    assert run("store", "configure", "--office", "0102", "--workstation", "007")[0] == 0

    code, out, err = run("case", "import", str(source), "--json")
    assert code == 2
    report = json.loads(out)
    assert [i["line"] for i in report["imported"]] == [1, 7]
    assert [p["line"] for p in report["problems"]] == [2, 3, 4, 5, 6, 9, 10, 11]
    number = next(i["number"] for i in report["imported"] if i["line"] == 7)
    assert number == "0102-007-251120-0001"
    code, out, err = run("case", "import", str(source))  # run twice by mistake: nothing doubles
    assert code == 2 and f"строка 7: уже загружена раньше, дело {number}" in out
    assert "Загружено дел: 0; загружено раньше: 2; строк с ошибками: 8" in out

    code, out, _ = run("case", "list", "--json", "--date", "2025-11-20", "--status", "accepted")
    assert code == 0 and [row["number"] for row in json.loads(out)] == [number]

    code, out, _ = run("case", "show", number.replace("-", ""), "--json")
    shown = json.loads(out)
    assert shown["due_date"] == "2025-12-04" and shown["history"][0]["to"] == "accepted"
    assert shown["applicant"]["surname"] == "Королёв" and shown["fee"]["exempt_by"] == "wwii-veteran"

    assert run("case", "status", number, "sent")[0] == 0
    code, _, err = run("case", "status", number, "issued")
    assert code == 1 and "не допускается" in err
    code, out, _ = run("case", "show", number, "--json")
    assert [h["to"] for h in json.loads(out)["history"]] == ["accepted", "sent"]

    code, out, _ = run("case", "search", "королев", "петр", "--json")
    found = json.loads(out)
    assert [a["full_name"] for a in found["applicants"]] == ["Королёв Пётр Ильич"]
    assert [c["number"] for c in found["cases"]] == [number]

    target = tmp / "export.jsonl"
    code, out, _ = run("case", "export", "--date", "2025-11-20", str(target))
    assert code == 0
    exported = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [e["number"] for e in exported] == [number]
    assert run("case", "export", "--date", "2025-11-20", str(target))[0] == 1  # never overwrites

    code, out, _ = run("store", "info", "--json")
    info = json.loads(out)
    assert info["encrypted"] is True and info["cases"] == 2 and info["office_code"] == "0102"

    code, _, err = run("case", "show", "0000-000-000000-0000")
    assert code == 1 and "не найдено" in err
