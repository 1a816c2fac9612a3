"""Accounts as a domain: their tables, their GraphQL and their part of the export."""

from server.auth.export import account_export
from server.auth.schema import Mutation, Query
from server.plugin import Domain

DOMAIN = Domain(
    name="auth",
    models=("server.auth.models",),
    query=Query,
    mutation=Mutation,
    export=account_export,
)
