"""Letters become a sealed kind: a revision keeps the envelope its device sent (`sealed`,
`format`) instead of readable words (`title`, `body`, `reason`), and the device that sent
it.

Existing letters and their revisions hold readable words that no device can turn into
envelopes from here, so they are deleted, as the toolkit's were in 0007: no production
deployment existed, and accounts made before 0006 already cannot sign in to resend them.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Revisions go with their letters (ON DELETE CASCADE), but SQLite enforces that only
    # when foreign keys are on for the connection: delete them first, on both databases.
    op.execute("DELETE FROM letter_revision")
    op.execute("DELETE FROM sync_record WHERE kind = 'letter'")
    with op.batch_alter_table("letter_revision") as revisions:
        revisions.drop_column("reason")
        revisions.drop_column("title")
        revisions.drop_column("body")
        revisions.add_column(sa.Column("sealed", sa.Text(), nullable=False))
        revisions.add_column(sa.Column("format", sa.Integer(), nullable=False))
        revisions.alter_column("device_id", existing_type=sa.String(64), nullable=False)


def downgrade() -> None:
    # The older code reads letters as fields: their envelopes would look empty to it.
    op.execute("DELETE FROM letter_revision")
    op.execute("DELETE FROM sync_record WHERE kind = 'letter'")
    with op.batch_alter_table("letter_revision") as revisions:
        revisions.alter_column("device_id", existing_type=sa.String(64), nullable=True)
        revisions.drop_column("format")
        revisions.drop_column("sealed")
        revisions.add_column(sa.Column("reason", sa.String(16), nullable=False))
        revisions.add_column(sa.Column("title", sa.Text(), nullable=False))
        revisions.add_column(sa.Column("body", sa.Text(), nullable=False))
