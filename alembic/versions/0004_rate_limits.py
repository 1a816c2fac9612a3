"""Rate-limit counts and trusted addresses, shared by every server process.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from server.migration_types import boolean, json, timestamp

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_window",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("hits", json(), nullable=False),
        sa.Column("accepted", boolean(), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=False),
    )
    op.create_table(
        "rate_limit_trusted",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("trusted_until", timestamp(), nullable=False),
    )
    op.create_index("ix_rate_limit_trusted_until", "rate_limit_trusted", ["trusted_until"])


def downgrade() -> None:
    op.drop_table("rate_limit_trusted")
    op.drop_table("rate_limit_window")
