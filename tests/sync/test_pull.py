"""Pull's records as one JSON value, what an idle pull reads, and compressed answers;
through the real app on both databases."""

from __future__ import annotations

import logging
import uuid

import pytest

from server.auth.models import Account
from server.sync.models import SyncRecord
from tests.graphql_client import gql, register
from tests.sync_client import letter, letter_mutation, mutation, new_id, push, sealed_mutation

PHONE = "phone-0001"
BOTH = """query($cursor: String, $limit: Int) { pull(cursor: $cursor, limit: $limit) {
  records { id kind version deleted deletedAt fields sealed format createdAt updatedAt }
  recordsJson cursor hasMore } }"""
NEW = """query($cursor: String, $device: String) { pull(cursor: $cursor, deviceId: $device) {
  recordsJson cursor hasMore serverVersion } }"""
WITH_POSITION = """query($cursor: String, $device: String) {
  pull(cursor: $cursor, deviceId: $device) { cursor lastMutationId } }"""


@pytest.fixture
async def robin(client) -> tuple:
    answer = await register(client)
    return client, answer["accountKey"], uuid.UUID(answer["account"]["id"])


async def a_bit_of_everything(client, key: bytes, account_id: uuid.UUID) -> None:
    """Letters and toolkit items, one in the trash, one deleted for good, and a clear
    record with fields (written as sharing writes a therapist's copy)."""
    letters = [new_id() for _ in range(3)]
    item = new_id()
    made = [
        *(
            letter_mutation(n + 1, lid, letter(f"Words é {n}", "Tuesday"), key)
            for n, lid in enumerate(letters)
        ),
        sealed_mutation(4, item, {"name": "Smooth stone"}, key),
    ]
    # Each on a version an earlier push made: one in the trash, one deleted for good.
    deleted = [
        mutation(5, letters[0], kind="letter", op="delete", base=1),
        mutation(6, letters[1], kind="letter", op="delete", base=2),
    ]
    purged = [mutation(7, letters[1], kind="letter", op="purge", base=6)]
    for batch in (made, deleted, purged):
        pushed = await push(client, PHONE, batch)
        assert {r["status"] for r in pushed["results"]} == {"APPLIED"}
    account = await Account.get(id=account_id)
    version = account.change_counter + 1
    await SyncRecord.create(
        id=uuid.uuid4(),
        owner_id=account_id,
        kind="shared_letter",
        version=version,
        created_version=version,
        data={"title": "Für Dienstag", "body": "Ich denke an dich.\n", "edition": 1},
        field_versions={"title": version},
    )
    await Account.filter(id=account_id).update(change_counter=version)


async def test_records_json_holds_exactly_what_records_did(robin):
    client, key, account_id = robin
    await a_bit_of_everything(client, key, account_id)
    cursor, pages = None, 0
    while True:
        page = (await gql(client, BOTH, {"cursor": cursor, "limit": 2}))["data"]["pull"]
        assert page["recordsJson"] == page["records"]
        pages += 1
        cursor = page["cursor"]
        if not page["hasMore"]:
            break
    assert pages == 3

    # And both are the rows as the ORM reads them, each timestamp as DateTime writes it.
    page = (await gql(client, NEW, {"cursor": None}))["data"]["pull"]
    rows = await SyncRecord.filter(owner_id=account_id).order_by("version")
    assert page["recordsJson"] == [
        {
            "id": str(row.id),
            "kind": row.kind,
            "version": row.version,
            "deleted": row.deleted,
            "deletedAt": None if row.deleted_at is None else row.deleted_at.isoformat(),
            "fields": row.data,
            "sealed": row.sealed,
            "format": row.format,
            "createdAt": row.created_at.isoformat(),
            "updatedAt": row.updated_at.isoformat(),
        }
        for row in rows
    ]
    kinds = {r["kind"]: r for r in page["recordsJson"]}
    assert kinds["shared_letter"]["fields"]["title"] == "Für Dienstag"
    assert any(r["deleted"] and r["sealed"] is None for r in page["recordsJson"])
    assert any(r["deleted"] and r["sealed"] and r["deletedAt"] for r in page["recordsJson"])


async def test_an_old_clients_records_query_still_works(robin):
    client, key, _ = robin
    lid = new_id()
    await push(client, PHONE, [letter_mutation(1, lid, letter("Hello"), key)])
    old = "{ pull { records { id version sealed } cursor } }"
    page = (await gql(client, old))["data"]["pull"]
    assert [r["id"] for r in page["records"]] == [lid] and page["cursor"] == "v1"


async def test_an_idle_pull_reads_no_device_position_unless_asked(robin, caplog):
    client, key, _ = robin
    await push(client, PHONE, [letter_mutation(1, new_id(), letter("Hello"), key)])
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")

    caplog.clear()
    page = (await gql(client, NEW, {"cursor": "v1", "device": PHONE}))["data"]["pull"]
    assert page["recordsJson"] == [] and page["hasMore"] is False
    statements = [r.getMessage() for r in caplog.records]
    assert statements, "the session is read"
    assert not any("sync_device" in s for s in statements)
    assert not any("sync_record" in s for s in statements)

    caplog.clear()
    page = (await gql(client, WITH_POSITION, {"cursor": "v1", "device": PHONE}))["data"]["pull"]
    assert page["lastMutationId"] == 1
    assert any("sync_device" in r.getMessage() for r in caplog.records)


async def test_a_bad_device_id_is_still_refused_when_its_position_is_not_asked_for(robin):
    client, _, _ = robin
    result = await gql(client, NEW, {"cursor": None, "device": "no"})
    assert result["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def pull_answer(client, accept_encoding: str, cursor: str | None = None):
    return await client.post(
        "/graphql",
        json={"query": NEW, "variables": {"cursor": cursor}},
        headers={"accept-encoding": accept_encoding},
    )


async def test_a_large_answer_is_gzipped_only_for_a_client_that_takes_it(robin):
    client, key, _ = robin
    await push(
        client,
        PHONE,
        [letter_mutation(n + 1, new_id(), letter("A long week. " * 300), key) for n in range(5)],
    )
    zipped = await pull_answer(client, "gzip, deflate, br")
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert zipped.headers["cache-control"] == "no-store"
    # What came over the wire is gzip, and smaller than what it holds.
    assert int(zipped.headers["content-length"]) < len(zipped.content)

    for refused in ("identity", "gzip;q=0, identity", "br"):
        plain = await pull_answer(client, refused)
        assert "content-encoding" not in plain.headers
        assert plain.headers["cache-control"] == "no-store"
        assert plain.json() == zipped.json()
        assert int(plain.headers["content-length"]) == len(plain.content)


async def test_a_small_answer_goes_as_it_is(robin):
    client, _, _ = robin
    idle = await pull_answer(client, "gzip")
    assert "content-encoding" not in idle.headers
    assert idle.json()["data"]["pull"]["recordsJson"] == []
