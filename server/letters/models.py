"""Every version of a letter, sealed as its device sent it, kept until the letter is
deleted for good.

What Tortoise leaves untyped (each relation's `_id` column, BigIntField) is annotated
with its type here.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class LetterRevision(Model):
    """The letter's envelope at one applied upsert: the server cannot read it."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    letter = fields.ForeignKeyField(
        "between.SyncRecord", related_name="revisions", on_delete=fields.CASCADE
    )
    letter_id: uuid.UUID
    owner = fields.ForeignKeyField(
        "between.Account", related_name="letter_revisions", on_delete=fields.CASCADE
    )
    owner_id: uuid.UUID
    # The letter's version this envelope was written at.
    version: int = fields.BigIntField()
    sealed = fields.TextField()
    format = fields.IntField()
    # The sync id of the device that sent it, so a device can say which were its own.
    device_id = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta(Model.Meta):
        table = "letter_revision"
        indexes = (("letter", "version"),)
