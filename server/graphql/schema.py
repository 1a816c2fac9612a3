"""The one GraphQL schema, merged from each domain's Query and Mutation."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from server.auth.schema import Mutation as AuthMutation
from server.auth.schema import Query as AuthQuery
from server.graphql.guards import extensions
from server.letters.schema import Query as LettersQuery
from server.sharing.schema import Mutation as SharingMutation
from server.sharing.schema import Query as SharingQuery
from server.sync.schema import Mutation as SyncMutation
from server.sync.schema import Query as SyncQuery
from server.sync.schema import Subscription

Query = merge_types("Query", (AuthQuery, SyncQuery, LettersQuery, SharingQuery))
Mutation = merge_types("Mutation", (AuthMutation, SyncMutation, SharingMutation))


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Expected failures are not worth a log line; ErrorPolicy logs the unexpected ones.
        return None


def build_schema(production: bool = False) -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions(production),
        config=StrawberryConfig(disable_field_suggestions=production),
    )


def export_sdl() -> str:
    """The contract with the PWA, as written to schema/schema.graphql."""
    return build_schema().as_str() + "\n"
