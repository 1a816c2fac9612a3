"""Synced records, and what the server remembers about each device's outbox.

What Tortoise leaves untyped (each relation's `_id` column, BigIntField) is annotated
with its type here.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class SyncRecord(Model):
    """One record of any kind, owned by one account, in that account's version order."""

    id = fields.UUIDField(primary_key=True)
    owner = fields.ForeignKeyField(
        "between.Account", related_name="records", on_delete=fields.CASCADE
    )
    owner_id: uuid.UUID
    kind = fields.CharField(max_length=32)
    # The owner's change number at which this record last changed, and was created.
    version: int = fields.BigIntField()
    created_version: int = fields.BigIntField()
    deleted = fields.BooleanField(default=False)
    deleted_at = fields.DatetimeField(null=True)
    # Current field values, and the version at which each field last changed, so
    # concurrent edits to different fields both survive.
    data = fields.JSONField()
    field_versions = fields.JSONField()
    # A sealed kind's envelope and its content's format version; null for a clear kind,
    # whose `data` and `field_versions` are then the record (and `{}` for a sealed one).
    sealed = fields.TextField(null=True)
    format = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta(Model.Meta):
        table = "sync_record"
        unique_together = (("owner", "version"),)


class SyncDevice(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    account = fields.ForeignKeyField(
        "between.Account", related_name="devices", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    device_id = fields.CharField(max_length=64)
    last_mutation_id: int = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta(Model.Meta):
        table = "sync_device"
        unique_together = (("account", "device_id"),)
