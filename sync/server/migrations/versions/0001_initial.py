"""The first schema: devices, staff, cases, applicants, history, assignments, catalogs, the
mutation log and the change feed.

Revision ID: 0001
Revises:
Create Date: 2026-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("office_code", sa.String(4), nullable=False),
        sa.Column("workstation_code", sa.String(3), nullable=False),
        sa.Column("local_device_id", sa.String(64)),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("enrol_code_hash", sa.String(64), unique=True),
        sa.Column("enrol_expires_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("enrolled_at", TS),
        sa.Column("revoked_at", TS),
        sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_seen_at", TS),
        sa.UniqueConstraint("office_code", "workstation_code", name="uq_devices_office_workstation"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("full_name", sa.String(300), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("office_code", sa.String(4)),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(24), unique=True),
        sa.Column("office_code", sa.String(4)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("applicant_id", sa.String(64)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("conflict", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("field_versions", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_cases_applicant_id", "cases", ["applicant_id"])
    op.create_index("ix_cases_office_status", "cases", ["office_code", "status"])
    op.create_table(
        "applicants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("office_code", sa.String(4)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "case_history",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(100)),
        sa.Column("reason", sa.Text),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(36)),
        sa.Column("mutation_seq", sa.BigInteger),
        sa.Column("client_at", sa.String(40)),
        sa.Column("recorded_at", TS, nullable=False),
    )
    op.create_index("ix_case_history_case_id", "case_history", ["case_id"])
    op.create_table(
        "assignments",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("login", sa.String(100)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("assigned_by", sa.String(100)),
        sa.Column("assigned_at", TS, nullable=False),
    )
    op.create_table(
        "catalogs",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("published_by", sa.String(100)),
    )
    op.create_table(
        "mutations",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("mutation_id", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("code", sa.String(64)),
        sa.Column("message", sa.Text),
        sa.Column("version", sa.Integer),
        sa.Column("client_time", sa.String(40)),
        sa.Column("applied_at", TS, nullable=False),
    )
    # The writing transaction's id stamps every change on PostgreSQL (see sync/server/feed.py).
    xid_default = sa.text("(pg_current_xact_id()::text::bigint)") if postgres else sa.text("0")
    op.create_table(
        "changes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("xid", sa.BigInteger, nullable=False, server_default=xid_default),
        sa.Column("audience", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_feed", "changes", ["audience", "xid", "id"])
    op.create_index("ix_changes_entity", "changes", ["kind", "entity_id", "audience"])


def downgrade() -> None:
    for table in ("changes", "mutations", "catalogs", "assignments", "case_history", "applicants", "cases",
                  "staff", "devices", "meta"):
        op.drop_table(table)
