"""One mutation being applied, and the helpers every kind's rules share."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from server.errors import ErrorCode
from server.sync.kinds import Kind
from server.sync.models import SyncRecord
from server.sync.outcomes import Incoming, Outcome, Status


class Stamp:
    """Hands out the account's next change numbers inside one write transaction."""

    def __init__(self, counter: int) -> None:
        self.committed = counter
        self.value = counter

    def next(self) -> int:
        self.value += 1
        return self.value


@dataclass
class Change:
    """One mutation being applied: what came in, and what the server has."""

    account_id: uuid.UUID
    device_id: str
    incoming: Incoming
    kind: Kind
    record_id: uuid.UUID
    record: SyncRecord | None
    base: int
    stamp: Stamp
    # Set by a kind's hooks when it combined both sides' edits of a field.
    merged: bool = False
    # Whatever a kind's hooks want to carry from merge() to written().
    notes: dict = field(default_factory=dict)


Handler = Callable[[Change], Awaitable[Outcome]]


class KindHooks:
    """What a domain adds to the generic rules; letters use these for their words."""

    operations: dict[str, Handler] = {}

    async def merge(self, change: Change, changes: dict, taken: dict, conflicts: list[str]) -> dict:
        """Resolve conflicting fields the domain can merge; returns server-only field updates."""
        return {}

    async def written(self, change: Change, record: SyncRecord, taken: dict, before: dict) -> None:
        """Called after a record's data changed, with the same version stamped."""


def outcome(change: Change, status: Status, version: int | None, **extra) -> Outcome:
    return Outcome(
        change.incoming.mutation_id, change.incoming.record_id, status, version=version, **extra
    )


def changed_since(record: SyncRecord, name: str, base: int) -> bool:
    return record.field_versions.get(name, record.created_version) > base


def edited_since(record: SyncRecord, base: int) -> bool:
    return any(version > base for version in record.field_versions.values())


async def touch(change: Change, record: SyncRecord, **updates) -> int:
    """Write `updates` to the record's columns at a fresh version."""
    record.version = change.stamp.next()
    for name, value in updates.items():
        setattr(record, name, value)
    await record.save()
    return record.version


async def resend(change: Change) -> int:
    """Give an unchanged record a new version, so that a device whose change was not
    taken as sent pulls the server's record again instead of keeping its own view."""
    return await touch(change, change.record)


async def edit_wins(change: Change) -> Outcome:
    """The answer to a delete that lost because another device edited the record since."""
    return outcome(
        change,
        Status.CONFLICT_KEPT,
        await resend(change),
        code=ErrorCode.EDITED_ELSEWHERE,
        message="It was changed on another device, so it was kept.",
    )
