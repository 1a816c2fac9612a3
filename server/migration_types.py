"""Column types for migrations, matching what Tortoise's fields expect on each database."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def uuid() -> sa.types.TypeEngine:
    # Tortoise keeps UUIDs as CHAR(36) text on SQLite and as native UUID on PostgreSQL.
    return sa.Uuid().with_variant(sa.CHAR(36), "sqlite")


def timestamp() -> sa.types.TypeEngine:
    return sa.TIMESTAMP(timezone=True)


def boolean() -> sa.types.TypeEngine:
    # Tortoise declares booleans as INT on SQLite.
    return sa.Boolean().with_variant(sa.Integer(), "sqlite")


def json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
