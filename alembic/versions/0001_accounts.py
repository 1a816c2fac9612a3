"""Accounts, signed-in sessions and recovery codes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from server.migration_types import timestamp, uuid

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", uuid(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("updated_at", timestamp(), nullable=False),
    )
    op.create_table(
        "auth_session",
        sa.Column("id", uuid(), primary_key=True),
        sa.Column(
            "account_id",
            uuid(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("device_label", sa.String(100), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("last_seen_at", timestamp(), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=False),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", uuid(), primary_key=True),
        sa.Column(
            "account_id",
            uuid(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("lookup", sa.String(8), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("used_at", timestamp(), nullable=True),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.UniqueConstraint("account_id", "lookup"),
    )


def downgrade() -> None:
    op.drop_table("recovery_code")
    op.drop_table("auth_session")
    op.drop_table("account")
