"""What a therapist's device may report about an opening: a time at which it could have
held the words, and only so many reports; a refused report leaves the log untouched."""

from __future__ import annotations

from datetime import timedelta

from limits import parse

from server import clock
from server.sharing import openings
from server.sharing.access_log import verify
from tests.conftest import row_counts
from tests.sharing.people import OPEN, REPORT_OPENING, RESEND, WITHDRAW, connect, share, sign_up


async def refused(person, query, variables) -> dict:
    before = await row_counts()
    result = await person.ask(query, variables)
    assert result.get("data") is None, result
    assert await row_counts() == before
    return result["errors"][0]["extensions"]


async def test_a_reported_time_lies_between_the_first_delivery_and_now(
    robin, dana, link, fake_clock
):
    delivered = fake_clock.moment
    shared = await share(robin, await robin.write("t", "first words"), link)
    [snapshot] = await dana.snapshots()
    fake_clock.advance(hours=1)
    await robin.ok(RESEND, await robin.resend(shared))
    fake_clock.advance(hours=1)
    now = fake_clock.moment
    await dana.ok(REPORT_OPENING, {"id": snapshot, "openedAt": now.isoformat()})
    entries = (await verify()).count

    for absurd in (
        "1970-01-01T00:00:00+00:00",
        "2999-01-01T00:00:00+00:00",
        "0001-01-01T00:00+23:59",
    ):
        for query in (REPORT_OPENING, OPEN):
            answer = await refused(dana, query, {"id": snapshot, "openedAt": absurd})
            assert (answer["code"], answer["field"]) == ("BAD_INPUT", "openedAt"), (absurd, query)
    for outside in (delivered - timedelta(minutes=6), now + timedelta(minutes=6)):
        answer = await refused(
            dana, REPORT_OPENING, {"id": snapshot, "openedAt": outside.isoformat()}
        )
        assert answer["field"] == "openedAt", outside

    # Read offline before the resend, reported after it; and clocks a little out.
    for fine in (
        delivered + timedelta(minutes=30),
        delivered - timedelta(minutes=4),
        now + timedelta(minutes=4),
    ):
        variables = {"id": snapshot, "openedAt": fine.isoformat()}
        assert (await dana.ok(REPORT_OPENING, variables))["reportOpening"], fine
    await robin.ok(WITHDRAW, {"id": shared["id"]})
    late = {"id": snapshot, "openedAt": (now - timedelta(minutes=1)).isoformat()}
    assert (await dana.ok(REPORT_OPENING, late))["reportOpening"]
    verdict = await verify()
    assert verdict.count == entries + 4 and verdict.problems == []


async def test_reports_are_rate_limited_per_therapist(app, robin, dana, link, monkeypatch):
    monkeypatch.setattr(openings, "REPORT_LIMITS", (parse("3/minute"), parse("1000/day")))
    await share(robin, await robin.write("t", "words"), link)
    [snapshot] = await dana.snapshots()
    report = {"id": snapshot, "openedAt": clock.now().isoformat()}
    for _ in range(3):
        assert (await dana.ok(REPORT_OPENING, report))["reportOpening"]
    answer = await refused(dana, REPORT_OPENING, report)
    assert answer["code"] == "RATE_LIMITED" and 1 <= answer["retryAfterSeconds"] <= 60
    assert (await verify()).count == 3

    # Another therapist has a budget of their own; reading is not reporting.
    sam = await sign_up(app, "sam", "THERAPIST", "Dr Sam")
    await share(robin, await robin.write("u", "other words"), await connect(robin, sam))
    [theirs] = await sam.snapshots()
    assert (await sam.ok(REPORT_OPENING, {**report, "id": theirs}))["reportOpening"]
    assert (await dana.ok(OPEN, {"id": snapshot}))["openSharedLetter"]["id"] == snapshot
    await sam.http.aclose()


async def test_openings_have_a_budget_of_their_own(robin, dana, link, monkeypatch):
    monkeypatch.setattr(openings, "OPEN_LIMITS", (parse("2/minute"), parse("1000/day")))
    await share(robin, await robin.write("t", "words"), link)
    [snapshot] = await dana.snapshots()
    for _ in range(2):
        assert (await dana.ok(OPEN, {"id": snapshot}))["openSharedLetter"]["id"] == snapshot
    answer = await refused(dana, OPEN, {"id": snapshot})
    assert answer["code"] == "RATE_LIMITED" and 1 <= answer["retryAfterSeconds"] <= 60
    assert (await verify()).count == 2
    # Reading spent its own budget, not the one for openings reported later.
    report = {"id": snapshot, "openedAt": clock.now().isoformat()}
    assert (await dana.ok(REPORT_OPENING, report))["reportOpening"]
