"""GraphQL for sync: `pull`, `push` and the `changes` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import get_object_definition

from server.auth.sessions import still_signed_in
from server.context import Context
from server.sync import pull as pulling
from server.sync import service
from server.sync.models import SyncRecord as RecordModel
from server.sync.outcomes import Incoming, Outcome, Status


@strawberry.enum(description="What the server did with one pushed mutation.")
class MutationStatus(Enum):
    APPLIED = Status.APPLIED.value
    MERGED = Status.MERGED.value
    CONFLICT_KEPT = Status.CONFLICT_KEPT.value
    REJECTED = Status.REJECTED.value
    DUPLICATE = Status.DUPLICATE.value
    STALE = Status.STALE.value


@strawberry.type(description="One synced record as the server has it now.")
class SyncRecord:
    id: strawberry.ID
    kind: str
    version: int
    deleted: bool
    deleted_at: datetime | None
    fields: JSON = strawberry.field(
        description="Every field of the record, by name; {} for a sealed kind."
    )
    sealed: str | None = strawberry.field(
        description="A sealed kind's envelope (docs/crypto.md); null for a clear kind."
    )
    format: int | None = strawberry.field(
        description="The format version of the sealed content; null for a clear kind."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, record: RecordModel) -> SyncRecord:
        return cls(
            id=strawberry.ID(str(record.id)),
            kind=record.kind,
            version=record.version,
            deleted=record.deleted,
            deleted_at=record.deleted_at,
            fields=record.data,
            sealed=record.sealed,
            format=record.format,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )

    @classmethod
    def from_wire(cls, record: pulling.Record) -> SyncRecord:
        """A pulled record, from what `recordsJson` sends for it."""
        deleted_at = record["deletedAt"]
        return cls(
            id=strawberry.ID(record["id"]),
            kind=record["kind"],
            version=record["version"],
            deleted=record["deleted"],
            deleted_at=None if deleted_at is None else datetime.fromisoformat(deleted_at),
            fields=record["fields"],
            sealed=record["sealed"],
            format=record["format"],
            created_at=datetime.fromisoformat(record["createdAt"]),
            updated_at=datetime.fromisoformat(record["updatedAt"]),
        )


@strawberry.type(description="One page of the records changed after a cursor.")
class PullResult:
    page: strawberry.Private[pulling.Page]

    @strawberry.field(
        description=(
            "The page's records, oldest change first, as one JSON list: each record an "
            "object with every field of SyncRecord, by the same names (id, kind, version, "
            "deleted, deletedAt, fields, sealed, format, createdAt, updatedAt). A first "
            "sync is thousands of records: sent as one value, they cost the server no "
            "resolver for each field of each record."
        )
    )
    def records_json(self) -> JSON:
        return JSON(self.page.records)

    @strawberry.field(
        deprecation_reason=(
            "Read `recordsJson`: the same records with every field, sent as one value."
        )
    )
    def records(self) -> list[SyncRecord]:
        return [SyncRecord.from_wire(record) for record in self.page.records]

    @strawberry.field(description="Pass back to get the changes after these.")
    def cursor(self) -> str:
        return self.page.cursor

    @strawberry.field
    def has_more(self) -> bool:
        return self.page.has_more

    @strawberry.field(
        description=(
            "The last mutation accepted from `deviceId`, when it was given; read only when "
            "asked for."
        )
    )
    async def last_mutation_id(self) -> int | None:
        return await self.page.last_mutation_id()

    @strawberry.field
    def server_version(self) -> int:
        return self.page.server_version


@strawberry.input(description="One change from a device's outbox.")
class SyncMutationInput:
    mutation_id: int = strawberry.field(description="Increases with every mutation a device sends.")
    kind: str = strawberry.field(description="letter, plan, toolkit_box, toolkit_item, …")
    op: str = strawberry.field(
        description="upsert or delete; purge deletes a letter in the trash for good."
    )
    record_id: str
    base_version: int | None = strawberry.field(
        default=None, description="The record's version this change was made on; null if new."
    )
    fields: JSON | None = strawberry.field(
        default=None, description="For a clear kind's upsert: the changed fields only."
    )
    sealed: str | None = strawberry.field(
        default=None, description="For a sealed kind's upsert: the whole content, sealed."
    )
    format: int | None = strawberry.field(
        default=None, description="For a sealed kind's upsert: its content's format version."
    )


def _mutation_input(
    cls: type[SyncMutationInput], value: Mapping[str, Any], _context: object
) -> SyncMutationInput:
    """Build one pushed mutation from its input value. Strawberry's own conversion looks
    up each field's type again for every item, which for a push of hundreds costs more
    than applying the push; every field here is a scalar that graphql-core has already
    coerced (JSON is taken as sent), so the values are used as they are."""
    return cls(
        mutation_id=value["mutationId"],
        kind=value["kind"],
        op=value["op"],
        record_id=value["recordId"],
        base_version=value.get("baseVersion"),
        fields=value.get("fields"),
        sealed=value.get("sealed"),
        format=value.get("format"),
    )


get_object_definition(SyncMutationInput, strict=True).from_input = _mutation_input


@strawberry.type
class MutationResult:
    mutation_id: int
    record_id: str
    status: MutationStatus
    version: int | None
    code: str | None
    message: str | None
    field: str | None
    conflict_fields: list[str] = strawberry.field(
        description="Fields where the server's value stayed; the device keeps its own aside."
    )
    current: SyncRecord | None = strawberry.field(
        description="When STALE: the record as the server has it now, to merge with."
    )

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> MutationResult:
        return cls(
            mutation_id=outcome.mutation_id,
            record_id=outcome.record_id,
            status=MutationStatus(outcome.status.value),
            version=outcome.version,
            code=outcome.code,
            message=outcome.message,
            field=outcome.field_name,
            conflict_fields=outcome.conflict_fields,
            current=None if outcome.current is None else SyncRecord.from_model(outcome.current),
        )


@strawberry.type
class PushResult:
    results: list[MutationResult]
    last_mutation_id: int
    server_version: int


@strawberry.type
class Query:
    @strawberry.field(description="Records changed after `cursor`, oldest change first.")
    async def pull(
        self,
        info: Info[Context, None],
        cursor: str | None = None,
        limit: int | None = None,
        device_id: str | None = None,
    ) -> PullResult:
        account = info.context.require_account()
        return PullResult(page=await pulling.pull(account, cursor, limit, device_id))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Send a device's outbox. Safe to repeat.")
    async def push(
        self, info: Info[Context, None], device_id: str, mutations: list[SyncMutationInput]
    ) -> PushResult:
        ctx = info.context
        account = ctx.require_account()
        pushed = await service.push(
            account.id,
            device_id,
            [
                Incoming(
                    mutation_id=m.mutation_id,
                    kind=m.kind,
                    op=m.op,
                    record_id=m.record_id,
                    base_version=m.base_version,
                    fields={} if m.fields is None else m.fields,
                    sealed=m.sealed,
                    format=m.format,
                )
                for m in mutations
            ],
            ctx.pokes,
            ctx.kinds,
        )
        return PushResult(
            results=[MutationResult.from_outcome(o) for o in pushed.outcomes],
            last_mutation_id=pushed.last_mutation_id,
            server_version=pushed.server_version,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The account's version now, then again whenever it changes. No data: pull."
    )
    async def changes(self, info: Info[Context, None]) -> AsyncGenerator[int, None]:
        ctx = info.context
        session = ctx.require_session()
        account_id = session.account.id
        yield await service.current_version(account_id)
        async for version in ctx.pokes.subscribe(str(account_id)):
            # A device signed out elsewhere (or expired) stops hearing anything at all.
            if not await still_signed_in(session.id):
                return
            yield version if version >= 0 else await service.current_version(account_id)
