"""Key pairs and safety numbers: each account's public encryption and signing keys with
their private halves sealed by the account key, and on each link the safety number
each side compared.

Accounts made before have no pairs; their device makes them at the next sign-in or
open (docs/crypto.md, "Key pairs").

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from server.migration_types import timestamp

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ACCOUNT_COLUMNS = (
    ("encryption_algorithm", 16),
    ("encryption_key", 100),
    ("sealed_encryption_key", 255),
    ("signing_algorithm", 16),
    ("signing_key", 100),
    ("sealed_signing_key", 255),
)
LINK_COLUMNS = ("client_compared", "therapist_compared")


def upgrade() -> None:
    with op.batch_alter_table("account") as account:
        for name, length in ACCOUNT_COLUMNS:
            account.add_column(
                sa.Column(name, sa.String(length), nullable=False, server_default="")
            )
        account.add_column(sa.Column("keys_changed_at", timestamp(), nullable=True))
    with op.batch_alter_table("sharing_link") as link:
        for name in LINK_COLUMNS:
            link.add_column(sa.Column(name, sa.String(60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sharing_link") as link:
        for name in reversed(LINK_COLUMNS):
            link.drop_column(name)
    with op.batch_alter_table("account") as account:
        account.drop_column("keys_changed_at")
        for name, _length in reversed(ACCOUNT_COLUMNS):
            account.drop_column(name)
