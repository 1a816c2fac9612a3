"""Periodic chores while the server runs: today, emptying letters out of an old trash."""

from __future__ import annotations

import asyncio
import logging

from server.letters.service import purge_expired_trash
from server.sync.pokes import Pokes

log = logging.getLogger("between.housekeeping")
FIRST_DELAY_SECONDS = 60
INTERVAL_SECONDS = 3600


async def keep_house(pokes: Pokes) -> None:
    # Wait a little first, so that a server starting up has only requests to think about.
    await asyncio.sleep(FIRST_DELAY_SECONDS)
    while True:
        try:
            purged = await purge_expired_trash(pokes)
            if purged:
                log.info("Deleted %d letters that were in the trash for 30 days", purged)
        except Exception:
            # A failed sweep is retried next hour; it must never stop the server.
            log.exception("Emptying the trash failed")
        await asyncio.sleep(INTERVAL_SECONDS)
