"""The sync core described like a domain: its tables, pull/push/changes, its export."""

from server.plugin import Domain
from server.sync.export import records_export
from server.sync.schema import Mutation, Query, Subscription

DOMAIN = Domain(
    name="sync",
    models=("server.sync.models",),
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    export=records_export,
)
