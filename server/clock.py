"""The server's clock. Client clocks are for display only and never come through here.

Every module reads the time through `now`, however it imported it, and `now` reads
`source`: so a test that sets `source` moves all of the server's time at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def system_time() -> datetime:
    return datetime.now(UTC)


source: Callable[[], datetime] = system_time


def now() -> datetime:
    return source()


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def in_utc(moment: datetime) -> datetime | None:
    """An aware `moment` in UTC, or None when that falls past either end of the calendar:
    9999-12-31T23:59-23:59 is a fine local time, but no datetime holds it in UTC."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None
