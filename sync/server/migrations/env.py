"""Alembic environment: the connection is handed in by `sync.server.db.migrate`, or made from
DATABASE_URL when `alembic` is run by hand with `-c sync/server/migrations/alembic.ini`."""

from __future__ import annotations

from alembic import context

from sync.server.config import Settings
from sync.server.db import make_engine
from sync.server.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    engine = make_engine(Settings.from_env().database_url, pool_size=0)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
