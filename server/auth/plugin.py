"""Accounts as a domain: their tables, their GraphQL and their part of the export."""

from server.auth.export import account_export
from server.auth.schema import Mutation, Query
from server.plugin import Chore, Domain
from server.ratelimits.postgres import forget_expired_windows
from server.ratelimits.trusted import forget_expired_trust


async def forget_rate_limits(_pokes) -> int:
    return await forget_expired_windows() + await forget_expired_trust()


DOMAIN = Domain(
    name="auth",
    # Rate-limit counts guard sign-in: they are kept with the accounts.
    models=("server.auth.models", "server.ratelimits.models"),
    query=Query,
    mutation=Mutation,
    export=account_export,
    chores=(
        Chore("Forgot rate-limit counts and trusted addresses that ran out", forget_rate_limits),
    ),
)
