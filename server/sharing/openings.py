"""What a therapist's device may say about an opening it made offline: when, and how often.

Every report adds an entry to the access log, which is hash-chained and never trimmed,
and the client reads the device's time in it. So the time must be one at which the
device could have held the words, from the letter's first delivery until now, give or
take a device clock a few minutes out; and each therapist may report only so many.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from limits import parse

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
CLOCK_SKEW = timedelta(minutes=5)


class OpeningReports:
    """Counts each therapist's reports, in the budgets the sign-in throttle uses."""

    def __init__(self, budgets: Budgets) -> None:
        self._budgets = budgets

    async def count(self, therapist_id: uuid.UUID) -> None:
        """Count one report, or refuse it with RATE_LIMITED once a budget is spent."""
        for item in REPORT_LIMITS:
            wait = await self._budgets.spend(item, "opening-report", str(therapist_id))
            if wait is not None:
                raise rate_limited(
                    "Too many openings reported at once. They will be sent again shortly.", wait
                )


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
