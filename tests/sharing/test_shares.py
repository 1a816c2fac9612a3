"""Sharing one letter: now or held, cancelled, delivered by the job, withdrawn, resent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from server import clock
from server.auth.models import Account
from server.sharing.shares import deliver_due
from tests.graphql_client import auth_key
from tests.sharing.people import (
    CANCEL,
    MY_SHARES,
    OPEN,
    REPORT_OPENING,
    RESEND,
    UNLINK,
    WITHDRAW,
    connect,
    share,
    share_refused,
    sign_up,
)
from tests.sync_client import new_id, opened, pull_in_order


async def counter(person) -> int:
    return (await Account.get(id=person.id)).change_counter


async def test_a_letter_shared_now_reaches_the_therapists_feed(app, robin, dana, link):
    letter = await robin.write("Tuesday", "I was angry when you left.")
    shared = await share(robin, letter, link, note="No need to reply.")
    assert shared["status"] == "DELIVERED" and shared["delivery"] == "NOW"
    assert shared["therapistName"] == "Dr Dana" and shared["edition"] == 1
    assert shared["deliveredAt"] and shared["title"] == "Tuesday"

    [(snapshot_id, snapshot)] = (await dana.snapshots()).items()
    assert snapshot == {
        "title": "Tuesday",
        "body": "I was angry when you left.",
        "note": "No need to reply.",
        "clientId": robin.id,
        "clientName": "Robin",
        "sharedAt": snapshot["sharedAt"],
        "deliveredAt": snapshot["deliveredAt"],
        "edition": 1,
        "discussedInSession": False,
    }
    # The therapist's feed holds only the copy: never the client's own letter.
    assert set(dana.feed) == {snapshot_id}
    assert letter not in dana.feed and snapshot_id not in {r["id"] for r in await robin.pull()}

    # Editing the letter afterwards leaves the snapshot as it was.
    await robin.write("Tuesday", "Actually, I was sad.", letter)
    assert (await dana.snapshots())[snapshot_id]["body"] == "I was angry when you left."
    opened = (await dana.ok(OPEN, {"id": snapshot_id}))["openSharedLetter"]
    assert opened["body"] == "I was angry when you left." and opened["clientName"] == "Robin"


async def test_delivery_pokes_the_therapist(app, robin, dana, link):
    letter = await robin.write("t", "words")
    heard = asyncio.get_running_loop().create_future()

    async def listen():
        async for version in app.state.pokes.subscribe(dana.id):
            heard.set_result(version)
            return

    listening = asyncio.create_task(listen())
    await asyncio.sleep(0.05)
    await share(robin, letter, link)
    assert await asyncio.wait_for(heard, timeout=5) == await counter(dana) == 1
    await listening


async def test_a_held_share_can_be_cancelled_without_a_trace(robin, dana, link, fake_clock):
    fake_clock.moment = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    letter = await robin.write("Late", "written at night")
    held = await share(robin, letter, link, "TOMORROW_MORNING", timeZone="Europe/Dublin")
    assert held["status"] == "HELD" and held["deliveredAt"] is None
    assert held["deliverAt"] == "2026-03-04T08:00:00+00:00"
    assert await dana.snapshots() == {} and await counter(dana) == 0

    cancelled = (await robin.ok(CANCEL, {"id": held["id"]}))["cancelShare"]
    assert cancelled["status"] == "CANCELLED" and cancelled["cancelledAt"]
    fake_clock.advance(days=2)
    assert await deliver_due(robin.http._transport.app.state.pokes) == []
    assert await dana.snapshots() == {} and await counter(dana) == 0
    assert await robin.refused(CANCEL, {"id": held["id"]}) == "ALREADY_CANCELLED"
    assert await robin.refused(WITHDRAW, {"id": held["id"]}) == "ALREADY_CANCELLED"


async def test_the_job_delivers_a_held_share_when_it_is_due(app, robin, dana, link, fake_clock):
    letter = await robin.write("Held", "for later")
    at = (fake_clock.moment + timedelta(hours=3)).isoformat()
    held = await share(robin, letter, link, "AT_TIME", deliverAt=at)
    assert held["status"] == "HELD"
    assert await robin.refused(WITHDRAW, {"id": held["id"]}) == "NOT_DELIVERED"
    # Words edited while it waits are not what goes: the share took them when made.
    await robin.write("Held", "changed my mind about the words", letter)

    fake_clock.advance(hours=2, minutes=59)
    assert await deliver_due(app.state.pokes) == []
    fake_clock.advance(minutes=1)
    delivered = await deliver_due(app.state.pokes)
    assert [str(i) for i in delivered] == [held["id"]]
    assert await deliver_due(app.state.pokes) == []

    [snapshot] = (await dana.snapshots()).values()
    assert snapshot["body"] == "for later"
    [mine] = (await robin.ok(MY_SHARES))["myShares"]
    assert mine["status"] == "DELIVERED" and mine["deliveredAt"]
    assert await robin.refused(CANCEL, {"id": held["id"]}) == "ALREADY_DELIVERED"


async def test_withdrawing_leaves_a_tombstone_without_words(robin, dana, link):
    letter = await robin.write("Sorry", "please forget this")
    shared = await share(robin, letter, link)
    [snapshot_id] = await dana.snapshots()
    withdrawn = (await robin.ok(WITHDRAW, {"id": shared["id"]}))["withdrawShare"]
    assert withdrawn["status"] == "WITHDRAWN" and withdrawn["withdrawnAt"]

    changed = await dana.pull()
    assert [(r["id"], r["deleted"], r["fields"]) for r in changed] == [(snapshot_id, True, {})]
    assert await dana.snapshots() == {}
    assert await dana.refused(OPEN, {"id": snapshot_id}) == "NOT_FOUND"
    assert await robin.refused(WITHDRAW, {"id": shared["id"]}) == "ALREADY_WITHDRAWN"
    assert await robin.refused(CANCEL, {"id": shared["id"]}) == "ALREADY_WITHDRAWN"
    assert await robin.refused(RESEND, await robin.resend(shared)) == "ALREADY_WITHDRAWN"


async def test_resending_replaces_the_words_and_keeps_the_therapists_mark(robin, dana, link):
    letter = await robin.write("Draft one", "first words")
    shared = await share(robin, letter, link, note="for Tuesday")
    [(snapshot_id, _)] = (await dana.snapshots()).items()
    version = dana.feed[snapshot_id]["version"]
    [marked] = await dana.push(
        [(snapshot_id, {"discussedInSession": True}, {"kind": "shared_letter", "base": version})]
    )
    assert marked["status"] == "APPLIED"

    await robin.write("Draft two", "better words", letter)
    resent = (await robin.ok(RESEND, await robin.resend(shared, note=None)))["resendShare"]
    assert resent["edition"] == 2 and resent["body"] == "better words"
    assert resent["note"] == "for Tuesday"
    snapshot = (await dana.snapshots())[snapshot_id]
    assert (snapshot["title"], snapshot["body"], snapshot["edition"]) == (
        "Draft two",
        "better words",
        2,
    )
    assert snapshot["discussedInSession"] is True and snapshot["note"] == "for Tuesday"

    cleared = (await robin.ok(RESEND, await robin.resend(shared, note="")))["resendShare"]
    assert cleared["note"] == "" and (await dana.snapshots())[snapshot_id]["note"] == ""


async def test_resending_a_held_share_updates_what_will_go(app, robin, dana, link, fake_clock):
    letter = await robin.write("t", "night words")
    at = (fake_clock.moment + timedelta(hours=1)).isoformat()
    held = await share(robin, letter, link, "AT_TIME", deliverAt=at)
    await robin.write("t", "morning words", letter)
    resent = (await robin.ok(RESEND, await robin.resend(held)))["resendShare"]
    assert resent["status"] == "HELD" and resent["edition"] == 1
    assert await dana.snapshots() == {}
    fake_clock.advance(hours=1)
    await deliver_due(app.state.pokes)
    assert [s["body"] for s in (await dana.snapshots()).values()] == ["morning words"]


@pytest.mark.parametrize("who", ["client", "therapist"])
async def test_unlinking_withdraws_and_cancels_everything_shared(
    app, robin, dana, link, fake_clock, who
):
    delivered = await share(robin, await robin.write("a", "delivered words"), link)
    at = (fake_clock.moment + timedelta(hours=1)).isoformat()
    held = await share(robin, await robin.write("b", "held words"), link, "AT_TIME", deliverAt=at)
    assert len(await dana.snapshots()) == 1

    await (robin if who == "client" else dana).ok(UNLINK, {"id": link})
    assert await dana.snapshots() == {}
    statuses = {s["id"]: s["status"] for s in (await robin.ok(MY_SHARES))["myShares"]}
    assert statuses == {delivered["id"]: "WITHDRAWN", held["id"]: "CANCELLED"}
    fake_clock.advance(hours=2)
    assert await deliver_due(app.state.pokes) == []
    assert await dana.snapshots() == {}
    # Nothing more can go through the old link, and linking again starts afresh.
    letter = await robin.write("c", "new words")
    assert await share_refused(robin, letter, link) == "NOT_LINKED"
    again = await connect(robin, dana)
    await share(robin, letter, again)
    assert [s["body"] for s in (await dana.snapshots()).values()] == ["new words"]


async def test_next_session_is_the_time_the_device_read_from_its_plans(
    robin, dana, link, fake_clock
):
    # The server cannot read plans: it holds the share until the time the device sends.
    fake_clock.moment = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
    letter = await robin.write("For after the break", "words")
    held = await share(robin, letter, link, "NEXT_SESSION", deliverAt="2026-08-04T10:00+02:00")
    assert held["status"] == "HELD" and held["delivery"] == "NEXT_SESSION"
    assert held["deliverAt"] == "2026-08-04T08:00:00+00:00"
    assert await dana.snapshots() == {}


async def test_a_share_id_from_the_device_makes_a_retry_harmless(robin, dana, link):
    letter = await robin.write("t", "once")
    share_id = new_id()
    first = await share(robin, letter, link, id=share_id)
    again = await share(robin, letter, link, id=share_id)
    assert first == again and first["id"] == share_id
    assert len(await dana.snapshots()) == 1
    other = await robin.write("u", "another")
    assert await share_refused(robin, other, link, id=share_id) == "BAD_INPUT"


async def test_my_shares_lists_newest_first_and_filters_by_letter(robin, dana, link):
    first = await robin.write("one", "1")
    second = await robin.write("two", "2")
    a = await share(robin, first, link)
    b = await share(robin, second, link)
    c = await share(robin, first, link)
    assert [s["id"] for s in (await robin.ok(MY_SHARES))["myShares"]] == [c["id"], b["id"], a["id"]]
    mine = (await robin.ok(MY_SHARES, {"letter": first}))["myShares"]
    assert [s["id"] for s in mine] == [c["id"], a["id"]]


async def test_the_therapist_may_only_mark_a_snapshot_as_discussed(app, robin, dana, link):
    await share(robin, await robin.write("t", "words"), link)
    [snapshot_id] = await dana.snapshots()
    base = dana.feed[snapshot_id]["version"]
    kind = {"kind": "shared_letter", "base": base}
    results = await dana.push(
        [
            (snapshot_id, {"body": "edited by the therapist"}, kind),
            (snapshot_id, {"note": "a reply"}, kind),
            (snapshot_id, None, {**kind, "op": "delete"}),
            (new_id(), {"discussedInSession": True}, {"kind": "shared_letter"}),
        ]
    )
    assert [(r["status"], r["code"]) for r in results] == [
        ("REJECTED", "BAD_INPUT"),
        ("REJECTED", "BAD_INPUT"),
        ("REJECTED", "UNKNOWN_OPERATION"),
        ("REJECTED", "NOT_FOUND"),
    ]
    assert (await dana.snapshots())[snapshot_id]["body"] == "words"


async def test_a_withdrawn_snapshot_cannot_be_brought_back_by_a_late_mark(robin, dana, link):
    shared = await share(robin, await robin.write("t", "words"), link)
    [snapshot_id] = await dana.snapshots()
    base = dana.feed[snapshot_id]["version"]
    await robin.ok(WITHDRAW, {"id": shared["id"]})
    # A therapist device that was offline marks it: an edit must not beat this delete.
    [late] = await dana.push(
        [(snapshot_id, {"discussedInSession": True}, {"kind": "shared_letter", "base": base})]
    )
    assert (late["status"], late["code"]) == ("REJECTED", "NOT_FOUND")
    assert await dana.snapshots() == {}
    assert dana.feed[snapshot_id]["fields"] == {}


async def test_a_clients_deleted_account_takes_its_letters_out_of_the_feed(app, robin, dana, link):
    await share(robin, await robin.write("t", "words"), link)
    assert len(await dana.snapshots()) == 1
    key = await auth_key(robin.http, robin.username)
    deleted = await robin.ask("mutation($k: String!) { deleteAccount(authKey: $k) }", {"k": key})
    assert deleted["data"]["deleteAccount"] is True
    assert await dana.snapshots() == {}
    assert (await dana.ok("{ sharingLinks { id } }"))["sharingLinks"] == []


async def test_a_therapists_deleted_account_ends_the_links(app, robin, dana, link):
    letter = await robin.write("t", "words")
    await share(robin, letter, link)
    key = await auth_key(dana.http, dana.username)
    deleted = await dana.ask("mutation($k: String!) { deleteAccount(authKey: $k) }", {"k": key})
    assert deleted["data"]["deleteAccount"] is True
    assert (await robin.ok("{ sharingLinks { id } }"))["sharingLinks"] == []
    assert await share_refused(robin, letter, link) == "NOT_FOUND"
    # Robin's letter itself is untouched.
    records, _ = await pull_in_order(robin.http, None, limit=100)
    assert [(r["id"], opened(r, robin.key)["body"]) for r in records] == [(letter, "words")]


async def test_the_client_never_sees_whether_a_letter_was_opened(app, robin, dana, link):
    shared = await share(robin, await robin.write("t", "words"), link)
    [snapshot_id] = await dana.snapshots()
    before = (await robin.ok(MY_SHARES))["myShares"]
    await dana.ok(OPEN, {"id": snapshot_id})
    device_time = clock.now().astimezone(timezone(timedelta(hours=1))).isoformat()
    await dana.ok(OPEN, {"id": snapshot_id, "openedAt": device_time})
    assert (await robin.ok(MY_SHARES))["myShares"] == before
    robin_pull = await robin.pull()
    assert all(r["kind"] != "shared_letter" for r in robin_pull)

    # Only the export tells, as the access log.
    export = (await robin.ok("{ exportMyData }"))["exportMyData"]
    log = export["accessLog"]
    assert [(e["position"], e["shareId"], e["event"]) for e in log] == [
        (1, shared["id"], "opened"),
        (2, shared["id"], "opened"),
    ]
    assert log[1]["deviceOpenedAt"] == device_time
    assert [s["id"] for s in export["shares"]] == [shared["id"]]
    alex = await sign_up(app, "alex")
    assert (await alex.ok("{ exportMyData }"))["exportMyData"]["accessLog"] == []


async def test_an_opening_made_offline_is_logged_even_after_a_withdrawal(robin, dana, link):
    shared = await share(robin, await robin.write("t", "words"), link)
    [snapshot_id] = await dana.snapshots()
    await robin.ok(WITHDRAW, {"id": shared["id"]})
    # Dana's device read it offline before its next pull, and reports that now.
    when = clock.now().astimezone(timezone(timedelta(hours=1))).isoformat()
    assert (await dana.ok(REPORT_OPENING, {"id": snapshot_id, "openedAt": when}))["reportOpening"]
    log = (await robin.ok("{ exportMyData }"))["exportMyData"]["accessLog"]
    assert [(e["shareId"], e["deviceOpenedAt"]) for e in log] == [(shared["id"], when)]
    # Still no words, and a time is required.
    refused = await dana.ask(REPORT_OPENING, {"id": snapshot_id, "openedAt": "yesterday"})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_INPUT"
