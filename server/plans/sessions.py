"""What other domains may ask about a person's plans: when their next session is."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from server.clock import in_utc
from server.plans.kind import PLAN
from server.sync.models import SyncRecord


async def next_session_between(
    owner_id: uuid.UUID, after: datetime, until: datetime
) -> datetime | None:
    """The soonest "first session after" of the owner's plans later than `after` and no
    later than `until`, in UTC; None if no plan has one then. A plan's local time is read
    in the plan's own time zone."""
    plans = await SyncRecord.filter(owner_id=owner_id, kind=PLAN.name, deleted=False)
    upcoming = []
    for plan in plans:
        local = plan.data.get("firstSessionAfter")
        if not local:
            continue
        zone = ZoneInfo(plan.data.get("timeZone") or "UTC")
        start = in_utc(datetime.fromisoformat(local).replace(tzinfo=zone))
        if start is not None and after < start <= until:
            upcoming.append(start)
    return min(upcoming, default=None)
