"""Alembic migrations of the local store; run by `workstation.core.database` at every open."""
