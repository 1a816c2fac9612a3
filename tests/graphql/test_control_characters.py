"""Control characters in any argument get BAD_INPUT naming the field, before the database
sees them; in a push, only the mutation that carries one is rejected."""

from __future__ import annotations

import pytest
from graphql import GraphQLList

from server.errors import AppError
from server.graphql.guards import CONTROL_CHARACTER, refuse_control_characters
from server.graphql.schema import build_schema
from tests.conftest import row_counts
from tests.graphql_client import gql, new_account, opening_input, recovery_input, register
from tests.sealed import device
from tests.sync_client import letter, letter_mutation, new_id, opened, pull_in_order, push, push_raw

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { id } }"
RECOVER = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }"
OPEN = "mutation($i: OpenRecoveryInput!) { openRecovery(input: $i) }"
KEY = "ab" * 32
SESSIONS = "{ mySessions { deviceLabel } }"

# U+0000, a bell, escape, DEL and a C1 control (next line).
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]


def sign_in(**changes) -> dict:
    return {"i": {"username": "robin", "authKey": KEY, **changes}}


def recover(**changes) -> dict:
    base = recovery_input(device.new_code(), "a different long password", bytes(32))
    return {"i": {**base, **changes}}


def register_alex(**changes) -> dict:
    return {"i": {**new_account(username="alex", password="another gentle password"), **changes}}


CASES = [  # (query, variables with {c} for the control character, field named)
    (SIGN_IN, lambda c: sign_in(username=f"rob{c}in"), "username"),
    (SIGN_IN, lambda c: sign_in(deviceLabel=f"phone{c}"), "deviceLabel"),
    (SIGN_IN, lambda c: sign_in(authKey=f"{KEY}{c}"), "authKey"),
    (OPEN, lambda c: {"i": {**opening_input(device.new_code()), "username": f"r{c}"}}, "username"),
    (RECOVER, lambda c: recover(username=f"{c}robin"), "username"),
    (RECOVER, lambda c: recover(deviceLabel=f"la{c}ptop"), "deviceLabel"),
    (REGISTER, lambda c: register_alex(deviceLabel=f"my {c} phone"), "deviceLabel"),
    (REGISTER, lambda c: register_alex(username=f"alex{c}"), "username"),
]


@pytest.mark.parametrize("character", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
async def test_account_inputs_refuse_control_characters(client, character):
    await register(client)
    for query, variables, field in CASES:
        before = await row_counts()
        result = await gql(client, query, variables(character))
        assert result.get("data") is None, (field, result)
        extensions = result["errors"][0]["extensions"]
        assert (extensions["code"], extensions.get("field")) == ("BAD_INPUT", field), result
        assert await row_counts() == before, field


async def test_tabs_and_line_breaks_are_not_refused(client):
    registered = await gql(client, REGISTER, register_alex(deviceLabel="work\tlaptop\r\n"))
    assert "errors" not in registered, registered
    sessions = await gql(client, SESSIONS)
    # The label is tidied into one line, as before.
    assert sessions["data"]["mySessions"] == [{"deviceLabel": "work laptop"}]


async def test_a_push_rejects_only_the_mutation_with_an_unstorable_character(client):
    account_key = (await register(client))["accountKey"]
    good, nul, key, spaced = new_id(), new_id(), new_id(), new_id()
    envelope = letter_mutation(2, nul, letter("words"), account_key)
    words = letter("tab\tpage\x0cbreak\x0bend", "t")
    answer = await push(
        client,
        "device-controls",
        [
            letter_mutation(1, good, letter("words", "fine"), account_key),
            {**envelope, "sealed": envelope["sealed"][:40] + "\x00" + envelope["sealed"][40:]},
            {**letter_mutation(3, key, letter("words"), account_key), "fields": {"bo\x00dy": 1}},
            # Other controls in a person's own words are kept as written: refusing them
            # would hold the letter off the server for a character no one can see.
            letter_mutation(4, spaced, words, account_key),
            letter_mutation(5, nul, letter("again"), account_key),
            {**letter_mutation(6, good, letter("words"), account_key), "recordId": "r\x00"},
        ],
    )
    results = {r["mutationId"]: r for r in answer["results"]}
    assert [results[i]["status"] for i in range(1, 7)] == [
        "APPLIED",
        "REJECTED",
        "REJECTED",
        "APPLIED",
        "APPLIED",
        "REJECTED",
    ], answer
    assert (results[2]["code"], results[2]["field"]) == ("BAD_ENVELOPE", "sealed")
    assert (results[3]["code"], results[3]["field"]) == ("BAD_INPUT", "fields")
    assert (results[6]["code"], results[6]["field"]) == ("BAD_INPUT", "recordId")
    assert answer["lastMutationId"] == 6
    records, _ = await pull_in_order(client)
    contents = {r["id"]: opened(r, account_key) for r in records}
    assert contents[spaced] == words
    assert contents[nul] == letter("again") and key not in contents


async def test_a_push_from_a_device_id_with_a_control_character_is_refused(client):
    account_key = (await register(client))["accountKey"]
    made = letter_mutation(1, new_id(), letter("words"), account_key)
    result = await push_raw(client, "device\x00id", [made])
    extensions = result["errors"][0]["extensions"]
    assert (extensions["code"], extensions.get("field")) == ("BAD_INPUT", "deviceId")


def test_the_refused_characters():
    refused = {chr(n) for n in range(0x200) if CONTROL_CHARACTER.search(chr(n))}
    expected = {chr(n) for n in [*range(0x20), *range(0x7F, 0xA0)]} - {"\t", "\n", "\r"}
    assert refused == expected


def test_json_values_are_searched_through_keys_lists_and_objects():
    schema = build_schema()._schema
    json_type = schema.get_type("JSON")
    mutation_input = schema.get_type("SyncMutationInput")
    clean = {"title": "a\tb\nc", "items": [{"text": "fine", "n": 1}, None, True]}
    refuse_control_characters(clean, json_type, "fields")
    for hidden in (
        {"items": [{"text": "bad\x00"}]},
        {"items": [{"bad\x1b": "text"}]},
        ["ok", ["deeper", ["\x85"]]],
    ):
        with pytest.raises(AppError) as refusal:
            refuse_control_characters(hidden, json_type, "fields")
        assert refusal.value.field == "fields"
    # Through an input object, the innermost input field is named.
    pushed = {"mutationId": 1, "kind": "letter", "op": "upsert", "recordId": "r\x00"}
    with pytest.raises(AppError) as refusal:
        refuse_control_characters([pushed], GraphQLList(mutation_input), "mutations")
    assert refusal.value.field == "recordId"


async def test_introspection_arguments_are_checked_too(client):
    # Development only: production has no introspection at all.
    found = await gql(client, '{ __type(name: "Query") { name } }')
    assert found == {"data": {"__type": {"name": "Query"}}}
    refused = await gql(client, '{ __type(name: "Qu\\u0001ery") { name } }')
    assert refused["errors"][0]["extensions"] == {"code": "BAD_INPUT", "field": "name"}
