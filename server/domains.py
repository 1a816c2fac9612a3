"""Every domain of the server, in order, the way Datasette lists its default plugins.

The app, the Tortoise models (server/db.py), the GraphQL schema
(server/graphql/schema.py), the export (server/export.py), the housekeeping
(server/housekeeping.py) and the kinds of synced record are all built from DOMAINS,
so a new domain is its package (with a `plugin.py` describing it) and one line here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from server.auth.models import Account
from server.auth.plugin import DOMAIN as AUTH
from server.letters.plugin import DOMAIN as LETTERS
from server.plans.plugin import DOMAIN as PLANS
from server.plugin import Chore, Domain
from server.preferences.plugin import DOMAIN as PREFERENCES
from server.sharing.plugin import DOMAIN as SHARING
from server.sync.plugin import DOMAIN as SYNC
from server.sync.pokes import Pokes
from server.sync.registry import Kinds
from server.sync.trash import TRASH_DAYS, empty_old_trash
from server.toolkit.plugin import DOMAIN as TOOLKIT

DOMAINS: tuple[Domain, ...] = (AUTH, SYNC, LETTERS, PLANS, PREFERENCES, TOOLKIT, SHARING)

KINDS = Kinds(
    (kind for domain in DOMAINS for kind in domain.kinds),
    {name: hooks for domain in DOMAINS for name, hooks in domain.hooks.items()},
)
MODEL_MODULES = [module for domain in DOMAINS for module in domain.models]
EXPORT_SECTIONS = [domain.export for domain in DOMAINS if domain.export is not None]
CHORES: list[Chore] = [
    *(chore for domain in DOMAINS for chore in domain.chores),
    # The sync core's own, over the sealed kinds of every domain.
    Chore(
        f"Sealed records emptied after {TRASH_DAYS} days in the trash",
        partial(empty_old_trash, kinds=KINDS),
    ),
]
QUERIES = tuple(domain.query for domain in DOMAINS if domain.query is not None)
MUTATIONS = tuple(domain.mutation for domain in DOMAINS if domain.mutation is not None)
SUBSCRIPTIONS = tuple(domain.subscription for domain in DOMAINS if domain.subscription)


def leaving(pokes: Pokes) -> list[Callable[[Account], Awaitable[None]]]:
    """What each domain does before an account is deleted."""

    def with_pokes(
        leave: Callable[[Account, Pokes], Awaitable[None]],
    ) -> Callable[[Account], Awaitable[None]]:
        return lambda account: leave(account, pokes)

    return [with_pokes(domain.leaving) for domain in DOMAINS if domain.leaving]
