"""Sharing: connect codes, client-therapist links, shares, and the access log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from server.migration_types import timestamp, uuid

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def account_reference(name: str) -> sa.Column:
    """A column naming an account; deleting the account deletes the row."""
    return sa.Column(name, uuid(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sharing_connect_code",
        sa.Column("id", uuid(), primary_key=True),
        account_reference("therapist_id"),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("expires_at", timestamp(), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("ended_at", timestamp(), nullable=True),
    )
    op.create_table(
        "sharing_link",
        sa.Column("id", uuid(), primary_key=True),
        account_reference("client_id"),
        account_reference("therapist_id"),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("ended_at", timestamp(), nullable=True),
    )
    op.create_table(
        "sharing_share",
        sa.Column("id", uuid(), primary_key=True),
        account_reference("client_id"),
        account_reference("therapist_id"),
        sa.Column(
            "link_id", uuid(), sa.ForeignKey("sharing_link.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "letter_id", uuid(), sa.ForeignKey("sync_record.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("letter_version", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("client_name", sa.String(100), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("deliver_at", timestamp(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("snapshot_id", uuid(), nullable=True, unique=True),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("updated_at", timestamp(), nullable=False),
        sa.Column("shared_at", timestamp(), nullable=False),
        sa.Column("delivered_at", timestamp(), nullable=True),
        sa.Column("withdrawn_at", timestamp(), nullable=True),
        sa.Column("cancelled_at", timestamp(), nullable=True),
    )
    # The delivery job asks for held shares that are due.
    op.create_index("ix_sharing_share_status_deliver_at", "sharing_share", ["status", "deliver_at"])
    op.create_table(
        "sharing_access_log",
        sa.Column("id", uuid(), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("at", timestamp(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        # Plain ids, not foreign keys: deleting an account must not remove links of the chain.
        sa.Column("client_id", uuid(), nullable=False),
        sa.Column("therapist_id", uuid(), nullable=False),
        sa.Column("share_id", uuid(), nullable=False),
        sa.Column("snapshot_id", uuid(), nullable=False),
        sa.Column("device_opened_at", sa.String(40), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_sharing_access_log_client_id", "sharing_access_log", ["client_id"])
    op.create_index("ix_sharing_access_log_therapist_id", "sharing_access_log", ["therapist_id"])


def downgrade() -> None:
    op.drop_table("sharing_access_log")
    op.drop_table("sharing_share")
    op.drop_table("sharing_link")
    op.drop_table("sharing_connect_code")
