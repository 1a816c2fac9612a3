"""Plans and preferences become sealed kinds, as the toolkit did in 0007.

Their existing rows hold readable fields (dates, the people to call, the person's own
words for things) that no device can turn into envelopes from here, so they are
deleted: no production deployment existed, and accounts made before 0006 already cannot
sign in to resend them. No column changes: 0007 added `sealed` and `format`.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEWLY_SEALED = "('plan', 'preferences')"


def upgrade() -> None:
    # Every row of these kinds is clear: the code before this accepted no envelope for them.
    op.execute(f"DELETE FROM sync_record WHERE kind IN {NEWLY_SEALED}")  # noqa: S608


def downgrade() -> None:
    # The older code reads plans and preferences as fields: their envelopes would look
    # empty to it, and it would fill them with defaults over the person's own.
    op.execute(f"DELETE FROM sync_record WHERE kind IN {NEWLY_SEALED}")  # noqa: S608
