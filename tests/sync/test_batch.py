"""Many mutations in one push, on both databases: the server reads the records a push
names once, applies the mutations in order, and writes them together. Every mutation is
answered as if it had come alone: a record changed twice sees its first change, a STALE
or a rejected one in the middle writes nothing and still moves the device on, the
versions stay gapless, and every applied letter keeps its revision."""

from __future__ import annotations

import logging

import pytest

from server.letters.models import LetterRevision
from server.sync.models import SyncRecord
from tests.graphql_client import gql, register
from tests.sync.test_sealed import BOX, LAPTOP, MINE, PHONE, SOFT
from tests.sync_client import (
    letter,
    letter_mutation,
    mutation,
    new_id,
    opened,
    opened_revision,
    pull_all,
    pull_in_order,
    push,
    revisions,
    sealed_mutation,
)

DRAFT = letter("Dear you,", "Tuesday")
LONGER = letter("Dear you, it is late.", "Tuesday")
LONGEST = letter("Dear you, it is late and I can't sleep.", "Tuesday")
# The server's times too: a record made in this push must have them in its answer.
PUSH_WITH_TIMES = """
mutation Push($device: String!, $mutations: [SyncMutationInput!]!) {
  push(deviceId: $device, mutations: $mutations) {
    lastMutationId serverVersion
    results {
      mutationId status version code field
      current { id version deleted sealed createdAt updatedAt }
    }
  }
}
"""


@pytest.fixture
async def robin(client) -> tuple:
    return client, (await register(client))["accountKey"]


def box(mutation_id: int, record_id: str, content: dict, key: bytes, base=None) -> dict:
    return sealed_mutation(mutation_id, record_id, content, key, kind="toolkit_box", base=base)


def statuses(answer: dict) -> list[tuple[str, int | None]]:
    return [(r["status"], r["version"]) for r in answer["results"]]


async def assert_gapless(client, server_version: int) -> None:
    """Every record pulled once, in version order, the last at the server's version."""
    records, cursor = await pull_in_order(client)
    versions = [r["version"] for r in records]
    assert versions == sorted(set(versions)) and cursor == f"v{server_version}"
    assert len({r["id"] for r in records}) == len(records)


async def test_a_record_made_and_changed_in_one_push_sees_its_first_change(robin):
    """A base names a version the server had when the push began, so a record made in
    this push is changed with no base: the version it was made at."""
    client, key = robin
    lid = new_id()
    answer = await push(
        client,
        PHONE,
        [
            letter_mutation(1, lid, DRAFT, key),
            letter_mutation(2, lid, LONGER, key),
            # Also made on version 1, which the second change has moved on: stale.
            letter_mutation(3, lid, LONGEST, key),
        ],
    )
    assert statuses(answer) == [("APPLIED", 1), ("APPLIED", 2), ("STALE", 2)]
    assert opened(answer["results"][2]["current"], key) == LONGER
    assert answer["serverVersion"] == 2 and answer["lastMutationId"] == 3
    records, _ = await pull_all(client)
    assert records[lid]["version"] == 2 and opened(records[lid], key) == LONGER
    assert await SyncRecord.filter(id=lid).count() == 1
    # One revision for each applied upsert, each with the words of its own version.
    kept = await revisions(client, lid)
    assert [(r["version"], r["deviceId"]) for r in kept] == [(2, PHONE), (1, PHONE)]
    assert [opened_revision(lid, r, key) for r in kept] == [LONGER, DRAFT]
    await assert_gapless(client, 2)


async def test_a_stale_change_in_the_middle_writes_nothing_and_the_rest_go_on(robin):
    client, key = robin
    kept, before, after = new_id(), new_id(), new_id()
    await push(client, PHONE, [box(1, kept, BOX, key)])
    await push(client, PHONE, [box(2, kept, SOFT, key, base=1)])
    answer = await push(
        client,
        LAPTOP,
        [
            box(1, before, BOX, key),
            # Made on version 1; the record is at 2.
            box(2, kept, MINE, key, base=1),
            mutation(3, kept, kind="toolkit_box", op="delete", base=1),
            box(4, after, BOX, key),
        ],
    )
    assert statuses(answer) == [("APPLIED", 3), ("STALE", 2), ("STALE", 2), ("APPLIED", 4)]
    assert answer["serverVersion"] == 4 and answer["lastMutationId"] == 4
    stale = answer["results"][1]["current"]
    assert stale["version"] == 2 and opened(stale, key) == SOFT
    records, _ = await pull_all(client)
    assert records[kept]["version"] == 2 and not records[kept]["deleted"]
    assert opened(records[kept], key) == SOFT
    await assert_gapless(client, 4)


async def test_a_stale_answer_holds_the_record_as_it_was_then_not_as_the_push_left_it(robin):
    """The device merges with `current`: later mutations of the same push must not show
    through it, not even on a record this push made."""
    client, key = robin
    kept, made = new_id(), new_id()
    await push(client, PHONE, [box(1, kept, BOX, key)])
    await push(client, PHONE, [box(2, kept, SOFT, key, base=1)])
    answer = await gql(
        client,
        PUSH_WITH_TIMES,
        {
            "device": LAPTOP,
            "mutations": [
                box(1, kept, MINE, key, base=1),
                box(2, kept, MINE, key, base=2),
                box(3, made, BOX, key),
                box(4, made, SOFT, key),
                box(5, made, MINE, key),
            ],
        },
    )
    assert "errors" not in answer, answer
    pushed = answer["data"]["push"]
    assert statuses(pushed) == [
        ("STALE", 2),
        ("APPLIED", 3),
        ("APPLIED", 4),
        ("APPLIED", 5),
        ("STALE", 5),
    ]
    results = pushed["results"]
    for result, record_id, content in [(results[0], kept, SOFT), (results[4], made, SOFT)]:
        current = {**result["current"], "kind": "toolkit_box", "format": 1}
        assert current["id"] == record_id and opened(current, key) == content
        assert current["createdAt"] and current["updatedAt"]
    assert results[0]["current"]["version"] == 2
    records, _ = await pull_all(client)
    assert records[kept]["version"] == 3 and opened(records[kept], key) == MINE
    assert records[made]["version"] == 5 and opened(records[made], key) == SOFT


async def test_a_rejected_change_in_the_middle_moves_the_device_on(robin):
    client, key = robin
    first, odd, last = new_id(), new_id(), new_id()
    bad = {**box(2, odd, BOX, key), "sealed": "not an envelope"}
    answer = await push(
        client,
        PHONE,
        [
            box(1, first, BOX, key),
            bad,
            mutation(3, "not-an-id", kind="toolkit_box", sealed=bad["sealed"], fmt=1),
            mutation(4, first, kind="no_such_kind"),
            box(5, last, BOX, key),
        ],
    )
    results = answer["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("APPLIED", None),
        ("REJECTED", "BAD_ENVELOPE"),
        ("REJECTED", "BAD_INPUT"),
        ("REJECTED", "UNKNOWN_KIND"),
        ("APPLIED", None),
    ]
    assert [r["version"] for r in results] == [1, None, None, None, 2]
    assert answer["serverVersion"] == 2 and answer["lastMutationId"] == 5
    records, _ = await pull_all(client)
    assert set(records) == {first, last}
    await assert_gapless(client, 2)


async def test_duplicates_mixed_with_new_mutations(robin):
    client, key = robin
    a, b, c = new_id(), new_id(), new_id()
    sent = [box(1, a, BOX, key), box(2, b, BOX, key), box(3, a, SOFT, key)]
    first = await push(client, PHONE, sent)
    assert statuses(first) == [("APPLIED", 1), ("APPLIED", 2), ("APPLIED", 3)]
    # The answer was lost: the device sends the same again, with what it made since.
    again = await push(client, PHONE, [*sent[1:], box(4, c, BOX, key), box(5, b, MINE, key, 2)])
    assert statuses(again) == [
        ("DUPLICATE", None),
        ("DUPLICATE", None),
        ("APPLIED", 4),
        ("APPLIED", 5),
    ]
    assert again["serverVersion"] == 5 and again["lastMutationId"] == 5
    records, _ = await pull_all(client)
    assert opened(records[a], key) == SOFT and opened(records[b], key) == MINE
    assert opened(records[c], key) == BOX
    await assert_gapless(client, 5)


async def test_letters_keep_a_revision_for_each_applied_upsert_and_none_for_the_rest(robin):
    client, key = robin
    one, two, odd = new_id(), new_id(), new_id()
    answer = await push(
        client,
        PHONE,
        [
            letter_mutation(1, one, DRAFT, key),
            letter_mutation(2, two, DRAFT, key),
            letter_mutation(3, one, LONGER, key),
            {**letter_mutation(4, odd, DRAFT, key), "sealed": "not an envelope"},
            letter_mutation(5, two, LONGER, key),
            # Made on the version `two` was made at, which has moved on.
            letter_mutation(6, two, LONGEST, key),
        ],
    )
    assert statuses(answer) == [
        ("APPLIED", 1),
        ("APPLIED", 2),
        ("APPLIED", 3),
        ("REJECTED", None),
        ("APPLIED", 4),
        ("STALE", 4),
    ]
    assert [r["version"] for r in await revisions(client, one)] == [3, 1]
    assert [r["version"] for r in await revisions(client, two)] == [4, 2]
    assert await LetterRevision.all().count() == 4
    await assert_gapless(client, 4)


async def test_purges_and_new_letters_in_one_push(robin):
    """Each purge erases its letter's revisions; a letter written beside it keeps its own."""
    client, key = robin
    gone, also_gone, new = new_id(), new_id(), new_id()
    await push(client, PHONE, [letter_mutation(1, gone, DRAFT, key)])
    await push(client, PHONE, [letter_mutation(2, also_gone, DRAFT, key)])
    await push(client, PHONE, [letter_mutation(3, gone, LONGER, key, base=1)])
    deleted = await push(
        client,
        PHONE,
        [mutation(4, gone, op="delete", base=3), mutation(5, also_gone, op="delete", base=2)],
    )
    assert statuses(deleted) == [("APPLIED", 4), ("APPLIED", 5)]
    answer = await push(
        client,
        PHONE,
        [
            mutation(6, gone, op="purge", base=4),
            letter_mutation(7, new, DRAFT, key),
            mutation(8, also_gone, op="purge", base=5),
            # Purged a moment ago in this same push: nothing left to lose.
            mutation(9, gone, op="purge"),
        ],
    )
    assert statuses(answer) == [("APPLIED", 6), ("APPLIED", 7), ("APPLIED", 8), ("APPLIED", 6)]
    assert await revisions(client, gone) == [] and await revisions(client, also_gone) == []
    assert [r["version"] for r in await revisions(client, new)] == [7]
    records, _ = await pull_all(client)
    assert records[gone]["sealed"] is None and records[also_gone]["sealed"] is None
    assert opened(records[new], key) == DRAFT
    await assert_gapless(client, 8)


class Statements(logging.Handler):
    """Counts the SQL statements Tortoise sends."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def test_a_push_costs_the_same_statements_for_ten_mutations_as_for_a_hundred(robin):
    client, key = robin

    async def statements_for(count: int, first: int) -> int:
        made = [new_id() for _ in range(count)]
        batch = [box(first + n, made[n], BOX, key) for n in range(count)]
        changed = [box(first + count + n, made[n], SOFT, key, base=None) for n in range(count)]
        letters = [
            letter_mutation(first + 2 * count + n, new_id(), DRAFT, key) for n in range(count)
        ]
        handler = Statements()
        logger = logging.getLogger("tortoise.db_client")
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            answer = await push(client, PHONE, [*batch, *changed, *letters])
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        assert {r["status"] for r in answer["results"]} == {"APPLIED"}
        return handler.count

    # The first push makes the device's row; both below find it.
    await push(client, PHONE, [box(1, new_id(), BOX, key)])
    ten = await statements_for(10, 2)
    assert 0 < ten == await statements_for(100, 100), ten
