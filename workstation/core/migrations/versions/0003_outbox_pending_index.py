"""A partial index over the outbox rows not yet acknowledged.

Acknowledged rows stay in the outbox (as long as the oldest server backup, see docs/sync.md), so
`outbox.pending` and `outbox.acknowledge` must not walk them: without this index every push
batch scanned every acknowledged row before it (quadratic in the outbox size). The index holds
only pending rows, so it stays small however long the outbox grows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_pending", "outbox", ["device_seq"], sqlite_where=sa.text("acked_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_outbox_pending", "outbox")
