"""GraphQL for a letter's history: every kept version of its words."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info

from server.context import Context
from server.errors import bad_input
from server.letters.models import LetterRevision as RevisionModel
from server.letters.service import revisions_of


@strawberry.type(description="One kept version of a letter's title and words.")
class LetterRevision:
    id: strawberry.ID
    version: int
    reason: str = strawberry.field(description="edit, merge, restore, client or conflict.")
    title: str
    body: str
    created_at: datetime

    @classmethod
    def from_model(cls, revision: RevisionModel) -> LetterRevision:
        return cls(
            id=strawberry.ID(str(revision.id)),
            version=revision.version,
            reason=revision.reason.value,
            title=revision.title,
            body=revision.body,
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
