"""One mutation being applied, and the helpers every kind's rules share."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tortoise import timezone
from tortoise.models import Model
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


def made_record(
    stamp: Stamp, owner_id: uuid.UUID, record_id: uuid.UUID, kind: Kind, data: dict, **columns
) -> SyncRecord:
    """A new record at the owner's next version, every field changed at that version; not
    stored yet."""
    version = stamp.next()
    # Set here, not by the database, so that a record made and answered STALE in the same
    # push has them in the answer.
    moment = timezone.now()
    return SyncRecord(
        id=record_id,
        owner_id=owner_id,
        kind=kind.name,
        version=version,
        created_version=version,
        data=data,
        field_versions=dict.fromkeys(data, version),
        created_at=moment,
        updated_at=moment,
        **columns,
    )


async def new_record(
    stamp: Stamp, owner_id: uuid.UUID, record_id: uuid.UUID, kind: Kind, data: dict, **columns
) -> SyncRecord:
    """Create and store a record at the owner's next version (one record, outside a push)."""
    record = made_record(stamp, owner_id, record_id, kind, data, **columns)
    await record.save()
    return record


# The columns a record's change can move; its id, owner, kind and birth never change.
CHANGING = (
    "version",
    "deleted",
    "deleted_at",
    "data",
    "field_versions",
    "sealed",
    "format",
    "updated_at",
)


class Batch:
    """What one push writes: the records it read (all at once, by id), the ones it made or
    changed, and what domains keep beside them (a letter's revisions). Mutations are
    applied to these records in memory, in order, so a record changed twice in one push
    is seen by its second change as the first left it; `write` then stores everything in
    a statement or so per table, however many mutations there were."""

    def __init__(self, connection, records: Iterable[SyncRecord] = ()) -> None:
        self.connection = connection
        self.records: dict[uuid.UUID, SyncRecord] = {record.id: record for record in records}
        self._made: dict[uuid.UUID, SyncRecord] = {}
        self._changed: dict[uuid.UUID, SyncRecord] = {}
        self._beside: list[tuple[uuid.UUID, Model]] = []

    @classmethod
    async def read(cls, connection, ids: Collection[uuid.UUID]) -> Batch:
        """A batch holding the records with these ids, whoever owns them."""
        found = await SyncRecord.filter(id__in=ids).using_db(connection) if ids else []
        return cls(connection, found)

    def made(self, record: SyncRecord) -> None:
        self.records[record.id] = record
        self._made[record.id] = record

    def changed(self, record: SyncRecord) -> None:
        # A record made in this batch is inserted as it ends up.
        if record.id not in self._made:
            self._changed[record.id] = record

    def keep(self, record: SyncRecord, row: Model) -> None:
        """Store a domain's row beside the record, after the records."""
        self._beside.append((record.id, row))

    def forget(self, record: SyncRecord) -> None:
        """Drop the rows not yet stored beside the record: it was erased for good."""
        self._beside = [(owner, row) for owner, row in self._beside if owner != record.id]

    async def write(self) -> None:
        made, changed, beside = self._made, self._changed, self._beside
        self._made, self._changed, self._beside = {}, {}, []
        if made:
            await SyncRecord.bulk_create(made.values(), using_db=self.connection)
        if changed:
            await self.connection.execute_many(
                _update_sql(self.connection), [_changing_values(r) for r in changed.values()]
            )
        by_model: dict[type[Model], list[Model]] = {}
        for _, row in beside:
            by_model.setdefault(type(row), []).append(row)
        for model, rows in by_model.items():
            await model.bulk_create(rows, using_db=self.connection)


def _update_sql(connection) -> str:
    postgres = connection.capabilities.dialect == "postgres"
    marks = [f"${n}" if postgres else "?" for n in range(1, len(CHANGING) + 2)]
    columns = ", ".join(f"{name} = {mark}" for name, mark in zip(CHANGING, marks, strict=False))
    # Column names from CHANGING and placeholders only: no value is formatted into it.
    return f"UPDATE sync_record SET {columns} WHERE id = {marks[-1]}"  # noqa: S608


def _changing_values(record: SyncRecord) -> list:
    # Converted as Tortoise converts them for its own statements (JSON, times, ids), which
    # also stamps `updated_at`, an auto_now field.
    fields = SyncRecord._meta.fields_map
    values = [fields[name].to_db_value(getattr(record, name), record) for name in CHANGING]
    return [*values, fields["id"].to_db_value(record.id, record)]


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
    # Where the push's records are, and where this change writes.
    batch: Batch


Handler = Callable[[Change], Awaitable[Outcome]]


class KindHooks:
    """What a domain keeps beside a sealed kind's records (letters keep revisions). The
    server cannot read a sealed record, so a domain hears only that an envelope was
    written or erased; the records themselves follow the generic rules."""

    async def sealed_written(self, change: Change, record: SyncRecord) -> None:
        """Called after an applied upsert, with the record at its new version; what the
        domain keeps goes to `change.batch.keep`, stored with the records."""

    async def erased(self, record: SyncRecord) -> None:
        """Called after the record's envelope was erased for good (purge or expiry), in
        the same transaction; what the batch had yet to store beside it is dropped."""


def outcome(change: Change, status: Status, version: int | None, **extra) -> Outcome:
    return Outcome(
        change.incoming.mutation_id, change.incoming.record_id, status, version=version, **extra
    )


def changed_since(record: SyncRecord, name: str, base: int) -> bool:
    return record.field_versions.get(name, record.created_version) > base


def edited_since(record: SyncRecord, base: int) -> bool:
    return any(version > base for version in record.field_versions.values())


def stamped(stamp: Stamp, record: SyncRecord, **updates) -> int:
    """Set `updates` on the record's columns, in memory, at the owner's next version."""
    record.version = stamp.next()
    record.updated_at = timezone.now()
    for name, value in updates.items():
        setattr(record, name, value)
    return record.version


def touch(change: Change, record: SyncRecord, **updates) -> int:
    """Write `updates` to the record's columns at a fresh version, with the push's batch."""
    version = stamped(change.stamp, record, **updates)
    change.batch.changed(record)
    return version


async def write_at(stamp: Stamp, record: SyncRecord, **updates) -> int:
    """Write `updates` to the record's columns at the owner's next version, now (one
    record, outside a push)."""
    version = stamped(stamp, record, **updates)
    await record.save()
    return version


def resend(change: Change, record: SyncRecord) -> int:
    """Give an unchanged record a new version, so that a device whose change was not
    taken as sent pulls the server's record again instead of keeping its own view."""
    return touch(change, record)


def edit_wins(change: Change, record: SyncRecord) -> Outcome:
    """The answer to a delete that lost because another device edited the record since."""
    return outcome(
        change,
        Status.CONFLICT_KEPT,
        resend(change, record),
        code=ErrorCode.EDITED_ELSEWHERE,
        message="It was changed on another device, so it was kept.",
    )
