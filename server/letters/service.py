"""Letter rules on top of generic sync: revisions, the body merge, trash and restore."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from weakref import WeakKeyDictionary

from server.clock import now
from server.columns import column
from server.errors import ErrorCode, not_found
from server.letters.kind import LETTER
from server.letters.merge import MERGE_SECONDS, merge_off_loop
from server.letters.models import CURRENT_REASONS, LetterRevision, RevisionReason
from server.sync.changes import (
    Change,
    KindHooks,
    Merged,
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


@dataclass(frozen=True)
class Words:
    title: str
    body: str


async def add_revision(
    change: Change,
    record: SyncRecord,
    reason: RevisionReason,
    words: Words,
    revision_id: uuid.UUID | None = None,
) -> LetterRevision:
    return await LetterRevision.create(
        id=revision_id or uuid.uuid4(),
        letter_id=record.id,
        owner_id=record.owner_id,
        version=change.stamp.value,
        reason=reason,
        title=words.title,
        body=words.body,
        device_id=change.device_id,
    )


@dataclass(frozen=True)
class LetterNotes:
    """What a merge keeps as revisions once the letter is written."""

    # The device's own words, when they were merged into something else.
    client_words: Words | None = None
    # The device's words that could not be merged, and the id of the revision that
    # holds them beside the letter.
    conflict: tuple[uuid.UUID, Words] | None = None


class LetterHooks(KindHooks[LetterNotes]):
    def __init__(self) -> None:
        self.operations = {
            "restore": restore,
            "purge": purge,
            "restore_revision": restore_revision,
            "resolve_conflict": resolve_conflict,
        }

    async def merge(
        self, change: Change, record: SyncRecord, changes: dict, taken: dict, conflicts: list[str]
    ) -> Merged[LetterNotes]:
        body_lost = combined = False
        client_words = None
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
                combined = True
                if merged.body != changes["body"]:
                    # Keep the device's own text too, so every word it sent stays findable.
                    title = changes.get("title", record.data.get("title", ""))
                    client_words = Words(title, changes["body"])
            else:
                body_lost = True
        if not body_lost and "title" not in conflicts:
            return Merged(combined=combined, notes=LetterNotes(client_words))
        # The server's words stay; the device's wait beside them until the person chooses.
        revision_id = uuid.uuid4()
        title = changes.get("title", record.data.get("title", ""))
        body = changes.get("body", taken.get("body", record.data.get("body", "")))
        return Merged(
            server_updates={
                "conflictRevisionId": str(revision_id),
                "conflictBody": body,
                "conflictTitle": title,
            },
            combined=combined,
            notes=LetterNotes(client_words, (revision_id, Words(title, body))),
        )

    async def written(
        self,
        change: Change,
        record: SyncRecord,
        taken: dict,
        before: dict,
        merged: Merged[LetterNotes],
    ) -> None:
        notes = merged.notes or LetterNotes()
        if notes.client_words is not None:
            await add_revision(change, record, RevisionReason.CLIENT, notes.client_words)
        if "body" in taken or "title" in taken or not before:
            reason = RevisionReason.MERGE if merged.combined else RevisionReason.EDIT
            words = Words(record.data.get("title", ""), record.data.get("body", ""))
            await add_revision(change, record, reason, words)
        if notes.conflict is not None:
            revision_id, words = notes.conflict
            await add_revision(change, record, RevisionReason.CONFLICT, words, revision_id)


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
        return await edit_wins(change, record)
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
    await add_revision(change, record, RevisionReason.RESTORE, Words(revision.title, revision.body))
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
    owners: list[uuid.UUID] = await column(
        SyncRecord.filter(kind=LETTER.name, deleted=True, deleted_at__lt=cutoff).distinct(),
        "owner_id",
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
