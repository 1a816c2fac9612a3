"""A separation plan: a break, the client away, or an ending."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from server.contacts import CONTACT
from server.sync.fields import (
    Choice,
    Flag,
    LocalDateTime,
    Objects,
    Reference,
    Text,
    TimeZone,
)
from server.sync.kinds import Kind, RecordProblem

PLAN_KINDS = ("break", "client_away", "ending")
BREAK_REASONS = ("vacation", "holiday", "long_weekend", "illness", "other")
STEP_TYPES = (
    "daily_anchor",
    "when_hard",
    "person",
    "activity",
    "bring_back_letter",
    "say_before_end",
    "ask_for",
    "goodbye_letter",
)

STEP = {
    "id": Reference(nullable=False),
    "type": Choice(STEP_TYPES),
    "text": Text(2000),
    "toolkitItemId": Reference(),
    "letterId": Reference(),
}


def local_time(plan: Mapping[str, object], name: str) -> datetime | None:
    """One of the plan's local date and times (already checked by its rule), if set."""
    value = plan.get(name)
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def check_plan(plan: Mapping[str, object]) -> None:
    """Dates must fit the kind of plan, and run forwards."""
    before = local_time(plan, "lastSessionBefore")
    if plan["kind"] == "ending":
        end = local_time(plan, "lastSessionEver")
        if plan.get("firstSessionAfter"):
            raise RecordProblem("firstSessionAfter", "An ending has no session after it.")
        if end and before and end < before:
            raise RecordProblem("lastSessionEver", "The last session cannot come before.")
        return
    if plan.get("lastSessionEver"):
        raise RecordProblem("lastSessionEver", "Only an ending has a last session ever.")
    after = local_time(plan, "firstSessionAfter")
    if after and before and after <= before:
        raise RecordProblem(
            "firstSessionAfter", "The first session after must come after the last one before."
        )


PLAN = Kind(
    name="plan",
    rules={
        "kind": Choice(PLAN_KINDS, default="break"),
        "reason": Choice(BREAK_REASONS, nullable=True),
        "title": Text(200),
        "timeZone": TimeZone(),
        "lastSessionBefore": LocalDateTime(nullable=True),
        "firstSessionAfter": LocalDateTime(nullable=True),
        "lastSessionEver": LocalDateTime(nullable=True),
        "contactAgreement": Text(5000),
        "coveringClinician": Objects(CONTACT, max_items=1),
        "crisisContacts": Objects(CONTACT, max_items=20),
        "steps": Objects(STEP, max_items=300),
        "showCountdown": Flag(default=True),
    },
    check_record=check_plan,
)
