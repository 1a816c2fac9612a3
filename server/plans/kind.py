"""A separation plan: a break, the client away, or an ending."""

from __future__ import annotations

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


def check_plan(plan: dict) -> None:
    """Dates must fit the kind of plan, and run forwards."""
    before = plan.get("lastSessionBefore")
    if plan["kind"] == "ending":
        end = plan.get("lastSessionEver")
        if plan.get("firstSessionAfter"):
            raise RecordProblem("firstSessionAfter", "An ending has no session after it.")
        if end and before and datetime.fromisoformat(end) < datetime.fromisoformat(before):
            raise RecordProblem("lastSessionEver", "The last session cannot come before.")
        return
    if plan.get("lastSessionEver"):
        raise RecordProblem("lastSessionEver", "Only an ending has a last session ever.")
    after = plan.get("firstSessionAfter")
    if after and before and datetime.fromisoformat(after) <= datetime.fromisoformat(before):
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
