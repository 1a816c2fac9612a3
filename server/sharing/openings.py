"""What a therapist's device may say about an opening it made offline: when, and how often.

Every report adds an entry to the access log, which is hash-chained and never trimmed,
and the client reads the device's time in it. So the time must be one at which the
device could have held the words, from the letter's first delivery until now, give or
take a device clock a few minutes out; and each therapist may report only so many.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import HTTPConnection

from server.auth.throttle import rate_limited
from server.clock import in_utc
from server.errors import bad_input
from server.sharing.models import LetterShare
from server.sync.models import SyncRecord

# A device coming back online sends its openings one after another; a day offline
# with a full caseload stays well inside these.
REPORT_LIMITS = (parse("60/minute"), parse("1000/day"))
CLOCK_SKEW = timedelta(minutes=5)


class OpeningReports:
    """Counts each therapist's reports, in the storage the sign-in throttle uses."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    async def count(self, therapist_id: uuid.UUID) -> None:
        """Count one report, or refuse it with RATE_LIMITED once a budget is spent."""
        for item in REPORT_LIMITS:
            keys = ("opening-report", str(therapist_id))
            if not await self._limiter.hit(item, *keys):
                stats = await self._limiter.get_window_stats(item, *keys)
                raise rate_limited(
                    "Too many openings reported at once. They will be sent again shortly.",
                    stats.reset_time - time.time(),
                )


def opening_reports(connection: HTTPConnection, storage_uri: str) -> OpeningReports:
    """The app's one counter, made on first use: in-memory counts belong to the event
    loop serving the app, so they cannot be made when this module is imported."""
    state = connection.app.state
    reports = getattr(state, "opening_reports", None)
    if reports is None:
        reports = state.opening_reports = OpeningReports(storage_uri)
    return reports


async def check_device_time(share: LetterShare, opened_at: datetime, moment: datetime) -> None:
    """Refuse a device time outside [first delivery, now], CLOCK_SKEW either side."""
    # A resend moves `delivered_at` on; the snapshot was made at the first delivery,
    # and a device may report reading that first edition after the resend.
    first = await SyncRecord.filter(id=share.snapshot_id).values_list("created_at", flat=True)
    delivered = [t for t in (share.delivered_at, *first) if t is not None]
    earliest = min(delivered) - CLOCK_SKEW
    device_time = in_utc(opened_at)
    if device_time is None or not earliest <= device_time <= moment + CLOCK_SKEW:
        raise bad_input(
            "openedAt", "That time is not one at which this letter could have been opened."
        )
