"""Every applied upsert of a letter is kept as a revision: the envelope as the device sent
it, at the letter's version, with the device's sync id. Only the owner's devices can open
them, and only the owner can list them."""

from __future__ import annotations

from server.letters.models import LetterRevision
from tests.graphql_client import error_code, gql, register
from tests.sync_client import (
    REVISIONS,
    letter,
    letter_mutation,
    mutation,
    new_id,
    opened_revision,
    push,
    revisions,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"
DRAFT = letter("Dear you,", "Tuesday")
LONGER = letter("Dear you, it is late and I can't sleep.", "Tuesday")
BROUGHT_BACK = {**LONGER, "editedOn": {"device": LAPTOP, "label": "computer"}}


async def test_each_applied_upsert_is_one_revision_newest_first(robin):
    client, key = robin
    lid = new_id()
    results = []
    for n, content, base in [(1, DRAFT, None), (2, LONGER, 1)]:
        answer = await push(client, PHONE, [letter_mutation(n, lid, content, key, base)])
        results.append(answer["results"][0])
    # Trashed (no revision: nothing new was written), then brought back from the laptop.
    await push(client, PHONE, [mutation(3, lid, op="delete", base=2)])
    answer = await push(client, LAPTOP, [letter_mutation(1, lid, BROUGHT_BACK, key, base=3)])
    results.append(answer["results"][0])
    assert [(r["status"], r["version"]) for r in results] == [
        ("APPLIED", 1),
        ("APPLIED", 2),
        ("APPLIED", 4),
    ]
    kept = await revisions(client, lid)
    assert [(r["version"], r["format"], r["deviceId"]) for r in kept] == [
        (4, 1, LAPTOP),
        (2, 1, PHONE),
        (1, 1, PHONE),
    ]
    assert [opened_revision(lid, r, key) for r in kept] == [BROUGHT_BACK, LONGER, DRAFT]
    assert len({r["id"] for r in kept}) == 3 and all(r["createdAt"] for r in kept)
    # Not one word in clear.
    assert "Dear you" not in str(kept)


async def test_a_stale_push_adds_no_revision(robin):
    client, key = robin
    lid = new_id()
    await push(client, PHONE, [letter_mutation(1, lid, DRAFT, key)])
    await push(client, PHONE, [letter_mutation(2, lid, LONGER, key, base=1)])
    late = await push(
        client,
        LAPTOP,
        [
            letter_mutation(1, lid, BROUGHT_BACK, key, base=1),
            mutation(2, lid, op="delete", base=1),
        ],
    )
    assert [r["status"] for r in late["results"]] == ["STALE", "STALE"]
    assert [r["version"] for r in await revisions(client, lid)] == [2, 1]
    # A replayed push is a duplicate and adds none either.
    await push(client, PHONE, [letter_mutation(2, lid, LONGER, key, base=1)])
    assert await LetterRevision.filter(letter_id=lid).count() == 2


async def test_only_letters_keep_revisions(robin):
    client, key = robin
    box = new_id()
    made = await push(
        client, PHONE, [sealed_mutation(1, box, {"name": "Box"}, key, kind="toolkit_box")]
    )
    assert made["results"][0]["status"] == "APPLIED"
    assert await LetterRevision.all().count() == 0
    # A box is not a letter: it has no revisions to list.
    assert error_code(await gql(client, REVISIONS, {"id": box})) == "NOT_FOUND"


async def test_someone_elses_or_an_unknown_letter_is_not_found(robin, other_client):
    client, key = robin
    mine = new_id()
    await push(client, PHONE, [letter_mutation(1, mine, DRAFT, key)])
    alex = (await register(other_client, username="alex"))["accountKey"]
    theirs = new_id()
    await push(other_client, "alex-device-1", [letter_mutation(1, theirs, DRAFT, alex)])
    for letter_id in (theirs, new_id()):
        assert error_code(await gql(client, REVISIONS, {"id": letter_id})) == "NOT_FOUND"
    assert error_code(await gql(other_client, REVISIONS, {"id": mine})) == "NOT_FOUND"
    refused = await gql(client, REVISIONS, {"id": "not-a-letter"})
    assert error_code(refused) == "BAD_INPUT"
    assert refused["errors"][0]["extensions"]["field"] == "letterId"
    assert len(await revisions(other_client, theirs)) == 1


async def test_revisions_need_a_session(client):
    assert error_code(await gql(client, REVISIONS, {"id": new_id()})) == "UNAUTHENTICATED"
