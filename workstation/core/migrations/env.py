"""Alembic environment for the local store.

Migrations never open the database themselves: the store opens (and decrypts) it and hands the
connection over in `config.attributes["connection"]`. Batch mode is on because SQLite alters
tables by copying them.
"""

from __future__ import annotations

from alembic import context

from workstation.core.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "Migrations of the local store run through workstation.core.database.open_database(); "
            "the database is encrypted and cannot be opened from alembic.ini."
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported for the local store")
run_migrations_online()
