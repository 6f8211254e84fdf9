"""Search index and fields for sync and field visits.

Adds the search indexes over applicants — FTS5 words (prefix queries) and FTS5 trigram
(substrings), both contentless: the text lives only in the encrypted indexes, rowid =
applicants.pk — and fills them from the rows already there, plus an index on the phone; adds to cases the
field-visit assignment and the sync conflict flag with the competing values; adds the settings
table.

The folding below is a frozen copy of `workstation.core.searchkeys` as of this revision: a
migration must give the same result whatever later code does.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if "0" <= ch <= "9")


def _phone_key(phone: str | None) -> str:
    d = _digits(phone)
    return d[1:] if len(d) == 11 and d[0] in "78" else d


def _document(row, passports) -> str:
    parts = [_fold(" ".join(p for p in (row.surname, row.name, row.patronymic) if p))]
    parts += [f"{_digits(s) + _digits(n)} {_digits(n)}" for s, n in passports if _digits(s) + _digits(n)]
    parts += [v for v in (_digits(row.snils), _digits(row.inn)) if v]
    phone = _phone_key(row.phone)
    if phone:
        parts.append(f"{phone} {phone[-7:]}")
    return " | ".join(p for p in parts if p)


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite does it in place, without copying a table of a million cases.
    op.add_column("cases", sa.Column("assigned_to", sa.String(100)))
    op.add_column("cases", sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.text("0")))
    op.add_column("cases", sa.Column("conflict_data", sa.JSON))
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.JSON),
    )
    op.execute(
        "CREATE VIRTUAL TABLE applicant_search USING fts5("
        "doc, tokenize='trigram', content='', contentless_delete=1)"
    )
    op.execute(
        "CREATE VIRTUAL TABLE applicant_words USING fts5("
        "doc, tokenize='unicode61 remove_diacritics 0', content='', contentless_delete=1)"
    )
    op.create_index("ix_applicants_phone", "applicants", ["phone"])
    bind = op.get_bind()
    passports: dict[str, list[tuple[str | None, str | None]]] = {}
    for applicant_id, series, number in bind.execute(sa.text(
            "SELECT applicant_id, series, number FROM identity_documents WHERE kind = 'passport-rf'")):
        passports.setdefault(applicant_id, []).append((series, number))
    rows = bind.execute(sa.text(
        "SELECT pk, id, surname, name, patronymic, snils, inn, phone FROM applicants")).fetchall()
    if rows:
        docs = [{"pk": r.pk, "doc": _document(r, passports.get(r.id, []))} for r in rows]
        for table in ("applicant_search", "applicant_words"):
            bind.execute(sa.text(f"INSERT INTO {table}(rowid, doc) VALUES (:pk, :doc)"), docs)


def downgrade() -> None:
    op.execute("DROP TABLE applicant_words")
    op.execute("DROP TABLE applicant_search")
    op.drop_index("ix_applicants_phone", "applicants")
    op.drop_table("settings")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("conflict_data")
        batch.drop_column("conflict")
        batch.drop_column("assigned_to")
