"""Bad pushes and pulls: a typed error each time, nothing lost, and the queue moves on."""

from __future__ import annotations

import os

import pytest

from server.letters.kind import MAX_BODY
from tests.conftest import row_counts
from tests.graphql_client import error_code, gql, register
from tests.sealed import reference
from tests.sync_client import PULL, mutation, new_id, pull_all, pull_page, push, push_raw

PHONE = "phone-0001"


@pytest.fixture
async def robin(client):
    await register(client)
    return client


async def rejected(client, *args, **kwargs) -> dict:
    return await refused(client, mutation(2, *args, **kwargs))


async def refused(client, bad: dict) -> dict:
    """Push one bad mutation (id 2) after a good one; the good one lands, the bad one is
    refused and stores nothing, and the device's position moves past both."""
    good = new_id()
    result = await push(client, PHONE, [mutation(1, good, {"body": "kept"}), bad])
    assert result["results"][0]["status"] == "APPLIED"
    assert result["lastMutationId"] == 2
    assert result["serverVersion"] == 1
    outcome = result["results"][1]
    assert outcome["status"] == "REJECTED", outcome
    assert outcome["message"]
    records, _ = await pull_all(client)
    assert records[good]["fields"]["body"] == "kept"
    assert set(records) == {good}
    return outcome


PLAN = {"title": "Summer", "timeZone": "Europe/London", "lastSessionBefore": "2026-03-27T10:00"}
KEY = os.urandom(32)
ITEM = {"name": "Smooth stone", "feelsLike": "cool"}
ENVELOPE = reference.seal_record(KEY, new_id(), "toolkit_item", 1, ITEM)


@pytest.mark.parametrize(
    ("args", "kwargs", "code", "field"),
    [
        ((new_id(), {"body": "x" * (MAX_BODY + 1)}), {}, "TOO_LARGE", "body"),
        ((new_id(), {"body": 42}), {}, "BAD_INPUT", "body"),
        ((new_id(), "not an object"), {}, "BAD_INPUT", "fields"),
        ((new_id(), {"mood": "low"}), {}, "UNKNOWN_FIELD", "mood"),
        ((new_id(), {"conflictBody": "sneaky"}), {}, "BAD_INPUT", "conflictBody"),
        ((new_id(), {"state": "sent"}), {}, "BAD_INPUT", "state"),
        ((new_id(), {"tags": ["a"] * 31}), {}, "TOO_LARGE", "tags"),
        ((new_id(), {"clientEditedAt": "yesterday"}), {}, "BAD_INPUT", "clientEditedAt"),
        ((new_id(), {"clientEditedAt": "2026-01-01T10:00"}), {}, "BAD_INPUT", "clientEditedAt"),
        ((new_id(), {}), {"kind": "diary"}, "UNKNOWN_KIND", None),
        ((new_id(), {}), {"op": "explode"}, "UNKNOWN_OPERATION", None),
        (("not-a-uuid", {"body": "x"}), {}, "BAD_INPUT", "recordId"),
        ((new_id(), {"body": "x"}), {"base": 999}, "BASE_FROM_FUTURE", None),
        ((new_id(), {"body": "x"}), {"base": 0}, "UNKNOWN_BASE", None),
        ((new_id(), {}), {"op": "delete"}, "NOT_FOUND", "recordId"),
        # A clear kind has no envelope.
        ((new_id(), {"body": "x"}), {"sealed": ENVELOPE}, "BAD_INPUT", "sealed"),
        ((new_id(), {"body": "x"}), {"fmt": 1}, "BAD_INPUT", "format"),
        (
            (new_id(), {"discussedInSession": True}),
            {"kind": "shared_letter", "fmt": 1},
            "BAD_INPUT",
            "format",
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
            mutation(8, good, {"body": "kept"}),
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
    await push(
        robin, PHONE, [mutation(1, first, {"body": "a"}), mutation(2, second, {"body": "b"})]
    )
    result = await push(robin, PHONE, [mutation(3, second, {"body": "c"}, base=1)])
    assert result["results"][0]["code"] == "UNKNOWN_BASE"


async def test_someone_elses_record_is_invisible_and_untouched(robin, other_client):
    await register(other_client, username="alex")
    theirs = new_id()
    await push(other_client, "alex-device-1", [mutation(1, theirs, {"body": "alex's words"})])
    for op, fields in (("upsert", {"body": "overwritten"}), ("delete", None), ("purge", None)):
        result = await push(robin, PHONE, [mutation(1, theirs, fields, op=op, base=None)])
        assert result["results"][0]["code"] in ("NOT_FOUND",), result
        await gql(robin, "mutation { signOut }")
        await register(robin, username=f"robin-{op}")
    records, _ = await pull_all(other_client)
    assert records[theirs]["fields"]["body"] == "alex's words"
    assert not records[theirs]["deleted"]
    mine, _ = await pull_all(robin)
    assert theirs not in mine
    revisions = await gql(
        robin, "query($id: ID!) { letterRevisions(letterId: $id) { body } }", {"id": theirs}
    )
    assert error_code(revisions) == "NOT_FOUND"


@pytest.mark.parametrize("ids", [[2, 1], [1, 1], [0, 1], [-5]])
async def test_out_of_order_mutation_ids_refuse_the_whole_push(robin, ids):
    before = await row_counts()
    result = await push_raw(robin, PHONE, [mutation(i, new_id(), {"body": "x"}) for i in ids])
    assert error_code(result) == "OUT_OF_ORDER"
    assert await row_counts() == before


async def test_too_many_mutations_in_one_push(robin):
    result = await push_raw(robin, PHONE, [mutation(i, new_id(), {}) for i in range(1, 502)])
    assert error_code(result) == "TOO_LARGE"


@pytest.mark.parametrize("device", ["", "short", "x" * 65, "has spaces in it", "ünïcode-device"])
async def test_bad_device_ids(robin, device):
    result = await push_raw(robin, device, [mutation(1, new_id(), {"body": "x"})])
    assert error_code(result) == "BAD_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "deviceId"


@pytest.mark.parametrize("cursor", ["v", "12", "v-1", "vabc", "v1.5", "x" * 500])
async def test_malformed_cursors(robin, cursor):
    result = await gql(robin, PULL, {"cursor": cursor})
    assert error_code(result) == "BAD_CURSOR"


async def test_a_cursor_ahead_of_the_server(robin):
    await push(robin, PHONE, [mutation(1, new_id(), {"body": "x"})])
    assert (await pull_page(robin, "v1"))["records"] == []
    assert error_code(await gql(robin, PULL, {"cursor": "v2"})) == "CURSOR_AHEAD"


@pytest.mark.parametrize("limit", [0, -1, 1001])
async def test_pull_limits(robin, limit):
    assert error_code(await gql(robin, PULL, {"limit": limit})) == "BAD_INPUT"


async def test_sync_needs_a_session(client):
    assert error_code(await gql(client, PULL)) == "UNAUTHENTICATED"
    result = await push_raw(client, PHONE, [mutation(1, new_id(), {"body": "x"})])
    assert error_code(result) == "UNAUTHENTICATED"


async def test_wrong_graphql_types_in_a_push(robin):
    result = await gql(
        robin,
        'mutation($m: [SyncMutationInput!]!) { push(deviceId: "phone-0001", mutations: $m) '
        "{ lastMutationId } }",
        {"m": [{"mutationId": "one", "kind": "letter", "op": "upsert", "recordId": new_id()}]},
    )
    assert error_code(result) == "BAD_REQUEST"
