"""The plan countdown, run in Chromium on the real module, checked against zoneinfo.

Dates and instants cluster around daylight-saving changes (and the gaps and repeated
hours they make), in zones north and south of the equator and with half-hour offsets.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page

pytestmark = pytest.mark.browser

ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/St_Johns",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]
FIRST_YEAR, LAST_YEAR = 2000, 2040
BROWSER_EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@cache
def transitions(zone: str) -> list[datetime]:
    """Every UTC offset change in the zone between the years, to the minute."""
    tz = ZoneInfo(zone)
    found = []
    day = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR, 12, 31, tzinfo=UTC)
    while day < end:
        following = day + timedelta(days=1)
        if day.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset():
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        day = following
    return found


@st.composite
def instants(draw, zone: str) -> int:
    """Milliseconds since the epoch: near a clock change, or anywhere in the years."""
    changes = transitions(zone)
    if changes and draw(st.booleans()):
        change = draw(st.sampled_from(changes))
        return int(change.timestamp() * 1000) + draw(st.integers(-4 * 3_600_000, 4 * 3_600_000))
    low = int(datetime(FIRST_YEAR, 1, 2, tzinfo=UTC).timestamp() * 1000)
    high = int(datetime(LAST_YEAR, 12, 30, tzinfo=UTC).timestamp() * 1000)
    return draw(st.integers(low, high))


@st.composite
def local_times(draw, zone: str) -> str:
    """A wall-clock time to the minute; near a change it may fall in a gap or a fold."""
    instant = draw(instants(zone))
    local = datetime.fromtimestamp(instant / 1000, ZoneInfo(zone)).replace(tzinfo=None)
    local = local.replace(second=0, microsecond=0) + timedelta(minutes=draw(st.integers(-90, 90)))
    return local.isoformat(timespec="minutes")


def instant_of(local: str, zone: str) -> int:
    # zoneinfo's fold=0: the first of a repeated time; a skipped time keeps the old offset.
    return int(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).timestamp()) * 1000


@pytest.fixture
def countdown(chromium, served_sqlite):
    """Calls into pwa/src/plans/countdown.js in one page: `countdown(name, *args)`, in
    British English (times are written the locale's way: "10:00")."""
    with module_page(chromium, served_sqlite, "/src/plans/countdown.js", locale="en-GB") as call:
        yield call


@BROWSER_EXAMPLES
@given(data=st.data(), zone=st.sampled_from(ZONES))
def test_wall_clock_times_become_the_same_instants_as_zoneinfo(countdown, data, zone):
    local = data.draw(local_times(zone))
    assert countdown("toInstant", local, zone) == instant_of(local, zone), local


@BROWSER_EXAMPLES
@given(data=st.data(), zone=st.sampled_from(ZONES))
def test_instants_read_as_the_same_wall_clock_as_zoneinfo(countdown, data, zone):
    instant = data.draw(instants(zone))
    seen = datetime.fromtimestamp(instant / 1000, ZoneInfo(zone))
    assert countdown("wallClock", instant, zone) == {
        "year": seen.year,
        "month": seen.month,
        "day": seen.day,
        "hour": seen.hour,
        "minute": seen.minute,
        "second": seen.second,
    }


def expected_countdown(plan: dict, now: int) -> dict:
    zone = plan["timeZone"]
    today = datetime.fromtimestamp(now / 1000, ZoneInfo(zone)).date()
    ending = plan["kind"] == "ending"
    start_local = plan["lastSessionBefore"]
    end_local = plan["lastSessionEver"] if ending else plan["firstSessionAfter"]
    start, end = datetime.fromisoformat(start_local), datetime.fromisoformat(end_local)
    start_at, end_at = instant_of(start_local, zone), instant_of(end_local, zone)
    if now < start_at:
        phase = "before"
    elif now >= end_at:
        phase = "after"
    else:
        phase = "during"
    return {
        "phase": phase,
        "day": None if ending else (today - start.date()).days,
        "length": None if ending else (end.date() - start.date()).days,
        "daysUntil": (end.date() - today).days,
        "daysUntilStart": (start.date() - today).days,
        "minutesUntil": math.floor((end_at - now) / 60_000),
    }


@BROWSER_EXAMPLES
@given(
    data=st.data(),
    zone=st.sampled_from(ZONES),
    kind=st.sampled_from(["break", "client_away", "ending"]),
    days=st.integers(1, 40),
    session_minute=st.integers(6 * 60, 21 * 60),
)
def test_the_countdown_counts_days_and_minutes_like_zoneinfo(
    countdown, data, zone, kind, days, session_minute
):
    start_local = data.draw(local_times(zone))
    start = datetime.fromisoformat(start_local)
    end = (start + timedelta(days=days)).replace(
        hour=session_minute // 60, minute=session_minute % 60
    )
    end_local = end.isoformat(timespec="minutes")
    plan = {
        "kind": kind,
        "timeZone": zone,
        "lastSessionBefore": start_local,
        "firstSessionAfter": None if kind == "ending" else end_local,
        "lastSessionEver": end_local if kind == "ending" else None,
    }
    # Now: around the start, the end, or any clock change in between.
    start_at, end_at = instant_of(start_local, zone), instant_of(end_local, zone)
    now = data.draw(
        st.integers(start_at - 3 * 86_400_000, end_at + 3 * 86_400_000)
        | st.sampled_from([start_at, end_at - 1, end_at, end_at - 60_000])
    )
    got = countdown("countdown", plan, now)
    assert {key: got[key] for key in expected_countdown(plan, now)} == expected_countdown(plan, now)


def test_a_break_across_the_clock_change_reads_as_people_say_it(countdown):
    """London, autumn 2026: clocks go back on 25 October, in the middle of the break."""
    plan = {
        "kind": "break",
        "timeZone": "Europe/London",
        "lastSessionBefore": "2026-10-20T10:00",
        "firstSessionAfter": "2026-11-03T10:00",
    }
    now = instant_of("2026-10-24T09:00", "Europe/London")
    assert countdown("describe", plan, now, {"break": "break"}) == [
        "Day 4 of 14.",
        "10 days until Tuesday 10:00.",
    ]
    # 10 calendar days, but one more hour than ten full days because the clocks went back.
    assert countdown("countdown", plan, now)["minutesUntil"] == (10 * 24 + 1) * 60 + 60


YEAR_MS = 366 * 86_400_000


@pytest.fixture
def plans(chromium, served_sqlite):
    """Calls into pwa/src/plans/plans.js, where the next session is read for a share."""
    with module_page(chromium, served_sqlite, "/src/plans/plans.js") as call:
        yield call


@BROWSER_EXAMPLES
@given(data=st.data())
def test_the_next_session_is_the_soonest_still_to_come_within_a_year(plans, data):
    now = data.draw(instants("UTC"))
    drawn = []
    for zone in data.draw(st.lists(st.sampled_from(ZONES), max_size=4)):
        near = data.draw(st.integers(-30, 400)) * 86_400_000 + now
        local = data.draw(st.one_of(st.none(), local_times(zone), st.just(local_at(near, zone))))
        drawn.append({"kind": "break", "timeZone": zone, "firstSessionAfter": local})
    upcoming = [
        instant_of(plan["firstSessionAfter"], plan["timeZone"])
        for plan in drawn
        if plan["firstSessionAfter"]
    ]
    expected = min((at for at in upcoming if now < at <= now + YEAR_MS), default=None)
    assert plans("nextSession", drawn, now) == expected, drawn


def local_at(instant: int, zone: str) -> str:
    local = datetime.fromtimestamp(instant / 1000, ZoneInfo(zone)).replace(tzinfo=None)
    return local.isoformat(timespec="minutes")


def test_a_session_past_the_calendar_or_a_year_off_is_not_the_next(plans):
    now = int(datetime(2026, 7, 20, 12, tzinfo=UTC).timestamp() * 1000)
    far = [
        # Valid local times in their zones that lie past the calendar's ends in UTC.
        {"timeZone": "Pacific/Pago_Pago", "firstSessionAfter": "9999-12-31T23:00"},
        {"timeZone": "Pacific/Kiritimati", "firstSessionAfter": "0001-01-01T00:00"},
        # Further off than a chosen time may be, and already past.
        {"timeZone": "UTC", "firstSessionAfter": "2027-07-22T12:00"},
        {"timeZone": "UTC", "firstSessionAfter": "2026-07-20T11:59"},
        {"timeZone": "UTC", "firstSessionAfter": "not a time"},
    ]
    assert plans("nextSession", far, now) is None
    soon = {"timeZone": "Europe/Berlin", "firstSessionAfter": "2026-08-04T10:00"}
    expected = int(datetime(2026, 8, 4, 8, tzinfo=UTC).timestamp() * 1000)
    assert plans("nextSession", [*far, soon], now) == expected
