"""Bad pushes and pulls: a typed error each time, nothing lost, and the queue moves on."""

from __future__ import annotations

import os

import pytest

from tests.conftest import row_counts
from tests.graphql_client import error_code, gql, register
from tests.sealed import reference
from tests.sync_client import (
    PULL,
    letter,
    letter_mutation,
    mutation,
    new_id,
    opened,
    pull_all,
    pull_page,
    push,
    push_raw,
)

PHONE = "phone-0001"


KEY = os.urandom(32)


@pytest.fixture
async def robin(client):
    await register(client)
    return client


def good_letter(mutation_id: int, record_id: str, words: str = "kept") -> dict:
    # Sealed with a key of the test's own: the server cannot tell one key from another.
    return letter_mutation(mutation_id, record_id, letter(words), KEY)


async def rejected(client, *args, **kwargs) -> dict:
    return await refused(client, mutation(2, *args, **kwargs))


async def refused(client, bad: dict) -> dict:
    """Push one bad mutation (id 2) after a good one; the good one lands, the bad one is
    refused and stores nothing, and the device's position moves past both."""
    good = new_id()
    made = good_letter(1, good)
    result = await push(client, PHONE, [made, bad])
    assert result["results"][0]["status"] == "APPLIED"
    assert result["lastMutationId"] == 2
    assert result["serverVersion"] == 1
    outcome = result["results"][1]
    assert outcome["status"] == "REJECTED", outcome
    assert outcome["message"]
    records, _ = await pull_all(client)
    assert records[good]["sealed"] == made["sealed"]
    assert set(records) == {good}
    return outcome


PLAN = {"title": "Summer", "timeZone": "Europe/London", "lastSessionBefore": "2026-03-27T10:00"}
ITEM = {"name": "Smooth stone", "feelsLike": "cool"}
ENVELOPE = reference.seal_record(KEY, new_id(), "toolkit_item", 1, ITEM)
SEALED = {"sealed": reference.seal_record(KEY, new_id(), "letter", 1, letter("x")), "fmt": 1}


@pytest.mark.parametrize(
    ("args", "kwargs", "code", "field"),
    [
        # A letter as it was sent before letters were sealed.
        ((new_id(), {"body": "x", "state": "kept"}), {}, "BAD_INPUT", "fields"),
        ((new_id(), "not an object"), SEALED, "BAD_INPUT", "fields"),
        ((new_id(), None), {"sealed": "A" * 3_000_001, "fmt": 1}, "TOO_LARGE", "sealed"),
        (
            (new_id(), None),
            {"sealed": "sealed words, not sealed", "fmt": 1},
            "BAD_ENVELOPE",
            "sealed",
        ),
        ((new_id(), None), {**SEALED, "fmt": None}, "BAD_INPUT", "format"),
        ((new_id(), {}), {"kind": "diary"}, "UNKNOWN_KIND", None),
        ((new_id(), {}), {"op": "explode"}, "UNKNOWN_OPERATION", None),
        # The server's own letter operations are gone: the device merges and restores.
        ((new_id(), {}), {"op": "restore"}, "UNKNOWN_OPERATION", None),
        (
            (new_id(), {"revisionId": new_id()}),
            {"op": "restore_revision"},
            "UNKNOWN_OPERATION",
            None,
        ),
        ((new_id(), {}), {"op": "resolve_conflict"}, "UNKNOWN_OPERATION", None),
        (("not-a-uuid", None), SEALED, "BAD_INPUT", "recordId"),
        ((new_id(), None), {**SEALED, "base": 999}, "BASE_FROM_FUTURE", None),
        ((new_id(), None), {**SEALED, "base": 0}, "UNKNOWN_BASE", None),
        ((new_id(), {}), {"op": "delete"}, "NOT_FOUND", "recordId"),
        ((new_id(), {}), {"op": "purge"}, "NOT_FOUND", "recordId"),
        # A purge carries nothing but its base.
        ((new_id(), None), {**SEALED, "op": "purge"}, "BAD_INPUT", "sealed"),
        ((new_id(), None), {"op": "purge", "fmt": 1}, "BAD_INPUT", "format"),
        ((new_id(), {"body": "x"}), {"op": "purge"}, "BAD_INPUT", "fields"),
        ((new_id(), "all of it"), {"op": "purge"}, "BAD_INPUT", "fields"),
        # A clear kind has no envelope.
        (
            (new_id(), {"discussedInSession": True}),
            {"kind": "shared_letter", "fmt": 1},
            "BAD_INPUT",
            "format",
        ),
        (
            (new_id(), {"discussedInSession": True}),
            {"kind": "shared_letter", "sealed": SEALED["sealed"]},
            "BAD_INPUT",
            "sealed",
        ),
    ],
)
async def test_a_bad_mutation_is_rejected_alone(robin, args, kwargs, code, field):
    outcome = await rejected(robin, *args, **kwargs)
    assert outcome["code"] == code
    assert outcome["field"] == field


def envelope(data: bytes) -> str:
    return reference.b64url(data)


RAW = reference.from_b64url(ENVELOPE)
# Content whose envelope is just over the toolkit's 65,536 characters.
LONG = reference.seal_record(KEY, new_id(), "toolkit_item", 1, {"note": "x" * 49_100})


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"sealed": ENVELOPE[:59]}, "BAD_ENVELOPE", "sealed"),  # 44 bytes: no room for a tag
        ({"sealed": ENVELOPE[:-3]}, "BAD_ENVELOPE", "sealed"),  # cut inside a character
        ({"sealed": ENVELOPE + "="}, "BAD_ENVELOPE", "sealed"),  # padding
        ({"sealed": ENVELOPE.replace("-", "+").replace("_", "/") + "+/"}, "BAD_ENVELOPE", "sealed"),
        ({"sealed": "sealed words, not sealed at all"}, "BAD_ENVELOPE", "sealed"),
        ({"sealed": ""}, "BAD_ENVELOPE", "sealed"),
        ({"sealed": envelope(bytes([2]) + RAW[1:])}, "BAD_ENVELOPE", "sealed"),
        ({"sealed": envelope(bytes([0]) + RAW[1:])}, "BAD_ENVELOPE", "sealed"),
        ({"sealed": LONG}, "TOO_LARGE", "sealed"),
        ({"sealed": "A" * 65_537}, "TOO_LARGE", "sealed"),
        ({}, "BAD_ENVELOPE", "sealed"),  # format alone
        ({"sealed": ENVELOPE, "fmt": None}, "BAD_INPUT", "format"),
        ({"sealed": ENVELOPE, "fmt": 0}, "BAD_INPUT", "format"),
        ({"sealed": ENVELOPE, "fmt": 1001}, "BAD_INPUT", "format"),
        ({"sealed": ENVELOPE, "fields": ITEM}, "BAD_INPUT", "fields"),
        ({"sealed": ENVELOPE, "fields": "name"}, "BAD_INPUT", "fields"),
        ({"fields": ITEM, "fmt": None}, "BAD_INPUT", "fields"),  # a clear item, as it was
        ({"kind": "plan", "fields": PLAN, "fmt": None}, "BAD_INPUT", "fields"),  # a clear plan
        ({"kind": "plan", "sealed": ENVELOPE[:59]}, "BAD_ENVELOPE", "sealed"),
        ({"kind": "plan", "sealed": "A" * 1_048_577}, "TOO_LARGE", "sealed"),
        ({"kind": "plan", "op": "restore_revision"}, "UNKNOWN_OPERATION", None),
        ({"sealed": ENVELOPE, "op": "delete"}, "BAD_INPUT", "sealed"),
        ({"sealed": ENVELOPE, "op": "restore"}, "UNKNOWN_OPERATION", None),
        # Only a letter is deleted for good by a device; the trash empties the rest.
        ({"op": "purge", "fmt": None}, "UNKNOWN_OPERATION", None),
    ],
)
async def test_a_bad_envelope_is_rejected_alone(robin, kwargs, code, field):
    kwargs = {"fmt": 1, "kind": "toolkit_item", **kwargs}
    fields = kwargs.pop("fields", None)
    outcome = await refused(robin, mutation(2, new_id(), fields, **kwargs))
    assert (outcome["code"], outcome["field"]) == (code, field)


async def test_a_bad_envelope_leaves_a_kept_record_as_it_was(robin):
    """Refused changes to an existing sealed record write nothing, not even a new version,
    while the other mutations of the same push apply."""
    item = new_id()
    kept = reference.seal_record(KEY, item, "toolkit_item", 1, ITEM)
    await push(robin, PHONE, [mutation(1, item, kind="toolkit_item", sealed=kept, fmt=1)])
    good = new_id()
    bad = {"kind": "toolkit_item", "base": 1}
    result = await push(
        robin,
        PHONE,
        [
            mutation(2, item, **bad, sealed=ENVELOPE[:59], fmt=1),
            mutation(3, item, **bad, sealed=envelope(bytes([2]) + RAW[1:]), fmt=1),
            mutation(4, item, **bad, sealed=LONG, fmt=1),
            mutation(5, item, **bad, sealed=ENVELOPE),
            mutation(6, item, {"name": "Pebble"}, **bad, sealed=ENVELOPE, fmt=1),
            mutation(7, item, **bad, op="delete", sealed=ENVELOPE),
            good_letter(8, good),
        ],
    )
    assert [r["status"] for r in result["results"]] == ["REJECTED"] * 6 + ["APPLIED"]
    assert result["serverVersion"] == 2 and result["lastMutationId"] == 8
    records, _ = await pull_all(robin)
    assert records[item]["version"] == 1 and records[item]["sealed"] == kept
    assert not records[item]["deleted"]
    assert reference.open_record(KEY, item, "toolkit_item", 1, kept) == ITEM


async def test_a_version_from_before_the_record_existed_is_refused(robin):
    first, second = new_id(), new_id()
    await push(robin, PHONE, [good_letter(1, first, "a"), good_letter(2, second, "b")])
    result = await push(robin, PHONE, [letter_mutation(3, second, letter("c"), KEY, base=1)])
    assert result["results"][0]["code"] == "UNKNOWN_BASE"


async def test_someone_elses_letter_is_invisible_and_untouched(robin, other_client):
    alex = (await register(other_client, username="alex"))["accountKey"]
    theirs, trashed = new_id(), new_id()
    words = letter("alex's words")
    await push(
        other_client,
        "alex-device-1",
        [
            letter_mutation(1, theirs, words, alex),
            letter_mutation(2, trashed, words, alex),
        ],
    )
    await push(other_client, "alex-device-1", [mutation(3, trashed, op="delete", base=2)])
    # Robin's own versions reach as far as Alex's, so no base is from the future.
    await push(robin, PHONE, [good_letter(n, new_id()) for n in (1, 2, 3)])
    tries = [
        letter_mutation(4, theirs, letter("overwritten"), KEY),
        letter_mutation(5, theirs, letter("overwritten"), KEY, base=1),
        mutation(6, theirs, op="delete", base=1),
        mutation(7, trashed, op="purge", base=3),
        letter_mutation(8, trashed, letter("brought back"), KEY, base=3),
    ]
    result = await push(robin, PHONE, tries)
    assert [(r["status"], r["code"], r["current"]) for r in result["results"]] == [
        ("REJECTED", "NOT_FOUND", None)
    ] * len(tries)
    records, _ = await pull_all(other_client)
    assert records[theirs]["version"] == 1 and not records[theirs]["deleted"]
    assert opened(records[theirs], alex) == words
    assert records[trashed]["version"] == 3 and records[trashed]["deleted"]
    assert opened(records[trashed], alex) == words
    mine, _ = await pull_all(robin)
    assert len(mine) == 3 and theirs not in mine and trashed not in mine
    for letter_id in (theirs, trashed):
        revisions = await gql(
            robin, "query($id: ID!) { letterRevisions(letterId: $id) { id } }", {"id": letter_id}
        )
        assert error_code(revisions) == "NOT_FOUND"


@pytest.mark.parametrize("ids", [[2, 1], [1, 1], [0, 1], [-5]])
async def test_out_of_order_mutation_ids_refuse_the_whole_push(robin, ids):
    before = await row_counts()
    result = await push_raw(robin, PHONE, [good_letter(i, new_id()) for i in ids])
    assert error_code(result) == "OUT_OF_ORDER"
    assert await row_counts() == before


async def test_too_many_mutations_in_one_push(robin):
    result = await push_raw(robin, PHONE, [mutation(i, new_id(), {}) for i in range(1, 502)])
    assert error_code(result) == "TOO_LARGE"


@pytest.mark.parametrize("device", ["", "short", "x" * 65, "has spaces in it", "ünïcode-device"])
async def test_bad_device_ids(robin, device):
    result = await push_raw(robin, device, [good_letter(1, new_id())])
    assert error_code(result) == "BAD_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "deviceId"


@pytest.mark.parametrize("cursor", ["v", "12", "v-1", "vabc", "v1.5", "x" * 500])
async def test_malformed_cursors(robin, cursor):
    result = await gql(robin, PULL, {"cursor": cursor})
    assert error_code(result) == "BAD_CURSOR"


async def test_a_cursor_ahead_of_the_server(robin):
    await push(robin, PHONE, [good_letter(1, new_id())])
    assert (await pull_page(robin, "v1"))["records"] == []
    assert error_code(await gql(robin, PULL, {"cursor": "v2"})) == "CURSOR_AHEAD"


@pytest.mark.parametrize("limit", [0, -1, 1001])
async def test_pull_limits(robin, limit):
    assert error_code(await gql(robin, PULL, {"limit": limit})) == "BAD_INPUT"


async def test_sync_needs_a_session(client):
    assert error_code(await gql(client, PULL)) == "UNAUTHENTICATED"
    result = await push_raw(client, PHONE, [good_letter(1, new_id())])
    assert error_code(result) == "UNAUTHENTICATED"


async def test_wrong_graphql_types_in_a_push(robin):
    result = await gql(
        robin,
        'mutation($m: [SyncMutationInput!]!) { push(deviceId: "phone-0001", mutations: $m) '
        "{ lastMutationId } }",
        {"m": [{"mutationId": "one", "kind": "letter", "op": "upsert", "recordId": new_id()}]},
    )
    assert error_code(result) == "BAD_REQUEST"
