"""Every kept version of every letter, for the person's own export: envelopes, as the
letters themselves are in the records."""

from __future__ import annotations

from server.auth.models import Account
from server.clock import iso
from server.letters.models import LetterRevision
from server.sync.export import SEALED_NOTE


async def letters_export(account: Account) -> dict:
    revisions = await LetterRevision.filter(owner_id=account.id).order_by("version", "created_at")
    return {
        "sealedLetterRevisions": SEALED_NOTE,
        "letterRevisions": [
            {
                "id": str(v.id),
                "letterId": str(v.letter_id),
                "version": v.version,
                "format": v.format,
                "sealed": v.sealed,
                "deviceId": v.device_id,
                "createdAt": iso(v.created_at),
            }
            for v in revisions
        ],
    }
