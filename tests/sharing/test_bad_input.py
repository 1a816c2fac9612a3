"""Every bad share, cancel, withdraw and open gets a typed error, and writes nothing."""

from __future__ import annotations

from datetime import timedelta

from server.letters.models import LetterRevision
from server.sync.models import SyncRecord
from tests.conftest import row_counts
from tests.graphql_client import gql
from tests.sharing.people import (
    CANCEL,
    LINK,
    LOOK_UP,
    OPEN,
    REPORT_OPENING,
    RESEND,
    SHARE,
    UNLINK,
    WITHDRAW,
    connect,
    share_input,
    sign_up,
)
from tests.sync_client import new_id

LONG_NOTE = "x" * 2001


async def refused_with(person, query, variables) -> tuple[str, str | None]:
    before = await row_counts()
    result = await gql(person.http, query, variables)
    assert result.get("data") is None, result
    assert await row_counts() == before
    extensions = result["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")


BAD_DELIVERIES = [  # delivery, extra input, code, field
    ("AT_TIME", {"deliverAt": "-1 hours"}, "DELIVERY_IN_PAST", "deliverAt"),
    ("AT_TIME", {"deliverAt": "next Tuesday"}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "2030-01-01T10:00"}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "x" * 500}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "+400 days"}, "BAD_INPUT", "deliverAt"),
    # Times that exist as text but not on the clock: past datetime's ends once in UTC.
    ("AT_TIME", {"deliverAt": "9999-12-31T23:59:59-23:59"}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "0001-01-01T00:00:00+23:59"}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "9999-12-31T23:59:59+00:00"}, "BAD_INPUT", "deliverAt"),
    ("AT_TIME", {"deliverAt": "0001-01-01T00:00:00+00:00"}, "DELIVERY_IN_PAST", "deliverAt"),
    ("TOMORROW_MORNING", {}, "BAD_INPUT", "timeZone"),
    ("TOMORROW_MORNING", {"timeZone": "Mars/Olympus"}, "BAD_INPUT", "timeZone"),
    # The device sends the next session's time, read from its plans; held to the same rules.
    ("NEXT_SESSION", {}, "BAD_INPUT", "deliverAt"),
    ("NEXT_SESSION", {"deliverAt": "-1 hours"}, "DELIVERY_IN_PAST", "deliverAt"),
    ("NEXT_SESSION", {"deliverAt": "+400 days"}, "BAD_INPUT", "deliverAt"),
    ("NEXT_SESSION", {"deliverAt": "9999-12-31T23:59:59-23:59"}, "BAD_INPUT", "deliverAt"),
    ("NOW", {"note": LONG_NOTE}, "TOO_LARGE", "note"),
    ("NOW", {"note": "nul\x00"}, "BAD_INPUT", "note"),
    ("NOW", {"note": "a bell\x07 and an escape\x1b"}, "BAD_INPUT", "note"),
    ("AT_TIME", {"deliverAt": "2030-01-01T10:00\x00+01:00"}, "BAD_INPUT", "deliverAt"),
    ("TOMORROW_MORNING", {"timeZone": "Europe/Dublin\x00"}, "BAD_INPUT", "timeZone"),
    ("NOW", {"id": "\x00"}, "BAD_INPUT", "id"),
    ("NOW", {"id": "not-a-uuid"}, "BAD_INPUT", "id"),
    ("NOW", {"letterVersion": 99}, "LETTER_CHANGED", "letterVersion"),
]


async def test_bad_delivery_and_note(robin, dana, link, fake_clock):
    letter = await robin.write("t", "words")
    for delivery, extra, code, field in BAD_DELIVERIES:
        extra = dict(extra)
        for name, value in extra.items():
            if name == "deliverAt" and value[0] in "+-":
                hours = int(value.split()[0]) * (24 if "days" in value else 1)
                extra[name] = (fake_clock.moment + timedelta(hours=hours)).isoformat()
        variables = await share_input(robin, letter, link, delivery, **extra)
        assert await refused_with(robin, SHARE, variables) == (code, field), (delivery, extra)


async def test_a_time_that_is_exactly_now_is_in_the_past(robin, dana, link, fake_clock):
    letter = await robin.write("t", "words")
    now = fake_clock.moment.isoformat()
    variables = await share_input(robin, letter, link, "AT_TIME", deliverAt=now)
    assert await refused_with(robin, SHARE, variables) == ("DELIVERY_IN_PAST", "deliverAt")


async def test_control_characters_in_codes_and_ids(robin, dana, link):
    for query, variables, field in [
        (LOOK_UP, {"code": "ABCD\x00EFGH"}, "code"),
        (LINK, {"code": "\x00"}, "code"),
        (RESEND, {"id": new_id(), "note": "\x85"}, "note"),
        (UNLINK, {"id": f"{link}\x00"}, "linkId"),
    ]:
        assert await refused_with(robin, query, variables) == ("BAD_INPUT", field), query
    await robin.ok(SHARE, await share_input(robin, await robin.write("t", "words"), link))
    [snapshot_id] = await dana.snapshots()
    for query in (OPEN, REPORT_OPENING):
        variables = {"id": snapshot_id, "openedAt": "2026-05-01T21:30\x00+00:00"}
        assert await refused_with(dana, query, variables) == ("BAD_INPUT", "openedAt"), query


async def test_bad_letters(app, robin, dana, link):
    alex = await sign_up(app, "alex")
    theirs = await alex.write("theirs", "not Robin's")
    trashed = await robin.write("gone", "in the trash")
    base = robin.feed[trashed]["version"]
    [deleted] = await robin.push([(trashed, None, {"op": "delete", "base": base})])
    assert deleted["status"] == "APPLIED"
    plan = new_id()
    [made] = await robin.push([robin.sealed(plan, "plan", {"title": "A plan"})])
    assert made["status"] == "APPLIED", made
    for letter, expected in [
        (theirs, ("NOT_FOUND", None)),
        (new_id(), ("NOT_FOUND", None)),
        (plan, ("NOT_FOUND", None)),
        ("not-a-uuid", ("BAD_INPUT", "letterId")),
        (trashed, ("BAD_INPUT", "letterId")),
    ]:
        assert (
            await refused_with(robin, SHARE, await share_input(robin, letter, link)) == expected
        ), letter


async def test_the_words_a_device_sends_are_checked(robin, dana, link):
    letter = await robin.write("t", "words")
    for extra, expected in [
        ({"letterVersion": None}, ("BAD_INPUT", "letterVersion")),
        ({"letterVersion": -1}, ("BAD_INPUT", "letterVersion")),
        ({"letterVersion": 99}, ("LETTER_CHANGED", "letterVersion")),
        ({"title": None}, ("BAD_INPUT", "title")),
        ({"title": "x" * 501}, ("TOO_LARGE", "title")),
        ({"body": None}, ("BAD_INPUT", "body")),
        ({"body": "x" * 250_001}, ("TOO_LARGE", "body")),
        ({"body": "nul\x00"}, ("BAD_INPUT", "body")),
    ]:
        variables = await share_input(robin, letter, link, **extra)
        assert await refused_with(robin, SHARE, variables) == expected, extra


async def test_bad_links(app, robin, dana, link):
    letter = await robin.write("t", "words")
    alex = await sign_up(app, "alex")
    alexs_link = await connect(alex, dana)
    assert await refused_with(robin, SHARE, await share_input(robin, letter, alexs_link)) == (
        "NOT_FOUND",
        None,
    )
    assert await refused_with(robin, SHARE, await share_input(robin, letter, new_id())) == (
        "NOT_FOUND",
        None,
    )
    assert await refused_with(robin, SHARE, await share_input(robin, letter, "x")) == (
        "BAD_INPUT",
        "linkId",
    )
    await dana.ok(UNLINK, {"id": link})
    assert await refused_with(robin, SHARE, await share_input(robin, letter, link)) == (
        "NOT_LINKED",
        "linkId",
    )


async def test_a_client_with_no_link_at_all_cannot_share(app, robin):
    letter = await robin.write("t", "words")
    assert await refused_with(robin, SHARE, await share_input(robin, letter, new_id())) == (
        "NOT_FOUND",
        None,
    )


async def test_unknown_and_malformed_share_ids(app, robin, dana, link):
    for query in (CANCEL, WITHDRAW, RESEND):
        assert await refused_with(robin, query, {"id": new_id()}) == ("NOT_FOUND", None)
        assert await refused_with(robin, query, {"id": "nope"}) == ("BAD_INPUT", "id")


async def test_resend_checks_the_note_and_the_letter(robin, dana, link):
    letter = await robin.write("t", "words")
    shared = (await robin.ok(SHARE, await share_input(robin, letter, link)))["shareLetter"]
    variables = await robin.resend(shared, note=LONG_NOTE)
    assert await refused_with(robin, RESEND, variables) == ("TOO_LARGE", "note")
    for missing in ("letterVersion", "title", "body"):
        variables = await robin.resend(shared, **{missing: None})
        assert await refused_with(robin, RESEND, variables) == ("BAD_INPUT", missing), missing
    # Edited since the device read it: the words it sends are not the letter's now.
    variables = await robin.resend(shared)
    await robin.write("t", "other words", letter)
    assert await refused_with(robin, RESEND, variables) == ("LETTER_CHANGED", "letterVersion")
    await robin.push([(letter, None, {"op": "delete", "base": robin.feed[letter]["version"]})])
    variables = await robin.resend(shared)
    assert await refused_with(robin, RESEND, variables) == ("BAD_INPUT", "letterId")


async def test_whether_a_letter_may_be_sent_is_sealed_with_it(robin, dana, link):
    """A letter marked never to send is the device's to refuse: the mark is sealed with
    the letter, and the server never holds it in a form it could read."""
    letter = await robin.write("never", "not to send", state="never_send")
    await robin.pull()
    assert robin.feed[letter]["content"]["state"] == "never_send"
    row = await SyncRecord.get(id=letter)
    revisions = await LetterRevision.filter(letter_id=letter)
    assert row.data == {} and row.sealed and len(revisions) == 1
    kept = [row.data, row.sealed, *(r.sealed for r in revisions)]
    assert "never_send" not in repr(kept)


async def test_bad_openings(robin, dana, link):
    await robin.ok(SHARE, await share_input(robin, await robin.write("t", "words"), link))
    [snapshot_id] = await dana.snapshots()
    assert await refused_with(dana, OPEN, {"id": new_id()}) == ("NOT_FOUND", None)
    assert await refused_with(dana, OPEN, {"id": "nope"}) == ("BAD_INPUT", "id")
    for when in ("yesterday", "2026-05-01T21:30"):
        variables = {"id": snapshot_id, "openedAt": when}
        assert await refused_with(dana, OPEN, variables) == ("BAD_INPUT", "openedAt")
