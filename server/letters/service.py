"""Letter rules on top of generic sync: revisions, the body merge, trash and restore."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from weakref import WeakKeyDictionary

from server.clock import now
from server.errors import ErrorCode, not_found
from server.letters.kind import LETTER
from server.letters.merge import MERGE_SECONDS, merge_off_loop
from server.letters.models import CURRENT_REASONS, LetterRevision, RevisionReason
from server.sync.changes import (
    Change,
    KindHooks,
    Stamp,
    counted_writes,
    edit_wins,
    edited_since,
    outcome,
    touch,
    write_at,
)
from server.sync.models import SyncRecord
from server.sync.outcomes import Outcome, Rejected, Status
from server.sync.pokes import Pokes

TRASH_DAYS = 30
CONFLICT_FIELDS = ("conflictRevisionId", "conflictBody", "conflictTitle")
# One deadline for all the body merges of one write (a Stamp lives as long as its write),
# so a push of many letters holds the account no longer than a push of one.
_merge_deadlines: WeakKeyDictionary[Stamp, float] = WeakKeyDictionary()


def merge_deadline(stamp: Stamp) -> float:
    return _merge_deadlines.setdefault(stamp, time.monotonic() + MERGE_SECONDS)


async def body_at(letter_id: uuid.UUID, version: int) -> tuple[str, str]:
    """The letter's (title, body) as they were at `version`."""
    revision = (
        await LetterRevision.filter(
            letter_id=letter_id, version__lte=version, reason__in=list(CURRENT_REASONS)
        )
        .order_by("-version")
        .first()
    )
    return (revision.title, revision.body) if revision else ("", "")


async def revisions_of(owner_id: uuid.UUID, letter_id: uuid.UUID) -> list[LetterRevision]:
    """Every kept version of one of the owner's letters, newest first."""
    if not await SyncRecord.exists(id=letter_id, owner_id=owner_id, kind=LETTER.name):
        raise not_found("letter")
    return await LetterRevision.filter(letter_id=letter_id).order_by("-version", "-created_at")


async def add_revision(
    change: Change,
    record: SyncRecord,
    reason: RevisionReason,
    title: str,
    body: str,
    revision_id: uuid.UUID | None = None,
) -> LetterRevision:
    return await LetterRevision.create(
        id=revision_id or uuid.uuid4(),
        letter_id=record.id,
        owner_id=record.owner_id,
        version=change.stamp.value,
        reason=reason,
        title=title,
        body=body,
        device_id=change.device_id,
    )


class LetterHooks(KindHooks):
    def __init__(self) -> None:
        self.operations = {
            "restore": restore,
            "purge": purge,
            "restore_revision": restore_revision,
            "resolve_conflict": resolve_conflict,
        }

    async def merge(self, change: Change, changes: dict, taken: dict, conflicts: list[str]) -> dict:
        record = change.record
        body_lost = False
        if "body" in conflicts:
            _title, base_body = await body_at(record.id, change.base)
            merged = await merge_off_loop(
                base_body,
                record.data.get("body", ""),
                changes["body"],
                merge_deadline(change.stamp),
            )
            if merged.clean:
                conflicts.remove("body")
                taken["body"] = merged.body
                change.merged = True
                if merged.body != changes["body"]:
                    # Keep the device's own text too, so every word it sent stays findable.
                    title = changes.get("title", record.data.get("title", ""))
                    change.notes["client text"] = (title, changes["body"])
            else:
                body_lost = True
        if not body_lost and "title" not in conflicts:
            return {}
        # The server's words stay; the device's wait beside them until the person chooses.
        revision_id = uuid.uuid4()
        title = changes.get("title", record.data.get("title", ""))
        body = changes.get("body", taken.get("body", record.data.get("body", "")))
        change.notes["conflict"] = (revision_id, title, body)
        return {
            "conflictRevisionId": str(revision_id),
            "conflictBody": body,
            "conflictTitle": title,
        }

    async def written(self, change: Change, record: SyncRecord, taken: dict, before: dict) -> None:
        if "client text" in change.notes:
            await add_revision(change, record, RevisionReason.CLIENT, *change.notes["client text"])
        if "body" in taken or "title" in taken or not before:
            reason = RevisionReason.MERGE if change.merged else RevisionReason.EDIT
            await add_revision(
                change, record, reason, record.data.get("title", ""), record.data.get("body", "")
            )
        if "conflict" in change.notes:
            revision_id, title, body = change.notes["conflict"]
            await add_revision(change, record, RevisionReason.CONFLICT, title, body, revision_id)


def _require(change: Change) -> SyncRecord:
    if change.record is None:
        raise Rejected(ErrorCode.NOT_FOUND, "That letter could not be found.", "recordId")
    return change.record


async def restore(change: Change) -> Outcome:
    """Bring a letter back from the trash."""
    record = _require(change)
    if not record.deleted:
        return outcome(change, Status.APPLIED, record.version)
    if not record.data:
        raise Rejected(ErrorCode.NOT_FOUND, "That letter was deleted for good.", "recordId")
    version = await touch(change, record, deleted=False, deleted_at=None)
    return outcome(change, Status.APPLIED, version)


async def purge(change: Change) -> Outcome:
    """Delete a letter in the trash for good: its words and every revision go."""
    record = _require(change)
    if not record.deleted:
        raise Rejected(
            ErrorCode.NOT_IN_TRASH, "Only a letter in the trash can be deleted for good."
        )
    if edited_since(record, change.base):
        # An edit beats a delete: the device never saw the newer words.
        return await edit_wins(change)
    await erase(change.stamp, record)
    return outcome(change, Status.APPLIED, record.version)


async def erase(stamp: Stamp, record: SyncRecord) -> None:
    await LetterRevision.filter(letter_id=record.id).delete()
    await write_at(stamp, record, data={}, field_versions={})


async def restore_revision(change: Change) -> Outcome:
    record = _require(change)
    fields = change.incoming.fields if isinstance(change.incoming.fields, dict) else {}
    try:
        revision_id = uuid.UUID(str(fields.get("revisionId")))
    except ValueError:
        raise Rejected(
            ErrorCode.BAD_INPUT, "Which version should come back?", "revisionId"
        ) from None
    revision = await LetterRevision.filter(id=revision_id, letter_id=record.id).first()
    if revision is None:
        raise Rejected(
            ErrorCode.NOT_FOUND, "That version of the letter could not be found.", "revisionId"
        )
    version = change.stamp.next()
    record.data = {**record.data, "title": revision.title, "body": revision.body}
    record.field_versions = {**record.field_versions, "title": version, "body": version}
    record.version = version
    record.deleted = False
    record.deleted_at = None
    await record.save()
    await add_revision(change, record, RevisionReason.RESTORE, revision.title, revision.body)
    return outcome(change, Status.APPLIED, version)


async def resolve_conflict(change: Change) -> Outcome:
    """The person has seen both versions and chosen; the text aside is no longer shown."""
    record = _require(change)
    if not any(name in record.data for name in CONFLICT_FIELDS):
        return outcome(change, Status.APPLIED, record.version)
    version = change.stamp.next()
    record.data = {k: v for k, v in record.data.items() if k not in CONFLICT_FIELDS}
    record.field_versions = {
        **record.field_versions,
        **dict.fromkeys(CONFLICT_FIELDS, version),
    }
    record.version = version
    await record.save()
    return outcome(change, Status.APPLIED, version)


async def purge_expired_trash(pokes: Pokes, days: int = TRASH_DAYS) -> int:
    """Delete for good every letter that has been in the trash longer than `days`."""
    cutoff = now() - timedelta(days=days)
    owners = (
        await SyncRecord.filter(kind=LETTER.name, deleted=True, deleted_at__lt=cutoff)
        .distinct()
        .values_list("owner_id", flat=True)
    )
    purged = 0
    for owner_id in owners:
        async with counted_writes(pokes) as writes:
            stamp = await writes.lock(owner_id)
            if stamp is None:
                continue
            expired = await SyncRecord.filter(
                owner_id=owner_id, kind=LETTER.name, deleted=True, deleted_at__lt=cutoff
            )
            for record in (r for r in expired if r.data):
                await erase(stamp, record)
                purged += 1
    return purged
