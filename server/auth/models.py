"""Account, signed-in session and recovery code tables.

Every table that belongs to an account references it with ON DELETE CASCADE, so
deleting the account removes everything of theirs in one statement.

What Tortoise leaves untyped (each relation's `_id` column, BigIntField) is annotated
with its type here.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    CLIENT = "client"
    THERAPIST = "therapist"


class Account(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    # Stored normalised (NFKC, lower case) so that sign-in is case-insensitive.
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100)
    role = fields.CharEnumField(Role, max_length=16)
    # argon2id of the authentication key the device derives from the password; the
    # password itself never reaches the server (docs/crypto.md).
    password_hash = fields.CharField(max_length=255)
    # What the device needs to derive its keys again: the random seed of the salt and
    # the Argon2id parameters. Empty for accounts made before sealing, which cannot sign in.
    key_seed = fields.CharField(max_length=32, default="")
    kdf_version: int = fields.SmallIntField(default=0)
    kdf_memory_kib: int = fields.IntField(default=0)
    kdf_iterations: int = fields.SmallIntField(default=0)
    kdf_parallelism: int = fields.SmallIntField(default=0)
    # The account key sealed by the master key: only the device can open it.
    sealed_account_key = fields.CharField(max_length=255, default="")
    # The account's key pairs (docs/crypto.md, "Key pairs"): the public halves as raw
    # unpadded base64url, readable by whoever the account is linked with, and each
    # private half sealed by the account key. Empty until the account's device makes them.
    encryption_algorithm = fields.CharField(max_length=16, default="")
    encryption_key = fields.CharField(max_length=100, default="")
    sealed_encryption_key = fields.CharField(max_length=255, default="")
    signing_algorithm = fields.CharField(max_length=16, default="")
    signing_key = fields.CharField(max_length=100, default="")
    sealed_signing_key = fields.CharField(max_length=255, default="")
    keys_changed_at = fields.DatetimeField(null=True)
    # The account's change number: every write to its synced records takes the next one.
    change_counter: int = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta(Model.Meta):
        table = "account"


class Session(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    account = fields.ForeignKeyField(
        "between.Account", related_name="sessions", on_delete=fields.CASCADE, db_index=True
    )
    account_id: uuid.UUID
    # SHA-256 of the cookie token; the token itself is never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    device_label = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta(Model.Meta):
        table = "auth_session"


class RecoveryCode(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    account = fields.ForeignKeyField(
        "between.Account", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    # The code's first characters, so a code is checked against one hash, not ten.
    lookup = fields.CharField(max_length=8)
    # argon2id of the code's verifier; the code itself never reaches the server.
    code_hash = fields.CharField(max_length=255)
    # The account key sealed by this code's key, returned to whoever shows the verifier.
    sealed_account_key = fields.CharField(max_length=255, default="")
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta(Model.Meta):
        table = "recovery_code"
        unique_together = (("account", "lookup"),)
