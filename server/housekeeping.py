"""Periodic chores while the server runs: releasing held letters, emptying old trash,
forgetting connect codes that stopped working long ago, and rate-limit state that ran
out. Every replica runs them; each is safe to run on several at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server.letters.service import purge_expired_trash
from server.ratelimits.postgres import forget_expired_windows
from server.ratelimits.trusted import forget_expired_trust
from server.settings import Settings
from server.sharing.links import CODE_MEMORY_DAYS, forget_old_codes
from server.sharing.shares import deliver_due
from server.sync.pokes import Pokes

log = logging.getLogger("between.housekeeping")
# Chores that can wait: the first round a minute after start, then hourly.
HOURLY_FIRST_DELAY_SECONDS = 60
HOURLY_INTERVAL_SECONDS = 3600


async def repeat(
    chore: Callable[[], Awaitable[int]], what: str, *, first_delay: float, interval: float
) -> None:
    # Wait a little first, so that a server starting up has only requests to think about.
    await asyncio.sleep(first_delay)
    while True:
        try:
            done = await chore()
            if done:
                log.info("%s: %d", what, done)
        except Exception:
            # A failed round is tried again next time; it must never stop the server.
            log.exception("%s failed", what)
        await asyncio.sleep(interval)


async def keep_house(pokes: Pokes, settings: Settings) -> None:
    async def deliver() -> int:
        return len(await deliver_due(pokes))

    await asyncio.gather(
        # Held letters live in the database, so those that fell due while no server was
        # running go out on the first round after a start.
        repeat(
            deliver,
            "Delivered held letters",
            first_delay=settings.delivery_interval_seconds,
            interval=settings.delivery_interval_seconds,
        ),
        repeat(
            lambda: purge_expired_trash(pokes),
            "Deleted letters that were in the trash for 30 days",
            first_delay=HOURLY_FIRST_DELAY_SECONDS,
            interval=HOURLY_INTERVAL_SECONDS,
        ),
        repeat(
            forget_old_codes,
            f"Forgot connect codes that stopped working over {CODE_MEMORY_DAYS} days ago",
            first_delay=HOURLY_FIRST_DELAY_SECONDS,
            interval=HOURLY_INTERVAL_SECONDS,
        ),
        repeat(
            forget_rate_limits,
            "Forgot rate-limit counts and trusted addresses that ran out",
            first_delay=HOURLY_FIRST_DELAY_SECONDS,
            interval=HOURLY_INTERVAL_SECONDS,
        ),
    )


async def forget_rate_limits() -> int:
    return await forget_expired_windows() + await forget_expired_trust()
