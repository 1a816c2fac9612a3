"""Rate-limit budgets that every server process shares.

A budget is a `limits` rate (`8/5 minutes`) counted under some keys, in a moving window:
a try counts when it is allowed, and the oldest try leaving the window frees a place.
Where the counts live follows the database, so that several replicas spend one budget:

- PostgreSQL: a table (`PostgresBudgets`), counted in one atomic statement;
- SQLite (one process by design): the `limits` library's in-process memory;
- BETWEEN_RATE_LIMIT_STORAGE set to a `limits` storage URI (`async+redis://…`): there.

Addresses trusted by a successful sign-in live in the database on both (`TrustedAddresses`).
Everything is stored under a keyed digest of what it counts (`KeyedDigest`).
"""

from __future__ import annotations

import time
from typing import Protocol

from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from server.database_url import is_sqlite
from server.ratelimits.keys import KeyedDigest
from server.ratelimits.postgres import PostgresBudgets
from server.ratelimits.trusted import TrustedAddresses

__all__ = [
    "Budgets",
    "KeyedDigest",
    "LimitsBudgets",
    "PostgresBudgets",
    "TrustedAddresses",
    "budgets_for",
]


class Budgets(Protocol):
    # What keys are stored under; trusted addresses use the same.
    digest: KeyedDigest

    async def spend(self, item: RateLimitItem, *keys: str, cost: int = 1) -> float | None:
        """Count `cost` tries against the budget `item` under `keys`. None when they are
        allowed (and counted); otherwise nothing is counted, and the answer is how many
        seconds until a place frees up."""


class LimitsBudgets:
    """Budgets in a `limits` storage: process memory, or Redis and the like."""

    def __init__(self, digest: KeyedDigest, storage_uri: str = "async+memory://") -> None:
        self.digest = digest
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    async def spend(self, item: RateLimitItem, *keys: str, cost: int = 1) -> float | None:
        # Redis holds no address either.
        key = self.digest(*keys)
        if await self._limiter.hit(item, key, cost=cost):
            return None
        stats = await self._limiter.get_window_stats(item, key)
        return stats.reset_time - time.time()


def budgets_for(database_url: str, storage_uri: str, secret: str) -> Budgets:
    """Where this server keeps its counts (see the module's docstring)."""
    digest = KeyedDigest(secret)
    if storage_uri:
        return LimitsBudgets(digest, storage_uri)
    if is_sqlite(database_url):
        return LimitsBudgets(digest, "async+memory://")
    return PostgresBudgets(digest)
