"""The trash empties itself: a sealed record deleted more than TRASH_DAYS ago loses its
last envelope for good, at a new version, as if purged (and its domain's keepings with
it, such as a letter's revisions)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from server.clock import now
from server.columns import column
from server.sync.changes import Batch, counted_writes
from server.sync.models import SyncRecord
from server.sync.pokes import Pokes
from server.sync.registry import Kinds
from server.sync.sealed import erase

TRASH_DAYS = 30


async def empty_old_trash(pokes: Pokes, kinds: Kinds, days: int = TRASH_DAYS) -> int:
    """Erase every sealed record that has been in the trash longer than `days`; how many."""
    cutoff = now() - timedelta(days=days)
    sealed_kinds = [name for name, kind in kinds.items() if kind.sealed]

    def expired():
        return SyncRecord.filter(
            kind__in=sealed_kinds, deleted=True, deleted_at__lt=cutoff, sealed__isnull=False
        )

    owners: list[uuid.UUID] = await column(expired().distinct(), "owner_id")
    emptied = 0
    for owner_id in owners:
        # One owner at a time, each behind their change counter like a push.
        async with counted_writes(pokes) as writes:
            stamp = await writes.lock(owner_id)
            if stamp is None:
                continue
            batch = Batch(writes.connection)
            for record in await expired().filter(owner_id=owner_id).order_by("version"):
                await erase(batch, stamp, record, kinds.hooks_for(kinds[record.kind]))
                emptied += 1
            await batch.write()
    return emptied
