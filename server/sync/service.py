"""Push, as DESIGN.md's sync protocol describes (pull is server/sync/pull.py).

Every push is one transaction that first locks the account's counter row. Each
record change inside it takes the next number, so versions are gapless and ordered
per account, and a pull (`version > cursor`) can never skip a change that commits
late. Mutations a device already sent are acknowledged and not applied again; a
rejected mutation still moves the device's position forward, so one bad mutation
never blocks the rest. A sealed kind's changes are taken by compare-and-swap
(server/sync/sealed.py) after the same preparation.

A push reads every record it names in one statement, applies its mutations to them in
memory in order, and writes what changed in a statement or so per table (`Batch`): the
cost of a push is a few round trips to the database, not a few per mutation.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from server.auth.models import Account
from server.clock import now
from server.columns import first_value
from server.errors import AppError, ErrorCode
from server.metrics import count_push_results
from server.sync import sealed
from server.sync.changes import (
    Batch,
    Change,
    Handler,
    Stamp,
    changed_since,
    counted_writes,
    edit_wins,
    edited_since,
    made_record,
    outcome,
    resend,
    touch,
)
from server.sync.kinds import RecordProblem
from server.sync.models import SyncDevice
from server.sync.outcomes import Incoming, Outcome, Rejected, Status
from server.sync.pokes import Pokes
from server.sync.registry import Kinds

MAX_MUTATIONS = 500
DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def valid_device_id(device_id: str) -> str:
    if not DEVICE_ID.fullmatch(device_id or ""):
        raise AppError(
            ErrorCode.BAD_INPUT,
            "A device id is 8 to 64 letters, digits, dashes or underscores.",
            field="deviceId",
        )
    return device_id


async def current_version(account_id: uuid.UUID) -> int:
    """The account's change counter as committed now."""
    return (await first_value(Account.filter(id=account_id).first(), "change_counter")) or 0


@dataclass(frozen=True)
class Pushed:
    outcomes: list[Outcome]
    last_mutation_id: int
    server_version: int


async def push(
    account_id: uuid.UUID,
    device_id: str,
    mutations: list[Incoming],
    pokes: Pokes,
    kinds: Kinds,
) -> Pushed:
    device_id = valid_device_id(device_id)
    if len(mutations) > MAX_MUTATIONS:
        raise AppError(
            ErrorCode.TOO_LARGE,
            f"Push at most {MAX_MUTATIONS} changes at a time.",
            field="mutations",
        )
    ids = [m.mutation_id for m in mutations]
    if any(i < 1 for i in ids) or any(b <= a for a, b in itertools.pairwise(ids)):
        raise AppError(
            ErrorCode.OUT_OF_ORDER,
            "Mutation ids must be positive and strictly increasing within a push.",
            field="mutations",
        )
    async with counted_writes(pokes) as writes:
        stamp = await writes.lock(account_id)
        if stamp is None:
            raise AppError(ErrorCode.UNAUTHENTICATED, "Please sign in first.")
        device = await SyncDevice.filter(account_id=account_id, device_id=device_id).first()
        if device is None:
            device = await SyncDevice.create(account_id=account_id, device_id=device_id)
        seen = device.last_mutation_id
        batch = await Batch.read(
            writes.connection, _record_ids(m for m in mutations if m.mutation_id > seen)
        )
        outcomes = []
        for incoming in mutations:
            if incoming.mutation_id <= device.last_mutation_id:
                outcomes.append(Outcome(incoming.mutation_id, incoming.record_id, Status.DUPLICATE))
                continue
            outcomes.append(await _apply(account_id, device_id, incoming, stamp, kinds, batch))
            device.last_mutation_id = incoming.mutation_id
        await batch.write()
        if mutations:
            await device.save(update_fields=["last_mutation_id", "updated_at"])
    # Counted once stored; a kind this server does not know is not a label.
    count_push_results(
        (incoming.kind if kinds.get(incoming.kind) else "unknown", str(outcome.status))
        for incoming, outcome in zip(mutations, outcomes, strict=True)
    )
    return Pushed(outcomes, device.last_mutation_id, stamp.value)


def _record_ids(mutations: Iterable[Incoming]) -> Collection[uuid.UUID]:
    """The ids the mutations name; one that is not an id is rejected when its turn comes."""
    ids = set()
    for incoming in mutations:
        with contextlib.suppress(ValueError):
            ids.add(uuid.UUID(incoming.record_id))
    return ids


async def _apply(
    account_id, device_id, incoming: Incoming, stamp: Stamp, kinds: Kinds, batch: Batch
) -> Outcome:
    try:
        change = _prepare(account_id, device_id, incoming, stamp, kinds, batch)
        if change.kind.sealed:
            # Refused or stale, a sealed record is not written at all: its device merges
            # on the version it already has.
            return await sealed.handler(incoming.op)(change)
    except Rejected as rejected:
        return _rejected(incoming, rejected.code, rejected.message, rejected.field_name)
    try:
        return await _handler(change)(change)
    except (Rejected, RecordProblem) as problem:
        if isinstance(problem, Rejected):
            outcome_ = _rejected(incoming, problem.code, problem.message, problem.field_name)
        else:
            outcome_ = _rejected(incoming, problem.code, str(problem), problem.field)
        if change.record is not None:
            outcome_.version = resend(change, change.record)
        return outcome_


def _rejected(incoming: Incoming, code, message: str, field_name: str | None) -> Outcome:
    return Outcome(
        incoming.mutation_id,
        incoming.record_id,
        Status.REJECTED,
        code=code,
        message=message,
        field_name=field_name,
    )


def _prepare(
    account_id, device_id, incoming: Incoming, stamp: Stamp, kinds: Kinds, batch: Batch
) -> Change:
    kind = kinds.get(incoming.kind)
    if kind is None:
        raise Rejected(
            ErrorCode.UNKNOWN_KIND, f"This server does not know records of kind {incoming.kind!r}."
        )
    if not kinds.allows(kind, incoming.op):
        raise Rejected(
            ErrorCode.UNKNOWN_OPERATION, f"{incoming.op!r} is not something a {kind.name} can do."
        )
    if not kind.sealed:
        for name, value in (("sealed", incoming.sealed), ("format", incoming.format)):
            if value is not None:
                raise Rejected(
                    ErrorCode.BAD_INPUT, f"A {kind.name} is not sealed: it has no {name}.", name
                )
    try:
        record_id = uuid.UUID(incoming.record_id)
    except ValueError:
        raise Rejected(ErrorCode.BAD_INPUT, "That is not a valid record id.", "recordId") from None
    if kind.owned_id is not None and record_id != kind.owned_id(account_id):
        raise Rejected(
            ErrorCode.BAD_INPUT,
            f"A {kind.name} record's id comes from its own account.",
            "recordId",
        )
    base = incoming.base_version
    if base is not None and (base < 0 or base > stamp.committed):
        raise Rejected(
            ErrorCode.BASE_FROM_FUTURE,
            "This change is based on a version the server has not made yet.",
        )
    record = batch.records.get(record_id)
    if record is not None and record.owner_id != account_id:
        # Someone else's record looks exactly like a missing one.
        raise Rejected(ErrorCode.NOT_FOUND, "That record could not be found.", "recordId")
    if record is not None and record.kind != kind.name:
        raise Rejected(
            ErrorCode.BAD_INPUT, "That id belongs to a different kind of record.", "recordId"
        )
    if not kind.devices_create and (record is None or record.deleted):
        # Only the server makes these; a device can neither make one nor bring one back.
        raise Rejected(ErrorCode.NOT_FOUND, "That record could not be found.", "recordId")
    if record is None and base is not None:
        raise Rejected(
            ErrorCode.UNKNOWN_BASE, "This change is based on a record the server never had."
        )
    if record is not None:
        if base is None:
            # A device that created the record offline and never heard back.
            base = record.created_version
        elif base < record.created_version:
            raise Rejected(
                ErrorCode.UNKNOWN_BASE, "This change is based on a version the record never had."
            )
    return Change(
        account_id=account_id,
        device_id=device_id,
        incoming=incoming,
        kind=kind,
        record_id=record_id,
        record=record,
        base=base or 0,
        stamp=stamp,
        hooks=kinds.hooks_for(kind),
        batch=batch,
    )


def _handler(change: Change) -> Handler:
    # A clear kind is only upserted and deleted (Kind checks it).
    return {"upsert": upsert, "delete": delete}[change.incoming.op]


async def upsert(change: Change) -> Outcome:
    kind = change.kind
    changes = kind.clean_changes(change.incoming.fields)
    record = change.record
    if record is None:
        data = {**kind.defaults(), **changes}
        kind.check_whole(data)
        record = made_record(change.stamp, change.account_id, change.record_id, kind, data)
        change.batch.made(record)
        return outcome(change, Status.APPLIED, record.version)

    current = {**kind.defaults(), **record.data}
    taken: dict = {}
    conflicts: list[str] = []
    for name, value in changes.items():
        if current.get(name) == value:
            continue
        if changed_since(record, name, change.base):
            conflicts.append(name)
        else:
            taken[name] = value
    resurrect = record.deleted
    if not taken and not resurrect:
        if not conflicts:
            return outcome(change, Status.APPLIED, record.version)
        version = resend(change, record)
        return outcome(change, Status.CONFLICT_KEPT, version, conflict_fields=conflicts)
    data = {**current, **taken}
    kind.check_whole(data)
    version = change.stamp.next()
    record.data = {k: v for k, v in data.items() if v is not None or k in kind.rules}
    record.field_versions = {**record.field_versions, **dict.fromkeys(taken, version)}
    merged_elsewhere = record.version > change.base
    record.version = version
    record.deleted = False
    record.deleted_at = None
    change.batch.changed(record)
    if conflicts:
        return outcome(change, Status.CONFLICT_KEPT, version, conflict_fields=conflicts)
    return outcome(change, Status.MERGED if merged_elsewhere else Status.APPLIED, version)


async def delete(change: Change) -> Outcome:
    record = change.record
    if record is None:
        raise Rejected(ErrorCode.NOT_FOUND, "That record could not be found.", "recordId")
    if record.deleted:
        return outcome(change, Status.APPLIED, record.version)
    if edited_since(record, change.base):
        # An edit beats a delete: the device never saw the newer words.
        return edit_wins(change, record)
    version = touch(change, record, deleted=True, deleted_at=now())
    return outcome(change, Status.APPLIED, version)
