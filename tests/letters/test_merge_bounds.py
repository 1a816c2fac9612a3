"""The body merge through the real push: bounded in time, off the event loop, and a
merge that runs out of time keeps both texts like any other conflict."""

from __future__ import annotations

import asyncio
import threading

import pytest

from server.letters import merge, service
from tests.graphql_client import register
from tests.letters.long_letter import worst_case
from tests.sync_client import mutation, new_id, pull_all, push, push_one, revisions

PHONE = "phone-0001"
LAPTOP = "laptop-0001"


@pytest.fixture
async def robin(client):
    await register(client)
    return client


async def edited_on_both(client, base: str, phone: str) -> str:
    """A letter at `base` that the phone has since changed to `phone`."""
    letter = new_id()
    await push_one(client, PHONE, 1, letter, {"title": "Long", "body": base})
    await push_one(client, PHONE, 2, letter, {"body": phone}, base=1)
    return letter


async def test_a_push_whose_merge_runs_out_of_time_keeps_both_texts(robin, monkeypatch):
    base, _rewritten, laptop = worst_case()
    phone = "Honestly, " + base
    letter = await edited_on_both(robin, base, phone)
    # Given time this merges cleanly; with none left it must not lose a word.
    monkeypatch.setattr(service, "MERGE_SECONDS", 0.0)
    result = await push_one(robin, LAPTOP, 1, letter, {"body": laptop}, base=1)
    assert result["status"] == "CONFLICT_KEPT"
    assert result["conflictFields"] == ["body"]
    records, _ = await pull_all(robin)
    fields = records[letter]["fields"]
    assert fields["body"] == phone
    assert fields["conflictBody"] == laptop
    kept = {r["body"] for r in await revisions(robin, letter)}
    assert {base, phone, laptop} <= kept


async def test_the_server_keeps_serving_while_a_merge_runs(robin, monkeypatch):
    """The merge waits until the event loop has ticked three times while it runs, which
    it can only do if the merge is not running on the event loop."""
    letter = await edited_on_both(robin, "One. Two. Three.", "One, more. Two. Three.")
    merging = threading.Event()
    loop_ticked = threading.Event()
    ticked_while_merging = []
    real = merge.merge_bodies

    def slow_merge(*args):
        merging.set()
        ticked_while_merging.append(loop_ticked.wait(timeout=5))
        return real(*args)

    async def ticker():
        ticks = 0
        while ticks < 3:
            await asyncio.sleep(0.001)
            if merging.is_set():
                ticks += 1
        loop_ticked.set()

    monkeypatch.setattr(merge, "merge_bodies", slow_merge)
    # Where the push called the merge directly.
    monkeypatch.setattr(service, "merge_bodies", slow_merge, raising=False)
    ticking = asyncio.create_task(ticker())
    try:
        result = await push_one(
            robin, LAPTOP, 1, letter, {"body": "One. Two. Three, less."}, base=1
        )
        assert ticked_while_merging == [True]
    finally:
        ticking.cancel()
    assert result["status"] == "MERGED"
    records, _ = await pull_all(robin)
    assert records[letter]["fields"]["body"] == "One, more. Two. Three, less."


async def test_the_merges_of_one_push_share_one_deadline(robin, monkeypatch):
    """So a push of many letters holds its write no longer than a push of one."""
    letters = [await edited_on_both(robin, "One. Two. Three.", "One, more. Two. Three.")]
    letters.append(new_id())
    await push_one(robin, PHONE, 3, letters[1], {"body": "Four. Five. Six."})
    await push_one(robin, PHONE, 4, letters[1], {"body": "Four, more. Five. Six."}, base=3)
    deadlines = []
    real = merge.merge_bodies

    def recorded(base, server, client, deadline=None):
        deadlines.append(deadline)
        return real(base, server, client, deadline)

    monkeypatch.setattr(merge, "merge_bodies", recorded)
    monkeypatch.setattr(service, "merge_bodies", recorded, raising=False)
    pushed = await push(
        robin,
        LAPTOP,
        [
            mutation(1, letters[0], {"body": "One. Two. Three, less."}, base=1),
            mutation(2, letters[1], {"body": "Four. Five. Six, less."}, base=3),
        ],
    )
    assert [r["status"] for r in pushed["results"]] == ["MERGED", "MERGED"]
    assert len(deadlines) == 2
    assert deadlines[0] is not None
    assert deadlines[0] == deadlines[1]
