"""Periodic chores while the server runs, as each domain describes them (server/domains.py):
releasing held letters, emptying old trash, forgetting connect codes that stopped working
long ago, and rate-limit state that ran out. Every replica runs them; each is safe to run
on several at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from server.domains import CHORES
from server.settings import Settings
from server.sync.pokes import Pokes

log = logging.getLogger("between.housekeeping")


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
    rounds = []
    for chore in CHORES:
        first_delay, interval = chore.timing(settings)
        rounds.append(
            repeat(
                partial(chore.run, pokes),
                chore.what,
                first_delay=first_delay,
                interval=interval,
            )
        )
    await asyncio.gather(*rounds)
