"""Connect codes, links between a client and a therapist, shares, and the access log.

A share belongs to both sides (ON DELETE CASCADE from either account). The access log
holds only ids and times, and no foreign keys, so that deleting an account never breaks
the hash chain of everyone else's entries.

What Tortoise leaves untyped (each relation's `_id` column, BigIntField) is annotated
with its type here.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CodeState(StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"  # the therapist asked for a new one
    USED = "used"  # a client linked with it


class ConnectCode(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    therapist = fields.ForeignKeyField(
        "between.Account", related_name="connect_codes", on_delete=fields.CASCADE
    )
    therapist_id: uuid.UUID
    # SHA-256 of the normalised code; the code itself is shown once and never stored.
    code_hash = fields.CharField(max_length=64, unique=True)
    state = fields.CharEnumField(CodeState, max_length=16, default=CodeState.ACTIVE)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta(Model.Meta):
        table = "sharing_connect_code"


class SharingLink(Model):
    """A client's consent to share with one therapist, until either of them ends it."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    client = fields.ForeignKeyField(
        "between.Account", related_name="therapist_links", on_delete=fields.CASCADE
    )
    client_id: uuid.UUID
    therapist = fields.ForeignKeyField(
        "between.Account", related_name="client_links", on_delete=fields.CASCADE
    )
    therapist_id: uuid.UUID
    # The safety number each side said they compared (60 digits), or "". A device shows
    # the link as compared only while this equals the number it computes from the keys
    # as they are now, so a changed key makes the link "not compared" again.
    client_compared = fields.CharField(max_length=60, default="")
    therapist_compared = fields.CharField(max_length=60, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta(Model.Meta):
        table = "sharing_link"


class Delivery(StrEnum):
    NOW = "now"
    TOMORROW_MORNING = "tomorrow_morning"
    AT_TIME = "at_time"
    NEXT_SESSION = "next_session"


class ShareStatus(StrEnum):
    HELD = "held"  # waiting for its delivery time; the therapist knows nothing of it
    DELIVERED = "delivered"  # a snapshot is in the therapist's feed
    WITHDRAWN = "withdrawn"  # was delivered; the snapshot is now a tombstone
    CANCELLED = "cancelled"  # never delivered, and never will be


class LetterShare(Model):
    """One letter shared once: the words as they were when shared, and where they are."""

    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField(
        "between.Account", related_name="shares_sent", on_delete=fields.CASCADE
    )
    client_id: uuid.UUID
    therapist = fields.ForeignKeyField(
        "between.Account", related_name="shares_received", on_delete=fields.CASCADE
    )
    therapist_id: uuid.UUID
    link = fields.ForeignKeyField(
        "between.SharingLink", related_name="shares", on_delete=fields.CASCADE
    )
    link_id: uuid.UUID
    letter = fields.ForeignKeyField(
        "between.SyncRecord", related_name="shares", on_delete=fields.CASCADE
    )
    letter_id: uuid.UUID
    # The letter's version when its words were taken (at sharing, or at a resend).
    letter_version: int = fields.BigIntField()
    title = fields.TextField()
    body = fields.TextField()
    note = fields.TextField()
    client_name = fields.CharField(max_length=100)
    delivery = fields.CharEnumField(Delivery, max_length=16)
    deliver_at = fields.DatetimeField()
    status = fields.CharEnumField(ShareStatus, max_length=16, default=ShareStatus.HELD)
    # The therapist's record holding the snapshot, once delivered.
    snapshot_id = fields.UUIDField(null=True, unique=True)
    edition = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    shared_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta(Model.Meta):
        table = "sharing_share"
        # The delivery job's question: which held shares are due?
        indexes = (("status", "deliver_at"),)


class AccessLogEntry(Model):
    """One therapist access to a snapshot. Rows are only ever added; each one's hash covers
    its content and the hash before it, so a changed or removed row breaks the chain."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    position: int = fields.BigIntField(unique=True)
    at = fields.DatetimeField()
    event = fields.CharField(max_length=16)
    client_id = fields.UUIDField()
    therapist_id = fields.UUIDField()
    share_id = fields.UUIDField()
    snapshot_id = fields.UUIDField()
    # The therapist device's own clock, for an opening it reports after being offline.
    device_opened_at = fields.CharField(max_length=40, null=True)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta(Model.Meta):
        table = "sharing_access_log"
        indexes = (("client_id",), ("therapist_id",))
