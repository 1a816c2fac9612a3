"""Pull and push through the real app, on both databases."""

from __future__ import annotations

import pytest

from server.sync import pull as pulling
from tests.graphql_client import gql, register, sign_in
from tests.sync_client import (
    letter,
    letter_mutation,
    new_id,
    opened,
    opened_revision,
    pull_all,
    pull_in_order,
    pull_page,
    push,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"


@pytest.fixture
async def robin(client) -> tuple:
    """The signed-in client and the account key its devices hold."""
    return client, (await register(client))["accountKey"]


async def test_a_new_letter_reaches_another_device(robin, other_client):
    client, key = robin
    lid = new_id()
    words = letter("I miss you.", "Tuesday")
    result = (await push(client, PHONE, [letter_mutation(1, lid, words, key)]))["results"][0]
    assert result["status"] == "APPLIED" and result["version"] == 1
    await sign_in(other_client, "robin")
    records, cursor = await pull_all(other_client)
    record = records[lid]
    assert (record["kind"], record["version"], record["format"]) == ("letter", 1, 1)
    # The server holds the envelope only: no field, no word.
    assert record["fields"] == {} and "I miss you" not in str(record)
    assert opened(record, key) == words
    assert cursor == "v1"
    idle = await pull_page(client, cursor, device=PHONE)
    assert idle["records"] == [] and idle["cursor"] == cursor and not idle["hasMore"]
    assert idle["lastMutationId"] == 1


async def test_push_is_idempotent(robin):
    client, key = robin
    lid = new_id()
    mutations = [
        letter_mutation(1, lid, letter("first"), key),
        # Made in the same push: no base yet, so the version it was made at.
        letter_mutation(2, lid, letter("first", "t"), key),
    ]
    first = await push(client, PHONE, mutations)
    again = await push(client, PHONE, mutations)
    assert [r["status"] for r in first["results"]] == ["APPLIED", "APPLIED"]
    assert [r["status"] for r in again["results"]] == ["DUPLICATE", "DUPLICATE"]
    assert again["serverVersion"] == first["serverVersion"] == 2
    records, _ = await pull_all(client)
    assert list(records) == [lid] and opened(records[lid], key) == letter("first", "t")


async def test_versions_are_gapless_and_pages_miss_nothing(robin):
    client, key = robin
    ids = [new_id() for _ in range(25)]
    await push(
        client,
        PHONE,
        [letter_mutation(i + 1, rid, letter(str(i)), key) for i, rid in enumerate(ids)],
    )
    seen, _ = await pull_in_order(client, limit=7)
    assert [r["version"] for r in seen] == list(range(1, 26))
    assert sorted(r["id"] for r in seen) == sorted(ids)


async def test_sealed_toolkit_and_plans_reach_a_second_device(client, other_client):
    key = (await register(client))["accountKey"]
    box, item, use, card, plan = (new_id() for _ in range(5))
    step = new_id()
    contents = {
        box: ("toolkit_box", {"name": "Texture box", "note": "", "position": 0}),
        item: (
            "toolkit_item",
            {"boxId": box, "name": "Burlap", "feelsLike": "rough", "sense": "touch"},
        ),
        use: ("toolkit_use", {"itemId": item, "distressBefore": 8, "distressAfter": 5}),
        card: ("carry_card", {"text": "She is coming back. ✨", "position": 1}),
        plan: (
            "plan",
            {
                "kind": "break",
                "reason": "vacation",
                "timeZone": "Europe/Dublin",
                "lastSessionBefore": "2026-07-28T10:00",
                "firstSessionAfter": "2026-08-11T10:00",
                "steps": [
                    {
                        "id": step,
                        "type": "when_hard",
                        "text": "Hold the ribbon",
                        "toolkitItemId": item,
                    }
                ],
                "showCountdown": True,
            },
        ),
    }
    pushed = await push(
        client,
        PHONE,
        [
            sealed_mutation(n, rid, content, key, kind=kind)
            for n, (rid, (kind, content)) in enumerate(contents.items(), 1)
        ],
    )
    assert [r["status"] for r in pushed["results"]] == ["APPLIED"] * 5
    await sign_in(other_client, "robin")
    records, _ = await pull_all(other_client)
    assert {records[i]["kind"] for i in (box, item, use, card, plan)} == {
        "toolkit_box",
        "toolkit_item",
        "toolkit_use",
        "carry_card",
        "plan",
    }
    for rid, (_kind, content) in contents.items():
        # The server holds the envelope only: no field, and every word opens on the device.
        assert records[rid]["fields"] == {} and records[rid]["format"] == 1
        assert opened(records[rid], key) == content


async def test_export_has_every_record_and_revision_sealed(robin):
    client, key = robin
    lid = new_id()
    one, two = letter("Lighthouse, one."), letter("Lighthouse, two.")
    await push(client, PHONE, [letter_mutation(1, lid, one, key)])
    await push(client, LAPTOP, [letter_mutation(1, lid, two, key, base=1)])
    export = (await gql(client, "{ exportMyData }"))["data"]["exportMyData"]
    assert [(r["id"], r["kind"], r["version"]) for r in export["records"]] == [(lid, "letter", 2)]
    assert opened(export["records"][0], key) == two
    revisions = export["letterRevisions"]
    assert [(v["letterId"], v["version"], v["deviceId"]) for v in revisions] == [
        (lid, 1, PHONE),
        (lid, 2, LAPTOP),
    ]
    assert [opened_revision(lid, v, key) for v in revisions] == [one, two]
    assert set(revisions[0]) == {
        "id",
        "letterId",
        "version",
        "format",
        "sealed",
        "deviceId",
        "createdAt",
    }
    # The same plain sentence as for the records, and not one of the words in clear.
    assert export["sealedLetterRevisions"] == export["sealedRecords"]
    assert "only your devices" in export["sealedLetterRevisions"]
    assert "Lighthouse" not in str(export)
    assert export["changeCounter"] == 2


async def test_a_page_of_long_letters_stops_at_its_byte_budget(robin, monkeypatch):
    client, key = robin
    monkeypatch.setattr(pulling, "PULL_BYTES", 50_000)
    monkeypatch.setattr(pulling, "PULL_CHUNK", 3)
    letters = {new_id(): letter(f"{i} " + "word " * 3_000) for i in range(8)}
    await push(
        client,
        PHONE,
        [letter_mutation(i, lid, words, key) for i, (lid, words) in enumerate(letters.items(), 1)],
    )
    first = await pull_page(client, limit=100)
    # Envelopes of about 20,000 characters: two fit in 50,000, and the third waits.
    assert len(first["records"]) == 2 and first["hasMore"]
    records, _ = await pull_all(client, limit=100)
    assert {i: opened(r, key) for i, r in records.items()} == letters


async def test_one_letter_longer_than_the_budget_still_comes_through(robin, monkeypatch):
    client, key = robin
    monkeypatch.setattr(pulling, "PULL_BYTES", 1_000)
    long_one, short_one = new_id(), new_id()
    await push(
        client,
        PHONE,
        [
            letter_mutation(1, long_one, letter("a" * 5_000), key),
            letter_mutation(2, short_one, letter("b"), key),
        ],
    )
    first = await pull_page(client, limit=100)
    assert [r["id"] for r in first["records"]] == [long_one] and first["hasMore"]
    second = await pull_page(client, cursor=first["cursor"], limit=100)
    assert [r["id"] for r in second["records"]] == [short_one] and not second["hasMore"]
    assert opened(first["records"][0], key) == letter("a" * 5_000)
