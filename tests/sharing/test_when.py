"""Delivery times: tomorrow morning in the person's own zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.errors import AppError, ErrorCode
from server.sharing.when import FURTHEST, chosen_time, tomorrow_morning

ZONES = ["Europe/Dublin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@pytest.mark.parametrize(
    ("local", "zone", "expected"),
    [
        # Written at 2 a.m.: the morning after that night, six hours on.
        ("2026-03-04T02:00", "Europe/Dublin", "2026-03-04T08:00"),
        ("2026-03-04T05:30", "Europe/Dublin", "2026-03-04T08:00"),
        ("2026-03-04T05:59", "Europe/Dublin", "2026-03-04T08:00"),
        ("2026-03-04T06:00", "Europe/Dublin", "2026-03-05T08:00"),
        ("2026-03-04T21:00", "Europe/Dublin", "2026-03-05T08:00"),
        # The clocks go forward that night, and back on the other.
        ("2026-03-28T22:00", "Europe/London", "2026-03-29T08:00"),
        ("2026-10-24T22:00", "Europe/London", "2026-10-25T08:00"),
        ("2026-11-01T00:30", "America/New_York", "2026-11-01T08:00"),
    ],
)
def test_tomorrow_morning(local, zone, expected):
    tz = ZoneInfo(zone)
    moment = datetime.fromisoformat(local).replace(tzinfo=tz).astimezone(UTC)
    got = tomorrow_morning(moment, zone)
    assert got.tzinfo == UTC
    assert got.astimezone(tz).replace(tzinfo=None) == datetime.fromisoformat(expected)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
)
def test_tomorrow_morning_is_always_eight_oclock_after_a_nights_sleep(moment, zone):
    got = tomorrow_morning(moment, zone)
    local = got.astimezone(ZoneInfo(zone))
    assert (local.hour, local.minute) == (8, 0)
    assert timedelta(hours=2) <= got - moment <= timedelta(hours=28)


@given(
    local=st.one_of(
        st.sampled_from([datetime.min, datetime.max.replace(microsecond=0)]),
        st.datetimes(),
    ),
    minutes=st.integers(-(24 * 60 - 1), 24 * 60 - 1),
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_any_chosen_time_is_an_answer_or_a_typed_refusal(local, minutes, moment):
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    text = f"{local.isoformat()}{sign}{hours:02d}:{mins:02d}"
    try:
        chosen = chosen_time(text, moment)
    except AppError as refusal:
        assert refusal.code in {ErrorCode.BAD_INPUT, ErrorCode.DELIVERY_IN_PAST}
        assert refusal.field == "deliverAt"
    else:
        assert chosen.tzinfo == UTC and moment < chosen <= moment + FURTHEST
