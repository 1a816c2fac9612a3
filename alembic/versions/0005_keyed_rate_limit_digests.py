"""Rate-limit state is now stored under keyed digests: forget what was stored under plain
SHA-256 ones, which a copy of the database could reverse by trying every address. Counts
start afresh, and an address trusted for an account is trusted again at its next sign-in.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM rate_limit_window")
    op.execute("DELETE FROM rate_limit_trusted")


def downgrade() -> None:
    # Keyed digests mean nothing to the older code either: it starts afresh too.
    op.execute("DELETE FROM rate_limit_window")
    op.execute("DELETE FROM rate_limit_trusted")
