"""Column types for migrations, matching what Tortoise's fields expect on each database."""

import sqlalchemy as sa


def uuid() -> sa.types.TypeEngine:
    # Tortoise keeps UUIDs as CHAR(36) text on SQLite and as native UUID on PostgreSQL.
    return sa.Uuid().with_variant(sa.CHAR(36), "sqlite")


def timestamp() -> sa.types.TypeEngine:
    return sa.TIMESTAMP(timezone=True)
