"""Synced records, device outbox positions, letter revisions and the change counter.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from server.migration_types import boolean, json, timestamp, uuid

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def account_reference(name: str = "account_id") -> sa.Column:
    """A column naming the owning account; deleting the account deletes the row."""
    return sa.Column(name, uuid(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("account") as account:
        account.add_column(
            sa.Column("change_counter", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_table(
        "sync_record",
        sa.Column("id", uuid(), primary_key=True),
        account_reference("owner_id"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_version", sa.BigInteger(), nullable=False),
        sa.Column("deleted", boolean(), nullable=False),
        sa.Column("deleted_at", timestamp(), nullable=True),
        sa.Column("data", json(), nullable=False),
        sa.Column("field_versions", json(), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("updated_at", timestamp(), nullable=False),
        # Pull reads (owner, version > cursor) in order: this index is that read.
        sa.UniqueConstraint("owner_id", "version"),
    )
    op.create_table(
        "sync_device",
        sa.Column("id", uuid(), primary_key=True),
        account_reference(),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("last_mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("updated_at", timestamp(), nullable=False),
        sa.UniqueConstraint("account_id", "device_id"),
    )
    op.create_table(
        "letter_revision",
        sa.Column("id", uuid(), primary_key=True),
        sa.Column(
            "letter_id",
            uuid(),
            sa.ForeignKey("sync_record.id", ondelete="CASCADE"),
            nullable=False,
        ),
        account_reference("owner_id"),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=True),
        sa.Column("created_at", timestamp(), nullable=False),
    )
    op.create_index(
        "ix_letter_revision_letter_version", "letter_revision", ["letter_id", "version"]
    )


def downgrade() -> None:
    op.drop_table("letter_revision")
    op.drop_table("sync_device")
    op.drop_table("sync_record")
    with op.batch_alter_table("account") as account:
        account.drop_column("change_counter")
