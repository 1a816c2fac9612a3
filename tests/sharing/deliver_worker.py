"""One delivery worker in its own process, for the race test.

Usage: python -m tests.sharing.deliver_worker DATABASE_URL START_AT
Waits until the wall-clock time START_AT, runs the delivery job once, and prints the
ids it delivered as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tortoise import Tortoise

from server.db import tortoise_config
from server.sharing.shares import deliver_due
from server.sync.pokes import Pokes


async def main(database_url: str, start_at: float) -> list[str]:
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        return [str(i) for i in await deliver_due(Pokes(database_url))]
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], float(sys.argv[2])))))
