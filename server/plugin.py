"""What a domain plugs into the core: one `Domain` per domain package, listed in
server/domains.py. The app, the database models, the GraphQL schema, the export, the
housekeeping and the kinds of synced record are all built from that list, so a new
domain is one package and one line there.

The types named below are only annotations: this module imports nothing at run time,
so every layer may describe itself with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.auth.models import Account
    from server.settings import Settings
    from server.sync.changes import KindHooks
    from server.sync.kinds import Kind
    from server.sync.pokes import Pokes

# Chores that can wait: the first round a minute after start, then hourly.
HOURLY_FIRST_DELAY_SECONDS = 60
HOURLY_INTERVAL_SECONDS = 3600


def hourly(settings: Settings) -> tuple[float, float]:
    return HOURLY_FIRST_DELAY_SECONDS, HOURLY_INTERVAL_SECONDS


@dataclass(frozen=True)
class Chore:
    """Housekeeping a domain needs while the server runs."""

    # What was done, for the log line: "<what>: <how many>".
    what: str
    # One round; returns how many things it did.
    run: Callable[[Pokes], Awaitable[int]]
    # Seconds before the first round, and between rounds.
    timing: Callable[[Settings], tuple[float, float]] = hourly


@dataclass(frozen=True)
class Domain:
    name: str
    # Its kinds of synced record, and what it keeps beside some sealed ones (letters'
    # revisions), by kind name.
    kinds: tuple[Kind, ...] = ()
    hooks: Mapping[str, KindHooks] = field(default_factory=dict)
    # Modules that declare its Tortoise models.
    models: tuple[str, ...] = ()
    # Its part of the one GraphQL schema.
    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    # Its sections of the person's data export.
    export: Callable[[Account], Awaitable[dict]] | None = None
    chores: tuple[Chore, ...] = ()
    # What must happen before an account is deleted (its rows go by cascade anyway).
    leaving: Callable[[Account, Pokes], Awaitable[None]] | None = None
