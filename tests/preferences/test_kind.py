"""The preferences record, sealed: the person's words for things and their own Help now
contacts reach the server as an envelope, under the one id the account's devices derive."""

from __future__ import annotations

import uuid

from server.preferences.kind import preferences_id
from tests.graphql_client import register, sign_in
from tests.sharing.people import connect, sign_up
from tests.sync_client import (
    mutation,
    new_id,
    opened,
    pull_all,
    pull_page,
    push,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"
WORDS = {"therapistWord": "my_t", "breakWord": "holiday", "helpContacts": []}
SAM = {"name": "Sam", "phone": "+64 21 000", "note": "Evenings"}
CONTACTS = {"therapistWord": "therapist", "helpContacts": [SAM]}


def own_id(account: dict) -> str:
    return str(preferences_id(uuid.UUID(account["account"]["id"])))


def sealed(mutation_id: int, record_id: str, content: dict, key: bytes, **kwargs) -> dict:
    return sealed_mutation(mutation_id, record_id, content, key, kind="preferences", **kwargs)


def test_the_id_is_the_one_the_app_derives():
    # pwa/src/preferences.js idFor("6f1c2b0e-8d4a-4c3b-9e2f-1a2b3c4d5e6f"), run in a browser.
    account = uuid.UUID("6f1c2b0e-8d4a-4c3b-9e2f-1a2b3c4d5e6f")
    assert str(preferences_id(account)) == "60173e8e-cf4d-8e67-9410-75a7b8adc86d"


async def test_preferences_reach_another_device_sealed(client, other_client):
    account = await register(client)
    key, shared = account["accountKey"], own_id(account)
    [made] = (await push(client, PHONE, [sealed(1, shared, WORDS, key)]))["results"]
    assert (made["status"], made["version"]) == ("APPLIED", 1)
    await sign_in(other_client, "robin")
    records, _ = await pull_all(other_client)
    record = records[shared]
    assert (record["kind"], record["format"], record["fields"]) == ("preferences", 1, {})
    assert opened(record, key) == WORDS
    # The server keeps the content as it came: no defaults of its own are added.
    changed = {**WORDS, "helpContacts": [SAM], "helpCountry": "NZ"}
    [edit] = (await push(other_client, LAPTOP, [sealed(1, shared, changed, key, base=1)]))[
        "results"
    ]
    assert (edit["status"], edit["version"]) == ("APPLIED", 2)
    records, _ = await pull_all(client)
    assert opened(records[shared], key) == changed


async def test_clear_preferences_are_refused_and_nothing_is_kept(client):
    shared = own_id(await register(client))
    clear = mutation(1, shared, {"therapistWord": "my_t"}, kind="preferences")
    [result] = (await push(client, PHONE, [clear]))["results"]
    assert (result["status"], result["code"], result["field"]) == (
        "REJECTED",
        "BAD_INPUT",
        "fields",
    )
    records, _ = await pull_all(client)
    assert records == {}


async def test_two_devices_that_never_synced_lose_neither_ones_choices(client):
    """Both derive the same id. The second never saw the first's record, so its change is
    stale and gets that record, however it is sent: nothing is written over words this
    device never showed."""
    account = await register(client)
    key, shared = account["accountKey"], own_id(account)
    [first] = (await push(client, PHONE, [sealed(1, shared, WORDS, key)]))["results"]
    assert first["status"] == "APPLIED"
    answer = await push(client, LAPTOP, [sealed(1, shared, CONTACTS, key)])
    [second] = answer["results"]
    assert (second["status"], second["version"]) == ("STALE", 1)
    assert opened(second["current"], key) == WORDS
    assert answer["serverVersion"] == 1
    # Its merge, sent on the version it was given, is taken.
    merged = {**WORDS, "helpContacts": [SAM]}
    [again] = (await push(client, LAPTOP, [sealed(2, shared, merged, key, base=1)]))["results"]
    assert (again["status"], again["version"]) == ("APPLIED", 2)
    # So is a delete with no base: stale, the record kept.
    forget = mutation(3, shared, kind="preferences", op="delete")
    [delete] = (await push(client, LAPTOP, [forget]))["results"]
    assert (delete["status"], delete["current"]["version"]) == ("STALE", 2)
    records, _ = await pull_all(client)
    assert not records[shared]["deleted"] and opened(records[shared], key) == merged


async def test_a_stale_preferences_upsert_answers_the_current_envelope(client):
    account = await register(client)
    key, shared = account["accountKey"], own_id(account)
    await push(client, PHONE, [sealed(1, shared, WORDS, key)])
    await push(client, PHONE, [sealed(2, shared, {**WORDS, "innerChild": False}, key, base=1)])
    records, cursor = await pull_all(client)
    kept = records[shared]["sealed"]
    answer = await push(client, LAPTOP, [sealed(1, shared, CONTACTS, key, base=1)])
    [stale] = answer["results"]
    assert (stale["status"], stale["version"], stale["code"]) == ("STALE", 2, None)
    current = stale["current"]
    assert (current["id"], current["kind"], current["version"]) == (shared, "preferences", 2)
    assert current["sealed"] == kept and current["format"] == 1 and not current["deleted"]
    assert opened(current, key) == {**WORDS, "innerChild": False}
    # Nothing written: no new version and nothing new to pull.
    assert answer["serverVersion"] == 2
    assert (await pull_page(client, cursor))["records"] == []


async def test_a_linked_therapist_cannot_take_the_clients_preferences(app):
    """Linked people see each other's account id, so they can work out this record's id.
    Whether the record exists or not, the answer is the same, and it stays untouched."""
    robin = await sign_up(app, "robin", "CLIENT")
    ada = await sign_up(app, "ada", "THERAPIST")
    try:
        await connect(robin, ada)
        robins_id = str(preferences_id(uuid.UUID(robin.id)))

        async def squat() -> list[tuple]:
            tries = [
                ada.sealed(robins_id, "preferences", {"helpCountry": "NZ"}),
                ada.sealed(robins_id, "preferences", {"helpCountry": "NZ"}, base=1),
                (robins_id, None, {"kind": "preferences", "op": "delete", "base": 1}),
            ]
            results = await ada.push(tries)
            return [(r["status"], r["code"], r["field"], r["current"]) for r in results]

        refused = [("REJECTED", "BAD_INPUT", "recordId", None)] * 3
        assert await squat() == refused
        [own] = await robin.push([robin.sealed(robins_id, "preferences", CONTACTS)])
        assert own["status"] == "APPLIED", own
        assert await squat() == refused
        [record] = await robin.pull()
        assert record["version"] == own["version"] and not record["deleted"]
        assert opened(record, robin.key) == CONTACTS
        assert robins_id not in {r["id"] for r in await ada.pull()}
    finally:
        await robin.http.aclose()
        await ada.http.aclose()


async def test_any_other_id_is_refused(client):
    key = (await register(client))["accountKey"]
    [result] = (await push(client, PHONE, [sealed(1, new_id(), WORDS, key)]))["results"]
    assert (result["status"], result["code"], result["field"]) == (
        "REJECTED",
        "BAD_INPUT",
        "recordId",
    )
    records, _ = await pull_all(client)
    assert records == {}
