"""The clock and the calendar as the person lives them: at 05:30 the night's share waits
for this morning's 08:00, not the next day's; a plan yet to begin is not the active
one; times are written the way the device's locale writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device
from tests.e2e.test_pwa_share_night import AGREEMENT, MAKE_PLAN, ZONE, people
from tests.e2e.test_pwa_sharing import connect, open_share, write_letter

pytestmark = pytest.mark.browser


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment on the person's own clock (Dublin)."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE))


@pytest.mark.parametrize(
    ("width", "height", "scheme", "locale", "eight"),
    [
        pytest.param(320, 640, "light", "en-GB", "08:00", id="320x640-light-en-GB"),
        pytest.param(390, 844, "dark", "en-US", "8:00 AM", id="390x844-dark-en-US"),
    ],
)
def test_the_nights_morning_is_this_mornings_until_six(
    served, chromium, width, height, scheme, locale, eight
):
    therapist, client = people(chromium, served, width, height, scheme, locale=locale)
    connect(therapist, client)
    letter_id = write_letter(client, "Written before dawn")
    page = client.page
    today = date.today()

    # 05:30: still night, so it waits; and the morning is this one, in two and a half
    # hours, as the server reads "tomorrow morning" then (tests/sharing/test_when.py).
    page.clock.set_fixed_time(at(today, 5, 30))
    open_share(client, letter_id)
    page.wait_for_selector("#share-form")
    morning = page.locator("label[for='delivery-TOMORROW_MORNING']")
    expect(page.locator("#delivery-TOMORROW_MORNING")).to_be_checked()
    expect(page.locator("#night-note")).to_be_visible()
    expect(morning).to_have_text(f"This morning at {eight}")
    client.check_screen(width)

    # 06:00: the night is over; it goes now unless the person says otherwise, and the
    # morning on offer is tomorrow's.
    page.clock.set_fixed_time(at(today, 6))
    page.reload()
    page.wait_for_selector("#share-form")
    expect(page.locator("#delivery-NOW")).to_be_checked()
    expect(page.locator("#night-note")).to_have_count(0)
    expect(morning).to_have_text(f"Tomorrow morning at {eight}")

    # 23:10: night again, and the morning is tomorrow's.
    page.clock.set_fixed_time(at(today, 23, 10))
    page.reload()
    page.wait_for_selector("#share-form")
    expect(page.locator("#delivery-TOMORROW_MORNING")).to_be_checked()
    expect(morning).to_have_text(f"Tomorrow morning at {eight}")
    therapist.close()
    client.close()


def test_a_plan_yet_to_begin_is_not_the_active_one(served, chromium):
    client = Device(chromium, served, width=390, height=844, timezone_id=ZONE)
    client.register("robin")
    page = client.page
    letter_id = write_letter(client, "Before the break")
    today = date.today()
    plan_id = page.evaluate(
        MAKE_PLAN,
        [
            f"{today + timedelta(days=3)}T17:00",
            f"{today + timedelta(days=17)}T10:00",
            AGREEMENT,
            ZONE,
        ],
    )
    page.evaluate(
        """async ([id, clinician]) => {
          const plans = await import("/src/plans/plans.js");
          await plans.editPlan(id, { coveringClinician: [clinician] });
        }""",
        [plan_id, {"name": "Dr Byrne", "phone": "+353 1 555 0101"}],
    )
    client.wait_synced()

    # Three days before the break: the usual contact holds, so no Today, no agreement,
    # and no covering clinician yet.
    page.goto("/")
    page.wait_for_selector("#letter-list li")
    expect(page.locator("#today")).to_have_count(0)
    page.goto(f"/letters/{letter_id}/share")
    page.wait_for_selector("#share-help")
    expect(page.locator("main .agreement")).to_have_count(0)
    page.goto("/help")
    page.wait_for_selector("#people-list, main h1")
    expect(page.locator("main")).not_to_contain_text("Dr Byrne")
    expect(page.locator("main .agreement")).to_have_count(0)

    # Five days on, the break is under way: all three are there.
    page.clock.set_fixed_time(at(today + timedelta(days=5), 14))
    page.goto("/")
    expect(page.locator("#today")).to_contain_text(AGREEMENT)
    page.goto(f"/letters/{letter_id}/share")
    expect(page.locator("main .agreement")).to_contain_text(AGREEMENT)
    page.goto("/help")
    expect(page.locator("#people-list")).to_contain_text("Dr Byrne")
    expect(page.locator("main .agreement")).to_contain_text(AGREEMENT)
    client.close()


def spaced(text: str) -> str:
    """Chromium puts a narrow no-break space before AM and PM."""
    return text.replace("\u202f", " ")


# What the page calls: an export of a module, with its arguments.
CALL = "([module, name, args]) => import(module).then((m) => m[name](...args))"


@pytest.mark.parametrize(
    ("locale", "session", "held"),
    [
        ("en-GB", "Tuesday 10:00", "tomorrow at 08:00"),
        ("en-US", "Tuesday 10:00 AM", "tomorrow at 8:00 AM"),
        ("de-DE", "Dienstag 10:00", "tomorrow at 08:00"),
    ],
)
def test_times_are_written_the_locales_way(chromium, served_sqlite, locale, session, held):
    context = chromium.new_context(base_url=served_sqlite, locale=locale, timezone_id=ZONE)
    try:
        page = context.new_page()
        page.goto("/welcome")
        page.wait_for_selector("#register-heading")
        # A plan's session, on the plan's own wall clock (20 October 2026 was a Tuesday).
        tuesday = {"year": 2026, "month": 10, "day": 20, "hour": 10, "minute": 0}
        wall = page.evaluate(CALL, ["/src/plans/countdown.js", "weekdayAndTime", [tuesday]])
        assert spaced(wall) == session
        # A held share, on the device's clock.
        until = ["2026-12-08T08:00:00Z", datetime(2026, 12, 7, 23, tzinfo=UTC)]
        module = "/src/ui/sharing/client/held-share.js"
        assert spaced(page.evaluate(CALL, [module, "untilWhen", until])) == held
    finally:
        context.close()


def test_opening_a_plan_in_utc_keeps_its_zone(served_sqlite, chromium):
    """The browser's list of zones has no "UTC"; the editor offers the plan's own zone
    rather than showing (and saving) the first zone of the list."""
    client = Device(chromium, served_sqlite, width=320, height=640)
    client.register("robin")
    page = client.page
    plan_id = page.evaluate(MAKE_PLAN, ["2026-12-01T10:00", "2026-12-15T10:00", AGREEMENT, "UTC"])
    page.goto(f"/plans/{plan_id}/edit")
    expect(page.locator("#plan-zone")).to_have_value("UTC")
    page.fill("#plan-title", "Winter break")
    page.wait_for_selector("#plan-saved:has-text('Saved on this device')")
    page.goto(f"/plans/{plan_id}")
    page.wait_for_selector("main h1:has-text('Winter break')")
    zone = page.evaluate(
        "(id) => import('/src/plans/plans.js').then((m) => m.plan(id)).then((p) => p.timeZone)",
        plan_id,
    )
    assert zone == "UTC"
    client.close()
