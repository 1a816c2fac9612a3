"""Pull and push through the real app, on both databases."""

from __future__ import annotations

import pytest

from server.sync import service
from tests.graphql_client import gql, register, sign_in
from tests.sync_client import (
    mutation,
    new_id,
    opened,
    pull_all,
    pull_in_order,
    pull_page,
    push,
    push_one,
    revisions,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"


@pytest.fixture
async def robin(client):
    await register(client)
    return client


async def test_a_new_letter_reaches_another_device(robin):
    letter = new_id()
    result = await push_one(robin, PHONE, 1, letter, {"title": "Tuesday", "body": "I miss you."})
    assert result["status"] == "APPLIED" and result["version"] == 1
    records, cursor = await pull_all(robin)
    assert records[letter]["fields"]["body"] == "I miss you."
    assert records[letter]["fields"]["state"] == "draft"
    assert records[letter]["version"] == 1 and cursor == "v1"
    idle = await pull_page(robin, cursor, device=PHONE)
    assert idle["records"] == [] and idle["cursor"] == cursor and not idle["hasMore"]
    assert idle["lastMutationId"] == 1


async def test_push_is_idempotent(robin):
    letter = new_id()
    mutations = [mutation(1, letter, {"body": "first"}), mutation(2, letter, {"title": "t"})]
    first = await push(robin, PHONE, mutations)
    again = await push(robin, PHONE, mutations)
    assert [r["status"] for r in first["results"]] == ["APPLIED", "APPLIED"]
    assert [r["status"] for r in again["results"]] == ["DUPLICATE", "DUPLICATE"]
    assert again["serverVersion"] == first["serverVersion"] == 2
    records, _ = await pull_all(robin)
    assert len(records) == 1


async def test_versions_are_gapless_and_pages_miss_nothing(robin):
    ids = [new_id() for _ in range(25)]
    await push(robin, PHONE, [mutation(i + 1, rid, {"body": str(i)}) for i, rid in enumerate(ids)])
    seen, _ = await pull_in_order(robin, limit=7)
    assert [r["version"] for r in seen] == list(range(1, 26))
    assert sorted(r["id"] for r in seen) == sorted(ids)


async def test_different_fields_edited_on_two_devices_both_survive(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"title": "Draft", "body": "words"})
    title = await push_one(robin, PHONE, 2, letter, {"title": "For Tuesday"}, base=1)
    tags = await push_one(robin, LAPTOP, 1, letter, {"tags": ["dream"]}, base=1)
    assert title["status"] == "APPLIED" and tags["status"] == "MERGED"
    records, _ = await pull_all(robin)
    fields = records[letter]["fields"]
    assert fields["title"] == "For Tuesday" and fields["tags"] == ["dream"]


async def test_a_field_changed_on_both_keeps_the_servers_value(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"recipient": "Anna", "body": "words"})
    await push_one(robin, PHONE, 2, letter, {"recipient": "Dr Hale"}, base=1)
    late = await push_one(robin, LAPTOP, 1, letter, {"recipient": "You"}, base=1)
    assert late["status"] == "CONFLICT_KEPT" and late["conflictFields"] == ["recipient"]
    records, _ = await pull_all(robin)
    assert records[letter]["fields"]["recipient"] == "Dr Hale"
    assert records[letter]["fields"]["body"] == "words"


PARAGRAPHS = [
    "Dear you, it is late and I can't sleep.",
    "I keep thinking about the break and the two weeks.",
    "The ribbon is on my desk, the blue one.",
    "I will bring this on Tuesday, maybe.",
]


async def test_bodies_edited_in_different_places_merge(robin):
    letter = new_id()
    base = "\n\n".join(PARAGRAPHS)
    await push_one(robin, PHONE, 1, letter, {"body": base})
    phone = base.replace("can't sleep.", "can't sleep at all.")
    laptop = base.replace("maybe.", "maybe, if I am brave.")
    await push_one(robin, PHONE, 2, letter, {"body": phone}, base=1)
    result = await push_one(robin, LAPTOP, 1, letter, {"body": laptop}, base=1)
    assert result["status"] == "MERGED"
    records, _ = await pull_all(robin)
    body = records[letter]["fields"]["body"]
    assert "sleep at all." in body and "if I am brave." in body
    kept = {r["body"] for r in await revisions(robin, letter)}
    assert {base, phone, laptop, body} <= kept


async def test_overlapping_bodies_conflict_and_both_texts_stay(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"title": "T", "body": "I wanted to say sorry."})
    await push_one(robin, PHONE, 2, letter, {"body": "I wanted to say thank you."}, base=1)
    result = await push_one(robin, LAPTOP, 1, letter, {"body": "I wanted to say goodbye."}, base=1)
    assert result["status"] == "CONFLICT_KEPT" and result["conflictFields"] == ["body"]
    records, _ = await pull_all(robin)
    fields = records[letter]["fields"]
    assert fields["body"] == "I wanted to say thank you."
    assert fields["conflictBody"] == "I wanted to say goodbye."
    history = await revisions(robin, letter)
    conflict = next(r for r in history if r["reason"] == "conflict")
    assert conflict["id"] == fields["conflictRevisionId"]
    assert conflict["body"] == "I wanted to say goodbye."
    # The person chooses to keep both, then clears the conflict.
    both = fields["body"] + "\n\n" + fields["conflictBody"]
    version = records[letter]["version"]
    await push_one(robin, LAPTOP, 2, letter, {"body": both}, base=version)
    resolved = await push_one(robin, LAPTOP, 3, letter, {}, op="resolve_conflict")
    assert resolved["status"] == "APPLIED"
    records, _ = await pull_all(robin)
    assert records[letter]["fields"]["body"] == both
    assert "conflictBody" not in records[letter]["fields"]


@pytest.mark.parametrize("delete_first", [True, False])
async def test_an_edit_beats_a_delete(robin, delete_first):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"body": "keep me"})
    delete = mutation(2, letter, op="delete", base=1)
    edit = mutation(1, letter, {"body": "keep me, and more"}, base=1)
    if delete_first:
        assert (await push(robin, PHONE, [delete]))["results"][0]["status"] == "APPLIED"
        assert (await push(robin, LAPTOP, [edit]))["results"][0]["status"] == "MERGED"
    else:
        await push(robin, LAPTOP, [edit])
        lost = (await push(robin, PHONE, [delete]))["results"][0]
        assert lost["status"] == "CONFLICT_KEPT" and lost["code"] == "EDITED_ELSEWHERE"
    records, _ = await pull_all(robin)
    assert not records[letter]["deleted"]
    assert records[letter]["fields"]["body"] == "keep me, and more"


async def test_trash_restore_and_delete_for_good(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"body": "a secret"})
    refused = await push_one(robin, PHONE, 2, letter, op="purge", base=1)
    assert refused["status"] == "REJECTED" and refused["code"] == "NOT_IN_TRASH"
    await push_one(robin, PHONE, 3, letter, op="delete", base=1)
    records, _ = await pull_all(robin)
    assert records[letter]["deleted"] and records[letter]["deletedAt"]
    assert records[letter]["fields"]["body"] == "a secret"
    await push_one(robin, PHONE, 4, letter, op="restore")
    records, _ = await pull_all(robin)
    assert not records[letter]["deleted"]
    deleted = await push_one(robin, PHONE, 5, letter, op="delete", base=records[letter]["version"])
    purged = await push_one(robin, PHONE, 6, letter, op="purge", base=deleted["version"])
    assert purged["status"] == "APPLIED"
    records, _ = await pull_all(robin)
    assert records[letter]["deleted"] and records[letter]["fields"] == {}
    assert await revisions(robin, letter) == []
    export = (await gql(robin, "{ exportMyData }"))["data"]["exportMyData"]
    assert "a secret" not in str(export)


async def test_an_offline_edit_brings_back_a_letter_deleted_for_good(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"body": "first words"})
    await push_one(robin, PHONE, 2, letter, op="delete", base=1)
    await push_one(robin, PHONE, 3, letter, op="purge", base=2)
    result = await push_one(robin, LAPTOP, 1, letter, {"body": "words written offline"}, base=1)
    assert result["status"] in ("APPLIED", "MERGED")
    records, _ = await pull_all(robin)
    assert not records[letter]["deleted"]
    assert records[letter]["fields"]["body"] == "words written offline"


async def test_restore_an_older_revision(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"title": "v1", "body": "the first version"})
    await push_one(robin, PHONE, 2, letter, {"title": "v2", "body": "second"}, base=1)
    first = next(r for r in await revisions(robin, letter) if r["body"] == "the first version")
    result = await push_one(
        robin, PHONE, 3, letter, {"revisionId": first["id"]}, op="restore_revision"
    )
    assert result["status"] == "APPLIED"
    records, _ = await pull_all(robin)
    assert records[letter]["fields"]["body"] == "the first version"
    assert records[letter]["fields"]["title"] == "v1"
    assert next(r["reason"] for r in await revisions(robin, letter)) == "restore"


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


async def test_export_has_every_record_and_revision(robin):
    letter = new_id()
    await push_one(robin, PHONE, 1, letter, {"body": "one"})
    await push_one(robin, PHONE, 2, letter, {"body": "two"}, base=1)
    export = (await gql(robin, "{ exportMyData }"))["data"]["exportMyData"]
    assert [r["id"] for r in export["records"]] == [letter]
    assert [v["body"] for v in export["letterRevisions"]] == ["one", "two"]
    assert export["changeCounter"] == 2


async def test_a_device_whose_change_was_not_taken_pulls_the_record_again(robin):
    """A lost delete or a kept conflict gives the record a new version, so a device that
    had already pulled past it still learns the server's view."""
    letter, other = new_id(), new_id()
    await push(
        robin,
        PHONE,
        [
            mutation(1, letter, {"body": "words"}),
            mutation(2, other, {"recipient": "a", "body": "kept"}),
        ],
    )
    await push(
        robin,
        LAPTOP,
        [
            mutation(1, letter, {"body": "more words"}, base=2),
            mutation(2, other, {"recipient": "b"}, base=2),
        ],
    )
    _, cursor = await pull_all(robin)
    lost = await push(
        robin,
        PHONE,
        [
            mutation(3, letter, op="delete", base=2),
            mutation(4, other, {"recipient": "c"}, base=2),
        ],
    )
    assert [r["status"] for r in lost["results"]] == ["CONFLICT_KEPT", "CONFLICT_KEPT"]
    assert lost["results"][1]["conflictFields"] == ["recipient"]
    again, _ = await pull_all(robin, cursor)
    assert set(again) == {letter, other}
    assert not again[letter]["deleted"]
    assert again[other]["fields"]["recipient"] == "b"
    assert again[other]["version"] == lost["results"][1]["version"] == 6


async def test_a_page_of_long_letters_stops_at_its_byte_budget(robin, monkeypatch):
    monkeypatch.setattr(service, "PULL_BYTES", 50_000)
    monkeypatch.setattr(service, "PULL_CHUNK", 3)
    letters = {new_id(): f"{i} " + "word " * 4_000 for i in range(8)}
    await push(
        robin,
        PHONE,
        [mutation(i, lid, {"body": body}) for i, (lid, body) in enumerate(letters.items(), 1)],
    )
    first = await pull_page(robin, limit=100)
    # 20 kB letters: two fit in 50 kB, and the third goes to the next page.
    assert len(first["records"]) == 2 and first["hasMore"]
    records, _ = await pull_all(robin, limit=100)
    assert {i: r["fields"]["body"] for i, r in records.items()} == letters


async def test_one_letter_longer_than_the_budget_still_comes_through(robin, monkeypatch):
    monkeypatch.setattr(service, "PULL_BYTES", 1_000)
    long_one, short_one = new_id(), new_id()
    await push(
        robin,
        PHONE,
        [mutation(1, long_one, {"body": "a" * 5_000}), mutation(2, short_one, {"body": "b"})],
    )
    first = await pull_page(robin, limit=100)
    assert [r["id"] for r in first["records"]] == [long_one] and first["hasMore"]
    second = await pull_page(robin, cursor=first["cursor"], limit=100)
    assert [r["id"] for r in second["records"]] == [short_one] and not second["hasMore"]
