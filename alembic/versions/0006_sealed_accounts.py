"""Sealed accounts: the server keeps each account's key seed, Argon2id parameters and
sealed account key, and for each recovery code the account key sealed by that code.

Accounts made before have none of these and cannot sign in: no production deployment
existed, so they are not carried over (docs/decisions.md, "Sealing").

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACCOUNT_COLUMNS = (
    ("key_seed", sa.String(32), ""),
    ("kdf_version", sa.SmallInteger(), "0"),
    ("kdf_memory_kib", sa.Integer(), "0"),
    ("kdf_iterations", sa.SmallInteger(), "0"),
    ("kdf_parallelism", sa.SmallInteger(), "0"),
    ("sealed_account_key", sa.String(255), ""),
)


def upgrade() -> None:
    with op.batch_alter_table("account") as account:
        for name, kind, default in ACCOUNT_COLUMNS:
            account.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    with op.batch_alter_table("recovery_code") as codes:
        codes.add_column(
            sa.Column("sealed_account_key", sa.String(255), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("recovery_code") as codes:
        codes.drop_column("sealed_account_key")
    with op.batch_alter_table("account") as account:
        for name, _kind, _default in reversed(ACCOUNT_COLUMNS):
            account.drop_column(name)
