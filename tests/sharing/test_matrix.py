"""Who may do what: every sharing operation, key pairs and safety numbers, plus pull and
push, run as the owning client, the linked therapist, an unlinked therapist, another
client and no one.

The unlinked therapist was linked once: the client shared a letter with them and then
unlinked, so they hold a tombstone and must never see the words again.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from server import clock
from tests.conftest import make_client
from tests.graphql_client import error_code
from tests.sharing.people import (
    CANCEL,
    CODE_EXPIRES,
    EXPORT,
    LINK,
    LINKS,
    LOOK_UP,
    MARK_COMPARED,
    MY_KEY_PAIRS,
    MY_SHARES,
    NEW_CODE,
    OPEN,
    PUBLIC_KEYS,
    REPORT_OPENING,
    RESEND,
    SET_KEY_PAIRS,
    SHARE,
    UNLINK,
    WITHDRAW,
    Person,
    allow_many_accounts,
    connect,
    key_pairs_input,
    make_key_pairs,
    new_code,
    share,
    sign_up,
)
from tests.sync_client import PULL, PUSH, REVISIONS

WORDS = "the words only Robin and Dana should ever see"
ACTORS = ("owner", "linked", "unlinked", "other", "anonymous")
_worlds = itertools.count()


def opened_at() -> str:
    """A device's time for an opening: one the server can believe, so just now."""
    return clock.now().isoformat()


@dataclass
class World:
    people: dict[str, Person]
    letter: str
    letter_version: int
    link: str
    delivered: str
    held: str
    snapshot: str
    old_snapshot: str
    old_link: str
    code: str


async def build_world(app) -> World:
    n = next(_worlds)
    owner = await sign_up(app, f"robin{n}", "CLIENT", "Robin")
    linked = await sign_up(app, f"dana{n}", "THERAPIST", "Dana")
    unlinked = await sign_up(app, f"tom{n}", "THERAPIST", "Tom")
    other = await sign_up(app, f"alex{n}", "CLIENT", "Alex")
    anonymous = Person(make_client(app), "anonymous")
    for person in (owner, linked, unlinked, other):
        await make_key_pairs(person)
    letter = await owner.write("For Tuesday", WORDS)
    # Once linked with Tom, shared with him, then unlinked.
    old_link = await connect(owner, unlinked)
    await share(owner, letter, old_link)
    [old_snapshot] = await unlinked.snapshots()
    await owner.ok(UNLINK, {"id": old_link})
    link = await connect(owner, linked)
    delivered = await share(owner, letter, link)
    later = (clock.now() + timedelta(hours=2)).isoformat()
    held = await share(owner, letter, link, "AT_TIME", deliverAt=later)
    [snapshot] = await linked.snapshots()
    await linked.ok(OPEN, {"id": snapshot})
    return World(
        people={
            "owner": owner,
            "linked": linked,
            "unlinked": unlinked,
            "other": other,
            "anonymous": anonymous,
        },
        letter=letter,
        letter_version=owner.feed[letter]["version"],
        link=link,
        delivered=delivered["id"],
        held=held["id"],
        snapshot=snapshot,
        old_snapshot=old_snapshot,
        old_link=old_link,
        code=await new_code(unlinked),
    )


Call = Callable[[Person, World], Awaitable[dict]]
# An expectation is an error code, or a check of the data that came back.
Check = Callable[[dict, World, Person], bool]


def asking(query: str, variables: Callable[[World], dict] | None = None) -> Call:
    async def call(person: Person, world: World) -> dict:
        return await person.ask(query, variables(world) if variables else None)

    return call


async def mark_discussed(person: Person, world: World) -> dict:
    person.next_mutation += 1
    result = await person.ask(
        PUSH,
        {
            "device": person.device,
            "mutations": [
                {
                    "mutationId": person.next_mutation - 1,
                    "kind": "shared_letter",
                    "op": "upsert",
                    "recordId": world.snapshot,
                    "fields": {"discussedInSession": True},
                }
            ],
        },
    )
    if "errors" in result:
        return result
    [outcome] = result["data"]["push"]["results"]
    if outcome["status"] == "REJECTED":
        return {"errors": [{"extensions": {"code": outcome["code"]}}]}
    return result


def ok(_data, _world, _person) -> bool:
    return True


def nothing(data: dict, _world, _person) -> bool:
    [value] = data.values()
    return value == []


def links_to(name: str) -> Check:
    def check(data, _world, _person):
        return [link["personName"] for link in data["sharingLinks"]] == [name]

    return check


def owner_shares(data, world, _person) -> bool:
    statuses = {s["id"]: s["status"] for s in data["myShares"]}
    # The third is the share that went to Tom, withdrawn when Robin unlinked.
    return (
        statuses.pop(world.delivered) == "DELIVERED"
        and statuses.pop(world.held) == "HELD"
        and (list(statuses.values()) == ["WITHDRAWN"])
    )


def pulled_only(expected: Callable[[World, list[dict]], bool]) -> Check:
    def check(data, world, _person):
        return expected(world, data["pull"]["records"])

    return check


def owner_pull(world, records) -> bool:
    return {r["kind"] for r in records} == {"letter"} and world.letter in {r["id"] for r in records}


def linked_pull(world, records) -> bool:
    return [(r["id"], r["kind"], r["fields"]["body"]) for r in records] == [
        (world.snapshot, "shared_letter", WORDS)
    ]


def unlinked_pull(world, records) -> bool:
    return [(r["id"], r["deleted"], r["fields"]) for r in records] == [
        (world.old_snapshot, True, {})
    ]


def empty_pull(_world, records) -> bool:
    return records == []


def export_without_words(data, _world, _person) -> bool:
    return WORDS not in str(data) and data["exportMyData"]["accessLog"] == []


def owner_export(data, world, _person) -> bool:
    export = data["exportMyData"]
    return {e["shareId"] for e in export["accessLog"]} == {world.delivered}


def linked_export(data, world, person) -> bool:
    entries = data["exportMyData"]["accessLog"]
    return entries and {e["therapistId"] for e in entries} == {person.id}


def words_of(world: World, *, letter_id: bool = True) -> dict:
    """The letter as its owner's device holds it, which is what a share sends."""
    words = {"letterVersion": world.letter_version, "title": "For Tuesday", "body": WORDS}
    return {"letterId": world.letter, **words} if letter_id else words


def keys_of(actor: str) -> Check:
    def check(data, world, _person):
        return data["publicKeys"]["accountId"] == world.people[actor].id

    return check


def own_pairs(data, _world, person) -> bool:
    [pairs] = data.values()
    return pairs["accountId"] == person.id


def compared(data, _world, _person) -> bool:
    return data["markSafetyNumberCompared"]["comparedSafetyNumber"] == "1" * 60


async def set_pairs(person: Person, world: World) -> dict:
    return await person.ask(
        SET_KEY_PAIRS, {"input": key_pairs_input(person.key or bytes(32), label="new")}
    )


UNAUTH, FORBIDDEN, NOT_FOUND = "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"

#                  owner         linked        unlinked      other         anonymous
OPERATIONS: dict[str, tuple[Call, tuple]] = {
    "newConnectCode": (asking(NEW_CODE), (FORBIDDEN, ok, ok, FORBIDDEN, UNAUTH)),
    "connectCodeExpiresAt": (asking(CODE_EXPIRES), (FORBIDDEN, ok, ok, FORBIDDEN, UNAUTH)),
    "lookUpConnectCode": (
        asking(LOOK_UP, lambda w: {"code": w.code}),
        (ok, FORBIDDEN, FORBIDDEN, ok, UNAUTH),
    ),
    "linkWithTherapist": (
        asking(LINK, lambda w: {"code": w.code}),
        (ok, FORBIDDEN, FORBIDDEN, ok, UNAUTH),
    ),
    "sharingLinks": (
        asking(LINKS),
        (links_to("Dana"), links_to("Robin"), nothing, nothing, UNAUTH),
    ),
    "unlink": (
        asking(UNLINK, lambda w: {"id": w.link}),
        (ok, ok, NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "unlink an ended link": (
        asking(UNLINK, lambda w: {"id": w.old_link}),
        ("NOT_LINKED", NOT_FOUND, "NOT_LINKED", NOT_FOUND, UNAUTH),
    ),
    "setMyKeyPairs": (set_pairs, (own_pairs, own_pairs, own_pairs, own_pairs, UNAUTH)),
    "myKeyPairs": (asking(MY_KEY_PAIRS), (own_pairs, own_pairs, own_pairs, own_pairs, UNAUTH)),
    "publicKeys of the client": (
        asking(PUBLIC_KEYS, lambda w: {"id": w.people["owner"].id}),
        (NOT_FOUND, keys_of("owner"), NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "publicKeys of the linked therapist": (
        asking(PUBLIC_KEYS, lambda w: {"id": w.people["linked"].id}),
        (keys_of("linked"), NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "markSafetyNumberCompared": (
        asking(MARK_COMPARED, lambda w: {"id": w.link, "number": "1" * 60}),
        (compared, compared, NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "markSafetyNumberCompared on the old link": (
        asking(MARK_COMPARED, lambda w: {"id": w.old_link, "number": "1" * 60}),
        ("NOT_LINKED", NOT_FOUND, "NOT_LINKED", NOT_FOUND, UNAUTH),
    ),
    "shareLetter": (
        asking(
            SHARE,
            lambda w: {"input": {**words_of(w), "linkId": w.link, "delivery": "NOW"}},
        ),
        (ok, FORBIDDEN, FORBIDDEN, NOT_FOUND, UNAUTH),
    ),
    "shareLetter through the old link": (
        asking(
            SHARE,
            lambda w: {"input": {**words_of(w), "linkId": w.old_link, "delivery": "NOW"}},
        ),
        ("NOT_LINKED", FORBIDDEN, FORBIDDEN, NOT_FOUND, UNAUTH),
    ),
    "myShares": (asking(MY_SHARES), (owner_shares, FORBIDDEN, FORBIDDEN, nothing, UNAUTH)),
    "cancelShare": (
        asking(CANCEL, lambda w: {"id": w.held}),
        (ok, FORBIDDEN, FORBIDDEN, NOT_FOUND, UNAUTH),
    ),
    "withdrawShare": (
        asking(WITHDRAW, lambda w: {"id": w.delivered}),
        (ok, FORBIDDEN, FORBIDDEN, NOT_FOUND, UNAUTH),
    ),
    "resendShare": (
        asking(RESEND, lambda w: {"id": w.delivered, **words_of(w, letter_id=False)}),
        (ok, FORBIDDEN, FORBIDDEN, NOT_FOUND, UNAUTH),
    ),
    "openSharedLetter": (
        asking(OPEN, lambda w: {"id": w.snapshot}),
        (FORBIDDEN, ok, NOT_FOUND, FORBIDDEN, UNAUTH),
    ),
    "openSharedLetter, withdrawn by unlinking": (
        asking(OPEN, lambda w: {"id": w.old_snapshot}),
        (FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH),
    ),
    "reportOpening": (
        asking(REPORT_OPENING, lambda w: {"id": w.snapshot, "openedAt": opened_at()}),
        (FORBIDDEN, ok, NOT_FOUND, FORBIDDEN, UNAUTH),
    ),
    "reportOpening, withdrawn by unlinking": (
        asking(REPORT_OPENING, lambda w: {"id": w.old_snapshot, "openedAt": opened_at()}),
        (FORBIDDEN, NOT_FOUND, ok, FORBIDDEN, UNAUTH),
    ),
    "pull": (
        asking(PULL),
        (
            pulled_only(owner_pull),
            pulled_only(linked_pull),
            pulled_only(unlinked_pull),
            pulled_only(empty_pull),
            UNAUTH,
        ),
    ),
    "push discussedInSession": (
        mark_discussed,
        (NOT_FOUND, ok, NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "letterRevisions": (
        asking(REVISIONS, lambda w: {"id": w.letter}),
        (ok, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH),
    ),
    "exportMyData": (
        asking(EXPORT),
        (owner_export, linked_export, export_without_words, export_without_words, UNAUTH),
    ),
}


# Operations that change the world: each permitted call of these gets a world of its own.
CHANGES_THE_WORLD = {
    "setMyKeyPairs",
    "markSafetyNumberCompared",
    "newConnectCode",
    "linkWithTherapist",
    "unlink",
    "shareLetter",
    "cancelShare",
    "withdrawShare",
    "resendShare",
    "push discussedInSession",
    "reportOpening",
    "reportOpening, withdrawn by unlinking",
}


async def test_who_may_do_what(app):
    allow_many_accounts(app)
    cases = [
        (operation, call, actor, expected)
        for operation, (call, expectations) in OPERATIONS.items()
        for actor, expected in zip(ACTORS, expectations, strict=True)
    ]
    world = await build_world(app)
    worlds = [world]
    # Every refusal first, all on one world (a refused call must change nothing), then
    # what is permitted.
    for operation, call, actor, expected in sorted(cases, key=lambda c: callable(c[3])):
        here = world
        if callable(expected) and operation in CHANGES_THE_WORLD:
            here = await build_world(app)
            worlds.append(here)
        person = here.people[actor]
        result = await call(person, here)
        if callable(expected):
            assert "errors" not in result, (operation, actor, result)
            assert expected(result["data"], here, person), (operation, actor, result["data"])
        else:
            assert error_code(result) == expected, (operation, actor, result)
    for each in worlds:
        for person in each.people.values():
            await person.http.aclose()
