"""The first schema: device, staff, applicants with identity documents, bundles, cases,
status history, audit log, outbox and day counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.String(32)  # UTC ISO timestamps (models.UtcDateTime)
MONEY = sa.String(32)  # exact decimals as text (models.DecimalText)


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("office_code", sa.String(4)),
        sa.Column("workstation_code", sa.String(3)),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("id = 1", name="single_row"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("full_name", sa.String(300), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("office_code", sa.String(4)),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("server_version", sa.Integer),
    )
    op.create_table(
        "applicants",
        sa.Column("pk", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("surname", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("patronymic", sa.String(100)),
        sa.Column("sex", sa.String(8)),
        sa.Column("birth_date", sa.Date),
        sa.Column("birth_place", sa.String(300)),
        sa.Column("snils", sa.String(11)),
        sa.Column("inn", sa.String(12)),
        sa.Column("phone", sa.String(16)),
        sa.Column("email", sa.String(254)),
        sa.Column("address", sa.JSON),
        sa.Column("privileges", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("server_version", sa.Integer),
        sa.Column("sync_state", sa.String(16), nullable=False),
    )
    op.create_index("ix_applicants_snils", "applicants", ["snils"])
    op.create_table(
        "identity_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("applicant_id", sa.String(36), sa.ForeignKey("applicants.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("series", sa.String(20)),
        sa.Column("number", sa.String(30)),
        sa.Column("issuer", sa.String(300)),
        sa.Column("issue_date", sa.Date),
        sa.Column("division_code", sa.String(7)),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("superseded_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_identity_documents_applicant_id", "identity_documents", ["applicant_id"])
    op.create_index("ix_identity_documents_number", "identity_documents", ["number", "series"])
    op.create_table(
        "bundles",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("situation_id", sa.String(64), nullable=False),
        sa.Column("applicant_id", sa.String(36), sa.ForeignKey("applicants.id")),
        sa.Column("specialist", sa.String(100)),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(24), unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("catalog_version", sa.String(64), nullable=False),
        sa.Column("form_version", sa.String(100), nullable=False),
        sa.Column("applicant_id", sa.String(36), sa.ForeignKey("applicants.id")),
        sa.Column("bundle_id", sa.String(36), sa.ForeignKey("bundles.id")),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("privileges", sa.JSON, nullable=False),
        sa.Column("fee_amount", MONEY),
        sa.Column("fee_full_amount", MONEY),
        sa.Column("fee_tariff", sa.String(64)),
        sa.Column("fee_exempt_by", sa.String(64)),
        sa.Column("accepted_at", TS),
        sa.Column("accepted_on", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("office_code", sa.String(4)),
        sa.Column("workstation_code", sa.String(3)),
        sa.Column("specialist", sa.String(100)),
        sa.Column("intake_started_at", TS),
        sa.Column("intake_finished_at", TS),
        sa.Column("notify_by", sa.String(8)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("server_version", sa.Integer),
        sa.Column("sync_state", sa.String(16), nullable=False),
    )
    op.create_index("ix_cases_status_accepted_on", "cases", ["status", "accepted_on"])
    op.create_index("ix_cases_accepted_on", "cases", ["accepted_on"])
    op.create_index("ix_cases_applicant", "cases", ["applicant_id", "accepted_at"])
    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_status_history_case_id", "status_history", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(36)),
        sa.Column("detail", sa.JSON),
    )
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_seq", sa.Integer, nullable=False, unique=True),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("op", sa.String(16), nullable=False),
        sa.Column("base_version", sa.Integer),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("acked_at", TS),
    )
    op.create_table(
        "day_counters",
        sa.Column("prefix", sa.String(16), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("day_counters", "outbox", "audit_log", "status_history", "cases", "bundles",
                  "identity_documents", "applicants", "staff", "device"):
        op.drop_table(table)
