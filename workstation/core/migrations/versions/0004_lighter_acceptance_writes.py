"""Fewer pages written by an acceptance: search-index merges left to idle time, fewer index entries.

Measured on the million-case store, an acceptance wrote about 44 pages to the WAL, and about one
in 30 wrote 800 more: FTS5's automatic merge moves 64 × levels leaf pages inside every commit that
crosses a multiple of 64 leaves written to an index (30–50 ms each). This revision:

* turns FTS5's automatic merge off (`automerge = 0`) on both search indexes; the store's
  background thread merges them when writes pause (`database.merge_search_indexes`), and FTS5's
  own crisis merge (a level that reaches 16 segments) still bounds a long storm of writes;
* drops `ix_applicants_phone`: nothing looks applicants up by the stored phone — search finds
  phones through the FTS indexes (both the ten digits and the last seven) — and every new
  applicant wrote one more randomly placed index page for it;
* makes `ix_cases_accepted_on` and `ix_cases_applicant` partial (`IS NOT NULL`): a draft has no
  day and usually no applicant yet, so it no longer gets entries that its acceptance then has
  to delete from another page. Every query that used them compares the column with a value,
  so they are still chosen (`accepted_on = ?`, `applicant_id IN (…)`, the foreign key check).

No rows change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEARCH_TABLES = ("applicant_words", "applicant_search")  # frozen: as created by revision 0002


def _fts_config(key: str, value: int) -> None:
    for table in SEARCH_TABLES:
        op.execute(f"INSERT INTO {table}({table}, rank) VALUES ('{key}', {value})")


def upgrade() -> None:
    _fts_config("automerge", 0)
    op.drop_index("ix_applicants_phone", "applicants")
    op.drop_index("ix_cases_accepted_on", "cases")
    op.create_index("ix_cases_accepted_on", "cases", ["accepted_on"], sqlite_where=sa.text("accepted_on IS NOT NULL"))
    op.drop_index("ix_cases_applicant", "cases")
    op.create_index("ix_cases_applicant", "cases", ["applicant_id", "accepted_at"],
                    sqlite_where=sa.text("applicant_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_cases_applicant", "cases")
    op.create_index("ix_cases_applicant", "cases", ["applicant_id", "accepted_at"])
    op.drop_index("ix_cases_accepted_on", "cases")
    op.create_index("ix_cases_accepted_on", "cases", ["accepted_on"])
    op.create_index("ix_applicants_phone", "applicants", ["phone"])
    _fts_config("automerge", 4)
