"""The append-only, hash-chained log of every time a therapist opens a shared letter.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own
canonical content, and entries are numbered 1, 2, 3… without gaps. So a changed entry
no longer matches its hash, a removed one leaves a gap, and an entry whose hash was
recomputed after a change no longer matches the `prev_hash` of the one after it.
Only removing the newest entries leaves the chain whole: `verify` reports the head
(count and last hash) so that it can be recorded elsewhere and compared.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from server.sharing.models import AccessLogEntry, LetterShare

GENESIS = "0" * 64
OPENED = "opened"
# Any constant will do: it names the one advisory lock that orders appends on PostgreSQL.
APPEND_LOCK = 0x6265747765656E


def canonical(entry: AccessLogEntry) -> str:
    """The entry's content in one exact text form, as hashed."""
    return json.dumps(
        {
            "position": entry.position,
            "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "event": entry.event,
            "clientId": str(entry.client_id),
            "therapistId": str(entry.therapist_id),
            "shareId": str(entry.share_id),
            "snapshotId": str(entry.snapshot_id),
            "deviceOpenedAt": entry.device_opened_at,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def hash_of(entry: AccessLogEntry) -> str:
    return hashlib.sha256((entry.prev_hash + canonical(entry)).encode()).hexdigest()


async def append_opened(
    connection: BaseDBAsyncClient,
    share: LetterShare,
    moment: datetime,
    device_opened_at: str | None,
) -> AccessLogEntry:
    """Add one entry at the end of the chain. Call inside the caller's transaction."""
    if connection.capabilities.dialect == "postgres":
        # Appends take turns, or two could both follow the same last entry.
        # Tortoise leaves the types of the query's values and rows open (bare list, dict).
        lock = "SELECT pg_advisory_xact_lock($1)"
        await connection.execute_query(lock, [APPEND_LOCK])  # pyright: ignore[reportUnknownMemberType]
    last = await AccessLogEntry.all().order_by("-position").first()
    entry = AccessLogEntry(
        id=uuid.uuid4(),
        position=last.position + 1 if last else 1,
        at=moment,
        event=OPENED,
        client_id=share.client_id,
        therapist_id=share.therapist_id,
        share_id=share.id,
        snapshot_id=share.snapshot_id,
        device_opened_at=device_opened_at,
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = hash_of(entry)
    await entry.save()
    return entry


@dataclass(frozen=True)
class Verdict:
    count: int
    head: str
    problems: list[str]


def check_chain(entries: list[AccessLogEntry]) -> Verdict:
    """Every problem with `entries` (in position order), in words for an operator."""
    problems: list[str] = []
    expected, previous = 1, GENESIS
    for entry in entries:
        if entry.position != expected:
            gap = (
                f"entry {expected} is"
                if entry.position == expected + 1
                else f"entries {expected} to {entry.position - 1} are"
            )
            problems.append(f"{gap} missing (removed)")
        elif entry.prev_hash != previous:
            problems.append(
                f"entry {entry.position} does not follow entry {entry.position - 1}: "
                "one of them was changed"
            )
        if hash_of(entry) != entry.hash:
            problems.append(f"entry {entry.position} was altered: its content does not match")
        expected, previous = entry.position + 1, entry.hash
    return Verdict(count=len(entries), head=previous, problems=problems)


async def verify() -> Verdict:
    return check_chain(await AccessLogEntry.all().order_by("position"))
