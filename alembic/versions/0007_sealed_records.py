"""Sealed records: `sync_record` keeps a sealed kind's envelope (`sealed`) and its content's
format version (`format`); both are null for a clear kind.

The toolkit kinds become sealed. Their existing rows hold readable fields that no device
can turn into envelopes from here, so they are deleted: no production deployment
existed, and accounts made before 0006 already cannot sign in to resend them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TOOLKIT_KINDS = "('toolkit_box', 'toolkit_item', 'toolkit_use', 'carry_card')"


def upgrade() -> None:
    op.execute(f"DELETE FROM sync_record WHERE kind IN {TOOLKIT_KINDS}")  # noqa: S608
    with op.batch_alter_table("sync_record") as records:
        records.add_column(sa.Column("sealed", sa.Text(), nullable=True))
        records.add_column(sa.Column("format", sa.Integer(), nullable=True))


def downgrade() -> None:
    # The older code reads only fields: sealed records would look empty to it.
    op.execute("DELETE FROM sync_record WHERE sealed IS NOT NULL")
    with op.batch_alter_table("sync_record") as records:
        records.drop_column("format")
        records.drop_column("sealed")
