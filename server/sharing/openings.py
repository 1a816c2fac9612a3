"""What a therapist's device may say about an opening it made offline: when, and how often.

Every report adds an entry to the access log, which is hash-chained and never trimmed,
and the client reads the device's time in it. So the time must be one at which the
device could have held the words, from the letter's first delivery until now, give or
take a device clock a few minutes out; and each therapist may report only so many.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from limits import RateLimitItem, parse

from server.auth.throttle import rate_limited
from server.clock import in_utc
from server.columns import column
from server.errors import bad_input
from server.ratelimits import Budgets
from server.sharing.models import LetterShare
from server.sync.models import SyncRecord

# A device coming back online sends its openings one after another; a day offline
# with a full caseload stays well inside these.
REPORT_LIMITS = (parse("60/minute"), parse("1000/day"))
# Every reading is an entry in a log that is never trimmed. Counted apart from reports,
# and far more generously: a therapist reading is never refused; a script is.
OPEN_LIMITS = (parse("120/minute"), parse("5000/day"))
CLOCK_SKEW = timedelta(minutes=5)


class Openings:
    """Counts each therapist's openings and reports, in the budgets the sign-in throttle
    uses; refuses with RATE_LIMITED once a budget is spent."""

    def __init__(self, budgets: Budgets) -> None:
        self._budgets = budgets

    async def count_report(self, therapist_id: uuid.UUID) -> None:
        await self._spend(
            REPORT_LIMITS,
            "opening-report",
            therapist_id,
            "Too many openings reported at once. They will be sent again shortly.",
        )

    async def count_open(self, therapist_id: uuid.UUID) -> None:
        await self._spend(
            OPEN_LIMITS,
            "opening",
            therapist_id,
            "Too many letters opened at once. Please wait a moment.",
        )

    async def _spend(
        self, limits: tuple[RateLimitItem, ...], name: str, therapist_id: uuid.UUID, message: str
    ) -> None:
        for item in limits:
            wait = await self._budgets.spend(item, name, str(therapist_id))
            if wait is not None:
                raise rate_limited(message, wait)


async def check_device_time(share: LetterShare, opened_at: datetime, moment: datetime) -> None:
    """Refuse a device time outside [first delivery, now], CLOCK_SKEW either side."""
    # A resend moves `delivered_at` on; the snapshot was made at the first delivery,
    # and a device may report reading that first edition after the resend.
    first = await column(SyncRecord.filter(id=share.snapshot_id), "created_at")
    delivered = [t for t in (share.delivered_at, *first) if t is not None]
    earliest = min(delivered) - CLOCK_SKEW
    device_time = in_utc(opened_at)
    if device_time is None or not earliest <= device_time <= moment + CLOCK_SKEW:
        raise bad_input(
            "openedAt", "That time is not one at which this letter could have been opened."
        )
