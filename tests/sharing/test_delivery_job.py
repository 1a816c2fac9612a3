"""The running server releases held letters by itself, including those that fell due
while no server was running."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from asgi_lifespan import LifespanManager

from server.sharing.models import LetterShare, ShareStatus
from server.sync.models import SyncRecord
from tests.conftest import build_app
from tests.sharing.people import connect, share, sign_up


async def test_held_letters_go_out_after_a_restart(settings, fake_clock):
    first = build_app(settings)
    async with LifespanManager(first):
        robin = await sign_up(first, "robin")
        dana = await sign_up(first, "dana", "THERAPIST")
        letter = await robin.write("t", "held over a restart")
        at = (fake_clock.moment + timedelta(hours=1)).isoformat()
        held = await share(robin, letter, await connect(robin, dana), "AT_TIME", deliverAt=at)
        await robin.http.aclose()
        await dana.http.aclose()

    fake_clock.advance(hours=2)
    second = build_app(replace(settings, delivery_interval_seconds=1))
    async with LifespanManager(second):
        for _ in range(50):
            share_row = await LetterShare.get(id=held["id"])
            if share_row.status is ShareStatus.DELIVERED:
                break
            await asyncio.sleep(0.1)
        assert share_row.status is ShareStatus.DELIVERED
        snapshot = await SyncRecord.get(id=share_row.snapshot_id)
        assert str(snapshot.owner_id) == dana.id
        assert snapshot.data["body"] == "held over a restart"
