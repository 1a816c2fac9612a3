"""Many devices pushing to one account at once: versions stay gapless, pulls miss nothing.

On PostgreSQL this runs pushes on several pooled connections at the same time; the
account's counter row lock is what keeps them in order.
"""

from __future__ import annotations

import asyncio

from tests.conftest import make_client
from tests.graphql_client import register, sign_in
from tests.sync_client import letter, letter_mutation, new_id, pull_in_order, pull_page, push

DEVICES = 6
PUSHES = 5
PER_PUSH = 4


async def test_concurrent_pushes_keep_versions_gapless_and_pulls_complete(app, client):
    key = (await register(client))["accountKey"]
    devices = [make_client(app) for _ in range(DEVICES)]
    for device in devices:
        await sign_in(device, "robin")
    written: set[str] = set()
    seen_by_watcher: dict[str, int] = {}
    done = asyncio.Event()

    async def one_device(index: int, device) -> None:
        next_id = 1
        for _ in range(PUSHES):
            batch = []
            for _ in range(PER_PUSH):
                record = new_id()
                written.add(record)
                words = letter(f"from device {index}")
                batch.append(letter_mutation(next_id, record, words, key))
                next_id += 1
            result = await push(device, f"device-{index:04d}", batch)
            assert {r["status"] for r in result["results"]} == {"APPLIED"}

    async def watcher() -> None:
        # Pulls over and over while the pushes land, as a live device would.
        cursor = None
        while True:
            finished = done.is_set()
            page = await pull_page(client, cursor, limit=7)
            for record in page["records"]:
                seen_by_watcher[record["id"]] = record["version"]
            cursor = page["cursor"]
            if finished and not page["hasMore"]:
                return
            await asyncio.sleep(0)

    watching = asyncio.create_task(watcher())
    await asyncio.gather(*(one_device(i, d) for i, d in enumerate(devices)))
    done.set()
    await watching
    for device in devices:
        await device.aclose()

    total = DEVICES * PUSHES * PER_PUSH
    everything, _ = await pull_in_order(client, limit=50)
    assert [r["version"] for r in everything] == list(range(1, total + 1))
    assert {r["id"] for r in everything} == written
    assert set(seen_by_watcher) == written
