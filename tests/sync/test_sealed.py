"""Sealed kinds through the real app, on both databases: the server keeps envelopes made
with the reference implementation, takes a change only on the record's current version,
and answers any other with STALE and the record as it has it, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from server.letters.kind import MAX_BODY
from server.sync import pull as pulling
from tests.graphql_client import gql, register, sign_in
from tests.sealed import reference
from tests.sync_client import (
    letter,
    letter_mutation,
    mutation,
    new_id,
    opened,
    pull_all,
    pull_page,
    push,
    push_one,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"
BOX = {"name": "Texture box", "note": "On the shelf by the door.", "position": 0}
SOFT = {**BOX, "name": "Soft things"}
MINE = {**BOX, "note": "Under the bed now."}
STEPS = [
    {"id": "4f1d6c1e-7b7a-4d55-9a51-3c0e3a3b2f10", "type": "when_hard", "text": "Hold the stone"}
]
PLAN = {"kind": "break", "title": "Summer", "timeZone": "Europe/Dublin", "steps": STEPS}
PLAN_SOFT = {**PLAN, "title": "August"}
PLAN_MINE = {**PLAN, "lastSessionBefore": "2026-07-28T10:00"}
LETTER = letter("Dear you, it is late.", "Tuesday")
LETTER_SOFT = {**LETTER, "title": "For Tuesday"}
LETTER_MINE = {**LETTER, "tags": ["night"], "editedOn": {"device": LAPTOP, "label": "computer"}}


@dataclass(frozen=True)
class Sealed:
    """A sealed kind and three versions of one record's content: as made, as another
    device changed it, and as this device changed it meanwhile."""

    kind: str
    first: dict
    soft: dict
    mine: dict


TOOLKIT = Sealed("toolkit_box", BOX, SOFT, MINE)


@pytest.fixture(
    params=[
        TOOLKIT,
        Sealed("plan", PLAN, PLAN_SOFT, PLAN_MINE),
        Sealed("letter", LETTER, LETTER_SOFT, LETTER_MINE),
    ],
    ids=lambda k: k.kind,
)
def k(request) -> Sealed:
    return request.param


@pytest.fixture
async def robin(client) -> tuple:
    """The signed-in client and the account key its devices hold."""
    return client, (await register(client))["accountKey"]


async def push_sealed(client, device, mutation_id, record_id, content, key, **kwargs) -> dict:
    kwargs.setdefault("kind", "toolkit_box")
    made = sealed_mutation(mutation_id, record_id, content, key, **kwargs)
    return await push(client, device, [made])


async def one_box(client, key, k: Sealed = TOOLKIT) -> str:
    box = new_id()
    first = await push_sealed(client, PHONE, 1, box, k.first, key, kind=k.kind)
    assert first["results"][0]["status"] == "APPLIED" and first["results"][0]["version"] == 1
    return box


async def test_a_sealed_record_reaches_another_device_and_opens_the_same(robin, other_client, k):
    client, key = robin
    box = await one_box(client, key, k)
    await sign_in(other_client, "robin")
    records, cursor = await pull_all(other_client)
    record = records[box]
    assert (record["kind"], record["version"], record["format"]) == (k.kind, 1, 1)
    assert record["fields"] == {} and not record["deleted"]
    assert opened(record, key) == k.first
    assert cursor == "v1"
    # Another account's key opens nothing: the associated data and the key are this one's.
    with pytest.raises(reference.SealError):
        opened(record, bytes(32))


async def test_a_change_on_the_current_version_is_applied(robin, k):
    client, key = robin
    box = await one_box(client, key, k)
    answer = await push_sealed(client, PHONE, 2, box, k.soft, key, base=1, kind=k.kind)
    result = answer["results"][0]
    assert (result["status"], result["version"], result["current"]) == ("APPLIED", 2, None)
    records, _ = await pull_all(client)
    assert records[box]["version"] == 2 and opened(records[box], key) == k.soft


async def test_a_stale_upsert_gets_the_current_record_and_changes_nothing(robin, k):
    client, key = robin
    box = await one_box(client, key, k)
    await push_sealed(client, PHONE, 2, box, k.soft, key, base=1, kind=k.kind)
    records, cursor = await pull_all(client)
    kept = records[box]["sealed"]
    answer = await push_sealed(client, LAPTOP, 1, box, k.mine, key, base=1, kind=k.kind)
    stale = answer["results"][0]
    assert (stale["status"], stale["version"], stale["code"]) == ("STALE", 2, None)
    current = stale["current"]
    assert (current["id"], current["kind"], current["version"]) == (box, k.kind, 2)
    assert current["sealed"] == kept and current["format"] == 1 and not current["deleted"]
    assert opened(current, key) == k.soft
    # Nothing written: no new version, nothing new to pull; the device's position moved on.
    assert answer["serverVersion"] == 2 and answer["lastMutationId"] == 1
    assert (await pull_page(client, cursor))["records"] == []
    # The device merges and sends again on the version it was given.
    merged = {**k.soft, **{f: v for f, v in k.mine.items() if k.first.get(f) != v}}
    assert merged not in (k.soft, k.mine)
    again = await push_sealed(
        client, LAPTOP, 2, box, merged, key, base=current["version"], kind=k.kind
    )
    assert again["results"][0]["status"] == "APPLIED" and again["results"][0]["version"] == 3
    records, _ = await pull_all(client, cursor)
    assert opened(records[box], key) == merged


async def test_a_stale_delete_gets_the_current_record_and_deletes_nothing(robin, k):
    client, key = robin
    box = await one_box(client, key, k)
    await push_sealed(client, PHONE, 2, box, k.soft, key, base=1, kind=k.kind)
    _, cursor = await pull_all(client)
    answer = await push(client, LAPTOP, [mutation(1, box, kind=k.kind, op="delete", base=1)])
    stale = answer["results"][0]
    assert stale["status"] == "STALE" and stale["current"]["version"] == 2
    assert not stale["current"]["deleted"] and opened(stale["current"], key) == k.soft
    assert answer["serverVersion"] == 2
    assert (await pull_page(client, cursor))["records"] == []


async def test_a_delete_on_the_current_version_and_an_upsert_that_brings_it_back(robin, k):
    client, key = robin
    box = await one_box(client, key, k)
    delete = mutation(2, box, kind=k.kind, op="delete", base=1)
    deleted = (await push(client, PHONE, [delete]))["results"][0]
    assert (deleted["status"], deleted["version"]) == ("APPLIED", 2)
    records, _ = await pull_all(client)
    assert records[box]["deleted"] and records[box]["deletedAt"]
    # The envelope stays with the tombstone, so a device can still open the last words.
    assert opened(records[box], key) == k.first
    # Deleting again is answered with the tombstone's version and writes nothing.
    again = await push(client, LAPTOP, [mutation(1, box, kind=k.kind, op="delete")])
    assert again["results"][0]["status"] == "APPLIED" and again["results"][0]["version"] == 2
    assert again["serverVersion"] == 2
    # An edit made before the delete is stale, and is told the record is deleted.
    answer = await push_sealed(client, LAPTOP, 2, box, k.mine, key, base=1, kind=k.kind)
    late = answer["results"][0]
    assert late["status"] == "STALE" and late["current"]["deleted"]
    assert late["current"]["version"] == 2 and opened(late["current"], key) == k.first
    # On the tombstone's version, the edit brings the record back.
    answer = await push_sealed(client, LAPTOP, 3, box, k.mine, key, base=2, kind=k.kind)
    back = answer["results"][0]
    assert (back["status"], back["version"]) == ("APPLIED", 3)
    records, _ = await pull_all(client)
    assert not records[box]["deleted"] and records[box]["deletedAt"] is None
    assert opened(records[box], key) == k.mine


async def test_no_base_on_a_kept_record_means_the_version_it_was_made_at(robin, k):
    """A device that made the record offline and never heard back sends it again with no
    base: taken while the record is as it was made, stale once it changed."""
    client, key = robin
    box = await one_box(client, key, k)
    resent = (await push_sealed(client, LAPTOP, 1, box, k.first, key, kind=k.kind))["results"][0]
    assert (resent["status"], resent["version"]) == ("APPLIED", 2)
    await push_sealed(client, PHONE, 2, box, k.soft, key, base=2, kind=k.kind)
    late = (await push_sealed(client, LAPTOP, 2, box, k.mine, key, kind=k.kind))["results"][0]
    assert late["status"] == "STALE" and late["current"]["version"] == 3


async def test_a_replayed_push_is_a_duplicate_and_applies_nothing(robin):
    client, key = robin
    box = new_id()
    mutations = [
        sealed_mutation(1, box, BOX, key, kind="toolkit_box"),
        # Made in the same push: no base yet, so the version it was made at.
        sealed_mutation(2, box, SOFT, key, kind="toolkit_box"),
    ]
    first = await push(client, PHONE, mutations)
    again = await push(client, PHONE, mutations)
    assert [r["status"] for r in first["results"]] == ["APPLIED", "APPLIED"]
    assert [r["status"] for r in again["results"]] == ["DUPLICATE", "DUPLICATE"]
    assert again["serverVersion"] == first["serverVersion"] == 2
    records, _ = await pull_all(client)
    assert records[box]["version"] == 2 and opened(records[box], key) == SOFT


async def test_missing_records_and_bases(robin):
    client, key = robin
    box = new_id()
    delete = await push_one(client, PHONE, 1, box, kind="toolkit_box", op="delete")
    assert (delete["status"], delete["code"], delete["field"]) == (
        "REJECTED",
        "NOT_FOUND",
        "recordId",
    )
    await push(client, LAPTOP, [letter_mutation(1, new_id(), letter("so version 1 exists"), key)])
    based = (await push_sealed(client, PHONE, 2, box, BOX, key, base=1))["results"][0]
    assert (based["status"], based["code"]) == ("REJECTED", "UNKNOWN_BASE")
    records, _ = await pull_all(client)
    assert box not in records


async def test_someone_elses_sealed_record_looks_missing(robin, other_client, k):
    client, key = robin
    alex = await register(other_client, username="alex")
    theirs = new_id()
    await push(client, LAPTOP, [letter_mutation(1, new_id(), letter("so version 1 exists"), key)])
    made = await push_sealed(
        other_client, "alex-device-1", 1, theirs, k.first, alex["accountKey"], kind=k.kind
    )
    assert made["results"][0]["status"] == "APPLIED"
    tries = [
        sealed_mutation(1, theirs, k.mine, key, kind=k.kind),
        sealed_mutation(2, theirs, k.mine, key, kind=k.kind, base=1),
        mutation(3, theirs, kind=k.kind, op="delete", base=1),
    ]
    result = await push(client, PHONE, tries)
    assert [(r["status"], r["code"], r["current"]) for r in result["results"]] == [
        ("REJECTED", "NOT_FOUND", None)
    ] * 3
    records, _ = await pull_all(other_client)
    assert records[theirs]["version"] == 1 and not records[theirs]["deleted"]
    assert opened(records[theirs], alex["accountKey"]) == k.first
    mine, _ = await pull_all(client)
    assert theirs not in mine


async def test_a_page_counts_sealed_text_against_its_byte_budget(robin, monkeypatch):
    client, key = robin
    monkeypatch.setattr(pulling, "PULL_BYTES", 50_000)
    monkeypatch.setattr(pulling, "PULL_CHUNK", 3)
    notes = {new_id(): {"note": f"{i} " + "word " * 3_000} for i in range(6)}
    await push(
        client,
        PHONE,
        [
            sealed_mutation(n, rid, content, key, kind="toolkit_item")
            for n, (rid, content) in enumerate(notes.items(), 1)
        ],
    )
    first = await pull_page(client, limit=100)
    # About 20,000 characters each: two fit in 50,000, and the third waits for a page.
    assert len(first["records"]) == 2 and first["hasMore"]
    records, _ = await pull_all(client, limit=100)
    assert {rid: opened(r, key) for rid, r in records.items()} == notes


async def test_the_export_holds_envelopes_and_says_they_are_sealed(robin):
    client, key = robin
    box = await one_box(client, key)
    lid = new_id()
    await push(client, PHONE, [letter_mutation(2, lid, letter("my own words"), key)])
    export = (await gql(client, "{ exportMyData }"))["data"]["exportMyData"]
    entries = {entry["id"]: entry for entry in export["records"]}
    sealed = entries[box]
    assert set(sealed) == {
        "id",
        "kind",
        "version",
        "deleted",
        "deletedAt",
        "format",
        "sealed",
        "createdAt",
        "updatedAt",
    }
    assert (sealed["kind"], sealed["version"], sealed["format"]) == ("toolkit_box", 1, 1)
    assert opened(sealed, key) == BOX
    assert BOX["note"] not in str(export)
    assert "only your devices" in export["sealedRecords"]
    assert "fields" not in entries[lid] and opened(entries[lid], key) == letter("my own words")
    assert "my own words" not in str(export)


async def test_a_plan_may_be_longer_than_a_toolkit_record(robin):
    """A plan's many steps fit in a plan's envelope, which a toolkit record's limit
    would refuse."""
    client, key = robin
    steps = [{**STEPS[0], "id": new_id(), "text": f"{i} " + "x" * 1_990} for i in range(40)]
    long_plan, long_item = new_id(), new_id()
    result = await push(
        client,
        PHONE,
        [
            sealed_mutation(1, long_plan, {**PLAN, "steps": steps}, key, kind="plan"),
            sealed_mutation(2, long_item, {"note": "x" * 80_000}, key, kind="toolkit_item"),
        ],
    )
    made, refused = result["results"]
    assert made["status"] == "APPLIED"
    assert (refused["status"], refused["code"], refused["field"]) == (
        "REJECTED",
        "TOO_LARGE",
        "sealed",
    )
    records, _ = await pull_all(client)
    assert len(records[long_plan]["sealed"]) > 65_536
    assert opened(records[long_plan], key)["steps"] == steps
    assert long_item not in records


async def test_a_letter_may_be_longer_than_a_plan(robin):
    """A letter's longest body, in a script of three bytes a character, with as many words
    set aside beside it after a conflict, fits in a letter's envelope; the envelope is
    refused past a letter's limit."""
    client, key = robin
    body = "語" * MAX_BODY
    aside = {"field": "body", "mine": body, "at": "2026-03-03T08:00:00.000Z"}
    long_letter = letter(body, conflicts=[{**aside, "device": LAPTOP, "label": "computer"}])
    lid = new_id()
    made = (await push(client, PHONE, [letter_mutation(1, lid, long_letter, key)]))["results"][0]
    assert made["status"] == "APPLIED"
    records, _ = await pull_all(client)
    assert len(records[lid]["sealed"]) > 1_048_576
    assert opened(records[lid], key) == long_letter
    too_long = mutation(2, new_id(), kind="letter", sealed="A" * 3_000_001, fmt=1)
    refused = (await push(client, PHONE, [too_long]))["results"][0]
    assert (refused["status"], refused["code"], refused["field"]) == (
        "REJECTED",
        "TOO_LARGE",
        "sealed",
    )
    everything, _ = await pull_all(client)
    assert list(everything) == [lid]
