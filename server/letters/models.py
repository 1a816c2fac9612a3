"""Every version of a letter's words, kept until the letter is deleted for good.

What Tortoise leaves untyped (each relation's `_id` column, BigIntField) is annotated
with its type here.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RevisionReason(StrEnum):
    EDIT = "edit"  # the letter's text at this version
    MERGE = "merge"  # two devices' edits combined cleanly
    RESTORE = "restore"  # an older revision brought back
    CLIENT = "client"  # a device's own text that was merged with another's
    CONFLICT = "conflict"  # a device's text that could not be merged; shown beside the letter


# Revisions that were, at their version, the letter's actual text.
CURRENT_REASONS = (RevisionReason.EDIT, RevisionReason.MERGE, RevisionReason.RESTORE)


class LetterRevision(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    letter = fields.ForeignKeyField(
        "between.SyncRecord", related_name="revisions", on_delete=fields.CASCADE
    )
    letter_id: uuid.UUID
    owner = fields.ForeignKeyField(
        "between.Account", related_name="letter_revisions", on_delete=fields.CASCADE
    )
    owner_id: uuid.UUID
    version: int = fields.BigIntField()
    reason = fields.CharEnumField(RevisionReason, max_length=16)
    title = fields.TextField()
    body = fields.TextField()
    device_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta(Model.Meta):
        table = "letter_revision"
        indexes = (("letter", "version"),)
