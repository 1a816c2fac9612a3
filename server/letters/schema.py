"""GraphQL for a letter's history: every kept version, sealed as its device sent it."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info

from server.context import Context
from server.errors import bad_input
from server.letters.models import LetterRevision as RevisionModel
from server.letters.service import revisions_of


@strawberry.type(description="One kept version of a letter, sealed on the device that wrote it.")
class LetterRevision:
    id: strawberry.ID
    version: int = strawberry.field(description="The letter's version this was written at.")
    sealed: str = strawberry.field(
        description="The letter's content at that version, sealed as a letter record is."
    )
    format: int = strawberry.field(description="The format version of the sealed content.")
    device_id: str = strawberry.field(description="The sync id of the device that sent it.")
    created_at: datetime

    @classmethod
    def from_model(cls, revision: RevisionModel) -> LetterRevision:
        return cls(
            id=strawberry.ID(str(revision.id)),
            version=revision.version,
            sealed=revision.sealed,
            format=revision.format,
            device_id=revision.device_id,
            created_at=revision.created_at,
        )


@strawberry.type
class Query:
    @strawberry.field(description="Every kept version of one of your letters, newest first.")
    async def letter_revisions(
        self, info: Info[Context, None], letter_id: strawberry.ID
    ) -> list[LetterRevision]:
        account = info.context.require_account()
        try:
            letter = uuid.UUID(str(letter_id))
        except ValueError:
            raise bad_input("letterId", "That is not a valid letter id.") from None
        return [LetterRevision.from_model(r) for r in await revisions_of(account.id, letter)]
