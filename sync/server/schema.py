"""The server's tables (SQLAlchemy Core). Created and changed only by the Alembic migrations in
`migrations/`; a test checks that a migrated database matches these definitions.

JSON documents are kept as text (`data`, `field_versions` …): the server reads and writes them
whole, never queries inside them, and serves change records as stored without re-encoding.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()
BigId = BigInteger().with_variant(Integer, "sqlite")  # an INTEGER PRIMARY KEY is SQLite's rowid

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

devices = Table(
    "devices", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("office_code", String(4), nullable=False),
    Column("workstation_code", String(3), nullable=False),
    Column("local_device_id", String(64)),
    Column("token_hash", String(64), unique=True),
    Column("enrol_code_hash", String(64), unique=True),
    Column("enrol_expires_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("enrolled_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("last_seen_at", DateTime(timezone=True)),
    UniqueConstraint("office_code", "workstation_code", name="uq_devices_office_workstation"),
)

staff = Table(
    "staff", metadata,
    Column("id", String(36), primary_key=True),
    Column("login", String(100), nullable=False, unique=True),
    Column("full_name", String(300), nullable=False),
    Column("role", String(32), nullable=False),
    Column("office_code", String(4)),
    Column("password_hash", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

cases = Table(
    "cases", metadata,
    Column("id", String(64), primary_key=True),
    Column("number", String(24), unique=True),
    Column("office_code", String(4)),
    Column("status", String(16), nullable=False),
    Column("applicant_id", String(64), index=True),
    Column("version", Integer, nullable=False),
    Column("conflict", Boolean, nullable=False, default=False),
    Column("data", Text, nullable=False),  # the case record as served (JSON)
    Column("field_versions", Text, nullable=False),  # {"field": [version, device_id]} (JSON)
    Column("created_by", String(36)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_cases_office_status", "office_code", "status"),
)

applicants = Table(
    "applicants", metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("office_code", String(4)),  # where the card was first made
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

case_history = Table(
    "case_history", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("actor", String(100)),
    Column("reason", Text),
    Column("source", String(16), nullable=False),  # device | back_office | agency
    Column("device_id", String(36)),
    Column("mutation_seq", BigInteger),
    Column("client_at", String(40)),  # the workstation's clock, as sent: recorded, never used to order
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

assignments = Table(
    "assignments", metadata,
    Column("case_id", String(64), primary_key=True),
    Column("device_id", String(36), primary_key=True),
    Column("login", String(100)),
    Column("active", Boolean, nullable=False),
    Column("assigned_by", String(100)),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

catalogs = Table(
    "catalogs", metadata,
    Column("version", String(64), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("sources", Text, nullable=False),  # {"path": "yaml text"} (JSON)
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(100)),
)

mutations = Table(
    "mutations", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("mutation_id", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("op", String(32), nullable=False),
    Column("result", String(16), nullable=False),
    Column("code", String(64)),
    Column("message", Text),
    Column("version", Integer),
    Column("client_time", String(40)),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

# The change feed. `xid` is the writing transaction's id on PostgreSQL (column default
# pg_current_xact_id()) and 0 on SQLite, whose writers are serialised; readers order by (xid, id)
# and on PostgreSQL serve only rows below the oldest running transaction (see feed.py).
changes = Table(
    "changes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("xid", BigInteger, nullable=False),
    Column("audience", String(48), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_changes_feed", "audience", "xid", "id"),
    Index("ix_changes_entity", "kind", "entity_id", "audience"),
    sqlite_autoincrement=True,
)
