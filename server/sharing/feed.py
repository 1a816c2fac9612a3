"""The therapist's side of a share: a snapshot record in the therapist's own feed.

Sharing crosses accounts as a copy. Delivering writes the words into a `shared_letter`
record owned by the therapist, at the therapist's next change number; withdrawing
turns that record into a tombstone without its words. A therapist never reads the
client's own records.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from server.clock import iso
from server.sharing.kind import SHARED_LETTER
from server.sharing.models import LetterShare
from server.sync.changes import Counters, Stamp, new_record, write_at
from server.sync.models import SyncRecord


def snapshot_fields(share: LetterShare) -> dict:
    return {
        "title": share.title,
        "body": share.body,
        "note": share.note,
        "clientId": str(share.client_id),
        "clientName": share.client_name,
        "sharedAt": iso(share.shared_at),
        "deliveredAt": iso(share.delivered_at),
        "edition": share.edition,
    }


async def _therapist_stamp(writes: Counters, share: LetterShare) -> Stamp:
    stamp = await writes.lock(share.therapist_id)
    if stamp is None:
        # The share cascades away with the therapist's account, so this is a bug.
        raise LookupError(f"share {share.id} has no therapist account")
    return stamp


async def put_snapshot(writes: Counters, share: LetterShare) -> None:
    """Write the share's words into the therapist's feed, or replace the ones there.
    The therapist's own `discussedInSession` mark is left as it is."""
    stamp = await _therapist_stamp(writes, share)
    fields = snapshot_fields(share)
    if share.snapshot_id is None:
        data = {**SHARED_LETTER.defaults(), **fields}
        record = await new_record(stamp, share.therapist_id, uuid.uuid4(), SHARED_LETTER, data)
        share.snapshot_id = record.id
        return
    record = await SyncRecord.get(id=share.snapshot_id)
    changed = [name for name, value in fields.items() if record.data.get(name) != value]
    version = stamp.next()
    record.data = {**record.data, **fields}
    record.field_versions = {**record.field_versions, **dict.fromkeys(changed, version)}
    record.version = version
    await record.save()


async def remove_snapshot(writes: Counters, share: LetterShare, moment: datetime) -> None:
    """Turn the snapshot into a tombstone with no words, so every therapist device drops it
    on its next pull."""
    stamp = await _therapist_stamp(writes, share)
    record = await SyncRecord.get_or_none(id=share.snapshot_id)
    if record is not None and not record.deleted:
        await write_at(stamp, record, deleted=True, deleted_at=moment, data={}, field_versions={})
