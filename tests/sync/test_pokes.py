"""A subscriber's pokes, in process (as on SQLite): only the newest version matters, so
pokes that come while a subscriber is busy leave it the latest one, not a queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from server.sync.pokes import Pokes

ACCOUNT = "7d3f2a9e-4c1b-4d8e-9f60-2b5a1c3e8d47"


async def next_poke(heard: AsyncGenerator[int, None]) -> int:
    return await anext(heard)


async def test_a_waiting_subscriber_hears_each_poke():
    pokes = Pokes("sqlite://:memory:")
    heard = pokes.subscribe(ACCOUNT)
    first = asyncio.create_task(next_poke(heard))
    await asyncio.sleep(0)
    pokes.committed(ACCOUNT, 3)
    assert await asyncio.wait_for(first, 5) == 3
    second = asyncio.create_task(next_poke(heard))
    await asyncio.sleep(0)
    pokes.committed(ACCOUNT, 4)
    assert await asyncio.wait_for(second, 5) == 4
    await heard.aclose()


async def test_a_busy_subscriber_is_left_the_newest_version():
    pokes = Pokes("sqlite://:memory:")
    heard = pokes.subscribe(ACCOUNT)
    first = asyncio.create_task(next_poke(heard))
    await asyncio.sleep(0)
    pokes.committed(ACCOUNT, 1)
    assert await first == 1
    # Busy elsewhere while three more commits land: it is told of the last one, once.
    for version in (2, 3, 4):
        pokes.committed(ACCOUNT, version)
    assert await asyncio.wait_for(anext(heard), 5) == 4
    nothing_yet = asyncio.create_task(next_poke(heard))
    await asyncio.sleep(0.01)
    assert not nothing_yet.done()
    pokes.committed("someone-else", 9)
    await asyncio.sleep(0.01)
    assert not nothing_yet.done()
    nothing_yet.cancel()


async def test_a_closed_subscription_is_forgotten():
    pokes = Pokes("sqlite://:memory:")
    heard = pokes.subscribe(ACCOUNT)
    waiting = asyncio.create_task(next_poke(heard))
    await asyncio.sleep(0)
    assert pokes._subscribers[ACCOUNT]
    waiting.cancel()
    await asyncio.sleep(0)
    await heard.aclose()
    assert ACCOUNT not in pokes._subscribers
    # Told nothing, and nothing left behind.
    pokes.committed(ACCOUNT, 5)
    assert ACCOUNT not in pokes._subscribers
