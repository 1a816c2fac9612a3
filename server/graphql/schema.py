"""The one GraphQL schema, merged from each domain's Query, Mutation and Subscription."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from server.domains import MUTATIONS, QUERIES, SUBSCRIPTIONS
from server.graphql.guards import extensions

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
Subscription = merge_types("Subscription", SUBSCRIPTIONS)


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
