"""Sharing: links, held shares and their delivery, the therapist's `shared_letter`
records, the access log; and links ended before an account leaves."""

from __future__ import annotations

from server.plugin import Chore, Domain
from server.settings import Settings
from server.sharing.export import sharing_export
from server.sharing.kind import SHARED_LETTER
from server.sharing.links import CODE_MEMORY_DAYS, account_leaving, forget_old_codes
from server.sharing.schema import Mutation, Query
from server.sharing.shares import deliver_due
from server.sync.pokes import Pokes


async def deliver_held(pokes: Pokes) -> int:
    return len(await deliver_due(pokes))


async def forget_codes(pokes: Pokes) -> int:
    return await forget_old_codes()


def every_delivery_interval(settings: Settings) -> tuple[float, float]:
    # Held letters live in the database, so those that fell due while no server was
    # running go out on the first round after a start.
    return settings.delivery_interval_seconds, settings.delivery_interval_seconds


DOMAIN = Domain(
    name="sharing",
    kinds=(SHARED_LETTER,),
    models=("server.sharing.models",),
    query=Query,
    mutation=Mutation,
    export=sharing_export,
    chores=(
        Chore("Delivered held letters", deliver_held, every_delivery_interval),
        Chore(
            f"Forgot connect codes that stopped working over {CODE_MEMORY_DAYS} days ago",
            forget_codes,
        ),
    ),
    leaving=account_leaving,
)
