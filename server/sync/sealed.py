"""Push for a sealed kind: the server keeps envelopes it cannot open, and takes a change
only when it was made on the record's current version (compare-and-swap).

A change made on an older version is answered STALE with the record as the server has
it, and nothing is written: the device opens it, merges, and sends the merged content on
the new version. The envelope's shape is all the server can check (docs/crypto.md).

A delete keeps the last envelope with the tombstone. A purge (for a kind that allows it)
or the trash's expiry (server/sync/trash.py) erases it for good, at a new version, so
every device pulls a tombstone with nothing left to open.
"""

from __future__ import annotations

import base64
import binascii
import re
from copy import copy

from server.clock import now
from server.errors import ErrorCode
from server.sync.changes import (
    Batch,
    Change,
    Handler,
    KindHooks,
    Stamp,
    made_record,
    outcome,
    stamped,
    touch,
)
from server.sync.fields import is_object
from server.sync.models import SyncRecord
from server.sync.outcomes import Outcome, Rejected, Status

SEAL_VERSION = 1
# Sealing version, salt, nonce and the AES-GCM tag: an envelope of empty content.
MIN_ENVELOPE_BYTES = 1 + 16 + 12 + 16
MAX_FORMAT = 1000
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
NOT_KEPT = "That sealed content is not in a form this server keeps."


def check_envelope(change: Change) -> tuple[str, int]:
    """The upsert's envelope and format, or Rejected naming what is wrong."""
    incoming = change.incoming
    if not is_object(incoming.fields) or incoming.fields:
        raise Rejected(
            ErrorCode.BAD_INPUT,
            f"A {change.kind.name} is sent sealed, with no fields.",
            "fields",
        )
    sealed = incoming.sealed
    if sealed is None:
        raise Rejected(ErrorCode.BAD_ENVELOPE, NOT_KEPT, "sealed")
    # Measured first, so an oversized value is never decoded.
    if len(sealed) > change.kind.max_sealed:
        raise Rejected(
            ErrorCode.TOO_LARGE,
            f"A sealed {change.kind.name} is at most {change.kind.max_sealed:,} characters.",
            "sealed",
        )
    if not _BASE64URL.fullmatch(sealed) or len(sealed) % 4 == 1:
        raise Rejected(ErrorCode.BAD_ENVELOPE, NOT_KEPT, "sealed")
    try:
        data = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    except (binascii.Error, ValueError):
        raise Rejected(ErrorCode.BAD_ENVELOPE, NOT_KEPT, "sealed") from None
    if len(data) < MIN_ENVELOPE_BYTES:
        raise Rejected(ErrorCode.BAD_ENVELOPE, NOT_KEPT, "sealed")
    if data[0] != SEAL_VERSION:
        raise Rejected(
            ErrorCode.BAD_ENVELOPE,
            "That content is sealed in a version this server does not know.",
            "sealed",
        )
    fmt = incoming.format
    if isinstance(fmt, bool) or not isinstance(fmt, int) or not 1 <= fmt <= MAX_FORMAT:
        raise Rejected(
            ErrorCode.BAD_INPUT,
            f"A sealed record's format is a whole number from 1 to {MAX_FORMAT}.",
            "format",
        )
    return sealed, fmt


def stale(change: Change, record: SyncRecord) -> Outcome:
    """Nothing written: the device merges with `current` and sends again on its version.
    `current` is the record as it is at this point of the push, not as a later mutation
    of the same push leaves it."""
    return outcome(change, Status.STALE, record.version, current=copy(record))


def taken_on(change: Change, record: SyncRecord) -> bool:
    """Whether the change was made on the record as it is now. No base on a kept record
    means the version it was made at (set in `_prepare`), since a random id is only ever
    made by one device. An id every device of the account derives (`Kind.owned_id`) may
    have been made by another that this one never heard from: its content is not on the
    device's screen yet, so the change is stale, never written over it."""
    if change.incoming.base_version is None and change.kind.owned_id is not None:
        return False
    return change.base == record.version


async def upsert(change: Change) -> Outcome:
    sealed, fmt = check_envelope(change)
    record = change.record
    if record is None:
        record = made_record(
            change.stamp,
            change.account_id,
            change.record_id,
            change.kind,
            {},
            sealed=sealed,
            format=fmt,
        )
        change.batch.made(record)
    elif not taken_on(change, record):
        return stale(change, record)
    else:
        # A deleted record comes back (even one purged): the device wrote on the version
        # that deleted it, and sent its content whole.
        touch(change, record, sealed=sealed, format=fmt, deleted=False, deleted_at=None)
    await change.hooks.sealed_written(change, record)
    return outcome(change, Status.APPLIED, record.version)


def _existing(change: Change) -> SyncRecord:
    record = change.record
    if record is None:
        raise Rejected(ErrorCode.NOT_FOUND, "That record could not be found.", "recordId")
    return record


async def delete(change: Change) -> Outcome:
    if change.incoming.sealed is not None:
        raise Rejected(ErrorCode.BAD_INPUT, "A delete carries no sealed content.", "sealed")
    record = _existing(change)
    if record.deleted:
        return outcome(change, Status.APPLIED, record.version)
    if not taken_on(change, record):
        # Changed elsewhere since: the device sees those words before deleting them.
        return stale(change, record)
    # The envelope stays with the tombstone, so a device whose edit crossed this delete
    # can still open the last content and bring it back.
    version = touch(change, record, deleted=True, deleted_at=now())
    return outcome(change, Status.APPLIED, version)


async def purge(change: Change) -> Outcome:
    """Delete for good a record in the trash: its last envelope goes, and whatever its
    domain kept beside it."""
    incoming = change.incoming
    for name, value in (("sealed", incoming.sealed), ("format", incoming.format)):
        if value is not None:
            raise Rejected(ErrorCode.BAD_INPUT, f"A purge carries no {name}.", name)
    if not is_object(incoming.fields) or incoming.fields:
        raise Rejected(ErrorCode.BAD_INPUT, "A purge carries no fields.", "fields")
    record = _existing(change)
    if not record.deleted:
        raise Rejected(
            ErrorCode.NOT_IN_TRASH,
            f"Only a {change.kind.name} in the trash can be deleted for good.",
        )
    if record.sealed is None:
        # Already gone for good: nothing is left to lose, whatever the device last saw.
        return outcome(change, Status.APPLIED, record.version)
    if not taken_on(change, record):
        # Brought back or changed elsewhere since: the device sees that before erasing it.
        return stale(change, record)
    await erase(change.batch, change.stamp, record, change.hooks)
    return outcome(change, Status.APPLIED, record.version)


async def erase(batch: Batch, stamp: Stamp, record: SyncRecord, hooks: KindHooks) -> None:
    """Erase a deleted record's envelope at the owner's next version, with `batch`; its
    domain erases what it kept beside it in the same transaction."""
    stamped(stamp, record, sealed=None, format=None)
    batch.changed(record)
    batch.forget(record)
    await hooks.erased(record)


def handler(op: str) -> Handler:
    # All a sealed kind can do (Kind checks it): the server cannot act on what it cannot read.
    return {"upsert": upsert, "delete": delete, "purge": purge}[op]
