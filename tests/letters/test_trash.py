"""A letter in the trash is a sealed tombstone that still holds its last envelope. Purged,
or after 30 days in the trash (every sealed kind), the envelope and the letter's revisions
go for good, at a new version that every device pulls."""

from __future__ import annotations

import re
from datetime import timedelta

from server.clock import now
from server.domains import CHORES
from server.letters.models import LetterRevision
from server.settings import PROJECT_ROOT
from server.sync.models import SyncRecord
from server.sync.trash import TRASH_DAYS
from tests.graphql_client import gql, sign_in
from tests.sync_client import (
    letter,
    letter_mutation,
    mutation,
    new_id,
    opened,
    pull_all,
    pull_page,
    push,
    revisions,
    sealed_mutation,
)

PHONE = "phone-0001"
LAPTOP = "laptop-0001"
FIRST = letter("A secret, the first time.")
SECOND = letter("A secret, told again.")


async def one(client, device: str, *mutations: dict) -> dict:
    return (await push(client, device, list(mutations)))["results"][0]


async def trashed_letter(client, key) -> str:
    """A letter written at version 1 and put in the trash at version 2."""
    lid = new_id()
    await one(client, PHONE, letter_mutation(1, lid, FIRST, key))
    deleted = await one(client, PHONE, mutation(2, lid, op="delete", base=1))
    assert (deleted["status"], deleted["version"]) == ("APPLIED", 2)
    return lid


async def test_a_letter_not_in_the_trash_cannot_be_purged(robin):
    client, key = robin
    lid = new_id()
    made = await one(client, PHONE, letter_mutation(1, lid, FIRST, key))
    refused = await one(client, PHONE, mutation(2, lid, op="purge", base=1))
    assert (refused["status"], refused["code"], refused["version"]) == (
        "REJECTED",
        "NOT_IN_TRASH",
        None,
    )
    records, cursor = await pull_all(client)
    assert cursor == "v1" and not records[lid]["deleted"]
    assert (
        records[lid]["sealed"] == letter_mutation(1, lid, FIRST, key)["sealed"]
        or opened(records[lid], key) == FIRST
    )
    assert made["version"] == records[lid]["version"] == 1
    assert len(await revisions(client, lid)) == 1


async def test_purge_erases_the_envelope_and_every_revision_at_a_new_version(robin, other_client):
    client, key = robin
    lid = await trashed_letter(client, key)
    await sign_in(other_client, "robin")
    _, cursor = await pull_all(other_client)
    assert len(await revisions(client, lid)) == 1
    purged = await one(client, PHONE, mutation(3, lid, op="purge", base=2))
    assert (purged["status"], purged["version"], purged["current"]) == ("APPLIED", 3, None)
    # The other device pulls the tombstone with nothing left to open.
    changed, _ = await pull_all(other_client, cursor)
    tombstone = changed[lid]
    assert (tombstone["version"], tombstone["deleted"]) == (3, True)
    assert (tombstone["sealed"], tombstone["format"], tombstone["fields"]) == (None, None, {})
    assert tombstone["deletedAt"]
    assert await revisions(client, lid) == []
    assert await LetterRevision.filter(letter_id=lid).count() == 0
    row = await SyncRecord.get(id=lid)
    assert (row.sealed, row.format, row.data) == (None, None, {})
    export = (await gql(client, "{ exportMyData }"))["data"]["exportMyData"]
    entry = next(r for r in export["records"] if r["id"] == lid)
    # A tombstone with nothing left in it: no envelope, no field, no revision.
    assert entry["deleted"] and not entry.get("sealed") and not entry.get("fields")
    assert export["letterRevisions"] == []


async def test_purging_again_changes_nothing(robin):
    """An already purged letter has nothing left to lose: any device's purge is done,
    with no new version, whatever version it was made on."""
    client, key = robin
    lid = await trashed_letter(client, key)
    await one(client, PHONE, mutation(3, lid, op="purge", base=2))
    _, cursor = await pull_all(client)
    again = await push(
        client,
        LAPTOP,
        [mutation(1, lid, op="purge", base=3), mutation(2, lid, op="purge", base=1)],
    )
    assert [(r["status"], r["version"]) for r in again["results"]] == [("APPLIED", 3)] * 2
    assert again["serverVersion"] == 3
    assert (await pull_page(client, cursor))["records"] == []


async def test_a_purge_made_on_an_older_version_is_stale_and_erases_nothing(robin):
    """Brought back and trashed again elsewhere: the device sees those words before it
    erases them."""
    client, key = robin
    lid = await trashed_letter(client, key)
    back = await one(client, LAPTOP, letter_mutation(1, lid, SECOND, key, base=2))
    again = await one(client, LAPTOP, mutation(2, lid, op="delete", base=3))
    assert (back["version"], again["version"]) == (3, 4)
    _, cursor = await pull_all(client)
    stale = await one(client, PHONE, mutation(3, lid, op="purge", base=2))
    assert (stale["status"], stale["version"], stale["code"]) == ("STALE", 4, None)
    current = stale["current"]
    assert (current["version"], current["deleted"]) == (4, True)
    assert opened(current, key) == SECOND
    assert (await pull_page(client, cursor))["records"] == []
    assert [r["version"] for r in await revisions(client, lid)] == [3, 1]
    # On the version it was given, the purge is taken.
    purged = await one(client, PHONE, mutation(4, lid, op="purge", base=4))
    assert (purged["status"], purged["version"]) == ("APPLIED", 5)
    assert await revisions(client, lid) == []


async def test_an_edit_made_offline_brings_back_a_purged_letter(robin):
    """The edit was made on the version before the trash: it is STALE, told the letter is
    gone for good, and the device sends its own copy whole on the tombstone's version."""
    client, key = robin
    lid = await trashed_letter(client, key)
    await one(client, PHONE, mutation(3, lid, op="purge", base=2))
    offline = letter("Words written on the train, with no signal.")
    late = await one(client, LAPTOP, letter_mutation(1, lid, offline, key, base=1))
    assert (late["status"], late["version"]) == ("STALE", 3)
    current = late["current"]
    assert current["deleted"] and current["sealed"] is None and current["format"] is None
    back = await one(client, LAPTOP, letter_mutation(2, lid, offline, key, base=3))
    assert (back["status"], back["version"]) == ("APPLIED", 4)
    records, _ = await pull_all(client)
    assert not records[lid]["deleted"] and records[lid]["deletedAt"] is None
    assert opened(records[lid], key) == offline
    kept = await revisions(client, lid)
    assert [(r["version"], r["deviceId"]) for r in kept] == [(4, LAPTOP)]


def trash_chore():
    return next(chore for chore in CHORES if "trash" in chore.what)


async def test_old_trash_of_every_sealed_kind_is_emptied_and_recent_trash_kept(app, robin):
    client, key = robin
    old, recent, alive, old_box, recent_box = (new_id() for _ in range(5))
    box = {"name": "Texture box", "note": "Under the bed.", "position": 0}
    await push(
        client,
        PHONE,
        [
            letter_mutation(1, old, letter("old words"), key),
            letter_mutation(2, recent, letter("recent words"), key),
            letter_mutation(3, alive, letter("still here"), key),
            sealed_mutation(4, old_box, box, key, kind="toolkit_box"),
            sealed_mutation(5, recent_box, box, key, kind="toolkit_box"),
        ],
    )
    await push(
        client,
        PHONE,
        [
            letter_mutation(6, old, letter("old words, again"), key, base=1),
            *(
                mutation(n, rid, kind=kind, op="delete", base=base)
                for n, rid, kind, base in [
                    (7, recent, "letter", 2),
                    (8, old_box, "toolkit_box", 4),
                    (9, recent_box, "toolkit_box", 5),
                ]
            ),
        ],
    )
    await push(client, PHONE, [mutation(10, old, op="delete", base=6)])
    for rid in (old, old_box):
        await SyncRecord.filter(id=rid).update(deleted_at=now() - timedelta(days=TRASH_DAYS + 1))
    for rid in (recent, recent_box):
        await SyncRecord.filter(id=rid).update(deleted_at=now() - timedelta(days=TRASH_DAYS - 1))
    records, cursor = await pull_all(client)
    assert cursor == "v10"
    assert len(await revisions(client, old)) == 2

    assert await trash_chore().run(app.state.pokes) == 2
    assert await trash_chore().run(app.state.pokes) == 0

    changed, cursor = await pull_all(client, cursor)
    assert sorted(changed) == sorted([old, old_box]) and cursor == "v12"
    for rid in (old, old_box):
        assert changed[rid]["deleted"] and changed[rid]["deletedAt"]
        assert (changed[rid]["sealed"], changed[rid]["format"]) == (None, None)
    assert await revisions(client, old) == []
    assert len(await revisions(client, recent)) == 1
    assert opened(records[recent], key) == letter("recent words")
    everything, _ = await pull_all(client)
    assert opened(everything[recent], key) == letter("recent words")
    assert opened(everything[recent_box], key) == box
    assert opened(everything[alive], key) == letter("still here")
    assert not everything[alive]["deleted"]


def test_the_app_and_the_docs_give_the_servers_trash_days():
    """The PWA and the docs cannot import TRASH_DAYS, so they say the number: it must
    be the one the server keeps to."""
    letters = (PROJECT_ROOT / "pwa" / "src" / "letters.js").read_text()
    app_says = re.findall(r"^export const TRASH_DAYS = (\d+);$", letters, re.MULTILINE)
    docs_say = re.findall(
        r"in the trash for (\d+) days", (PROJECT_ROOT / "docs/sync.md").read_text()
    )
    assert app_says and docs_say
    assert {int(days) for days in app_says + docs_say} == {TRASH_DAYS}
