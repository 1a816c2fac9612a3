"""One mutation being applied, and the helpers every kind's rules share."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from server.auth.models import Account
from server.errors import ErrorCode
from server.sync.kinds import Kind
from server.sync.models import SyncRecord
from server.sync.outcomes import Incoming, Outcome, Status
from server.sync.pokes import Pokes


class Stamp:
    """Hands out the account's next change numbers inside one write transaction."""

    def __init__(self, counter: int) -> None:
        self.committed = counter
        self.value = counter

    def next(self) -> int:
        self.value += 1
        return self.value


class Counters:
    """The change counters one write transaction has locked, and the pokes it owes."""

    def __init__(self, connection, pokes: Pokes) -> None:
        self.connection = connection
        self.pokes = pokes
        self._stamps: dict[uuid.UUID, Stamp] = {}

    async def lock(self, account_id: uuid.UUID) -> Stamp | None:
        """Lock the account's counter row, which orders every writer of this account behind
        this transaction; None if there is no such account."""
        stamp = self._stamps.get(account_id)
        if stamp is None:
            account = await Account.filter(id=account_id).select_for_update().first()
            if account is None:
                return None
            stamp = self._stamps[account_id] = Stamp(account.change_counter)
        return stamp

    def _moved(self):
        return [(a, s.value) for a, s in self._stamps.items() if s.value != s.committed]

    async def _store(self) -> None:
        for account_id, value in self._moved():
            await Account.filter(id=account_id).update(change_counter=value)
            await self.pokes.announce(self.connection, str(account_id), value)

    def _poke(self) -> None:
        for account_id, value in self._moved():
            self.pokes.committed(str(account_id), value)


@asynccontextmanager
async def counted_writes(pokes: Pokes) -> AsyncIterator[Counters]:
    """One write transaction over the feeds of any accounts it locks. The new counters are
    stored when the block ends, and each changed account is poked once it has committed."""
    async with in_transaction() as connection:
        counters = Counters(connection, pokes)
        yield counters
        await counters._store()
    counters._poke()


async def new_record(
    stamp: Stamp, owner_id: uuid.UUID, record_id: uuid.UUID, kind: Kind, data: dict, **columns
) -> SyncRecord:
    """Create a record at the owner's next version, every field changed at that version."""
    version = stamp.next()
    return await SyncRecord.create(
        id=record_id,
        owner_id=owner_id,
        kind=kind.name,
        version=version,
        created_version=version,
        data=data,
        field_versions=dict.fromkeys(data, version),
        **columns,
    )


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
    # What the kind's domain adds to the generic rules.
    hooks: KindHooks


Handler = Callable[[Change], Awaitable[Outcome]]


class KindHooks:
    """What a domain keeps beside a sealed kind's records (letters keep revisions). The
    server cannot read a sealed record, so a domain hears only that an envelope was
    written or erased; the records themselves follow the generic rules."""

    async def sealed_written(self, change: Change, record: SyncRecord) -> None:
        """Called after an applied upsert, with the record at its new version."""

    async def erased(self, record: SyncRecord) -> None:
        """Called after the record's envelope was erased for good (purge or expiry), in
        the same transaction."""


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
    return await write_at(change.stamp, record, **updates)


async def write_at(stamp: Stamp, record: SyncRecord, **updates) -> int:
    """Write `updates` to the record's columns at the owner's next version."""
    record.version = stamp.next()
    for name, value in updates.items():
        setattr(record, name, value)
    await record.save()
    return record.version


async def resend(change: Change, record: SyncRecord) -> int:
    """Give an unchanged record a new version, so that a device whose change was not
    taken as sent pulls the server's record again instead of keeping its own view."""
    return await touch(change, record)


async def edit_wins(change: Change, record: SyncRecord) -> Outcome:
    """The answer to a delete that lost because another device edited the record since."""
    return outcome(
        change,
        Status.CONFLICT_KEPT,
        await resend(change, record),
        code=ErrorCode.EDITED_ELSEWHERE,
        message="It was changed on another device, so it was kept.",
    )
