"""When a held share is delivered: now, tomorrow morning, at a chosen time, or at the next
session of a plan (which the device reads from its plans and sends as a time). Times are
read in the person's own time zone and stored as instants."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.clock import in_utc
from server.errors import AppError, ErrorCode
from server.sharing.models import Delivery
from server.sync.fields import FieldProblem, TimeZone, checked, parse_datetime

MORNING = time(8)
# Before this hour it is still the night before: "tomorrow morning" is this morning's 08:00.
# The app's night (when a share waits for the morning by default) ends at the same hour.
NIGHT_ENDS = time(6)
FURTHEST = timedelta(days=366)


def tomorrow_morning(moment: datetime, zone_name: str) -> datetime:
    """The next 08:00 after a night's sleep, in `zone_name`: at 02:00 that is in six hours,
    at 21:00 the next day. Returned in UTC."""
    zone = ZoneInfo(zone_name)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < NIGHT_ENDS else local.date() + timedelta(days=1)
    return datetime.combine(day, MORNING, tzinfo=zone).astimezone(UTC)


def chosen_time(text: object, moment: datetime) -> datetime:
    expected = "Expected a date and time with its UTC offset, like 2026-08-04T10:00+01:00."
    try:
        chosen = parse_datetime(text, expected)
    except FieldProblem as problem:
        raise AppError(ErrorCode.BAD_INPUT, str(problem), field="deliverAt") from None
    if chosen.tzinfo is None:
        raise AppError(ErrorCode.BAD_INPUT, expected, field="deliverAt")
    chosen = in_utc(chosen)
    if chosen is None:
        raise AppError(
            ErrorCode.BAD_INPUT, "Choose a time within the next year.", field="deliverAt"
        )
    if chosen <= moment:
        raise AppError(
            ErrorCode.DELIVERY_IN_PAST, "That time has already passed.", field="deliverAt"
        )
    if chosen > moment + FURTHEST:
        raise AppError(
            ErrorCode.BAD_INPUT, "Choose a time within the next year.", field="deliverAt"
        )
    return chosen


def delivery_time(
    delivery: Delivery,
    moment: datetime,
    *,
    deliver_at: object = None,
    time_zone: object = None,
) -> datetime:
    if delivery is Delivery.NOW:
        return moment
    if delivery is Delivery.TOMORROW_MORNING:
        return tomorrow_morning(moment, checked(TimeZone(), time_zone, "timeZone"))
    # The next session is read by the device from its own plans, which the server cannot
    # read; it sends the session's time, and that time is held to a chosen time's rules.
    return chosen_time(deliver_at, moment)
