"""What the server keeps of a letter beside its record: every envelope a device wrote,
as its revisions, until the letter is deleted for good."""

from __future__ import annotations

import uuid

from server.errors import not_found
from server.letters.kind import LETTER
from server.letters.models import LetterRevision
from server.sync.changes import Change, KindHooks
from server.sync.models import SyncRecord


class LetterHooks(KindHooks):
    async def sealed_written(self, change: Change, record: SyncRecord) -> None:
        change.batch.keep(
            record,
            LetterRevision(
                letter_id=record.id,
                owner_id=record.owner_id,
                version=record.version,
                sealed=record.sealed,
                format=record.format,
                device_id=change.device_id,
            ),
        )

    async def erased(self, record: SyncRecord) -> None:
        await LetterRevision.filter(letter_id=record.id).delete()


async def revisions_of(owner_id: uuid.UUID, letter_id: uuid.UUID) -> list[LetterRevision]:
    """Every kept version of one of the owner's letters, newest first."""
    if not await SyncRecord.exists(id=letter_id, owner_id=owner_id, kind=LETTER.name):
        raise not_found("letter")
    return await LetterRevision.filter(letter_id=letter_id).order_by("-version", "-created_at")
