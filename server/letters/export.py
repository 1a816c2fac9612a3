"""Every kept version of every letter, for the person's own export."""

from __future__ import annotations

from server.auth.models import Account
from server.clock import iso
from server.letters.models import LetterRevision


async def letters_export(account: Account) -> dict:
    revisions = await LetterRevision.filter(owner_id=account.id).order_by("version", "created_at")
    return {
        "letterRevisions": [
            {
                "id": str(v.id),
                "letterId": str(v.letter_id),
                "version": v.version,
                "reason": v.reason.value,
                "title": v.title,
                "body": v.body,
                "createdAt": iso(v.created_at),
            }
            for v in revisions
        ]
    }
