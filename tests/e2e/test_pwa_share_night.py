"""Sharing at night and the morning after, and the first minutes on a new device: at
00:37 a letter waits for the morning and the contact agreement is in view; a held share
is named on the letter and in the list, with Cancel right there; a withdrawal says the
therapist may already have read it; a new device offers a new account first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import PASSWORD, Device, keep_codes, module_page, signed_in
from tests.e2e.test_pwa_sharing import connect, open_share, share, two_people, write_letter

pytestmark = pytest.mark.browser

# Both phone sizes; light at one and dark at the other, so axe sees both schemes.
PHONES = [
    pytest.param(320, 640, "light", id="320x640-light"),
    pytest.param(390, 844, "dark", id="390x844-dark"),
]
ZONE = "Europe/Dublin"
AGREEMENT = "One email is OK; she reads it but won't reply until she's back."

# An active break, from three days ago to ten days on, with a contact agreement.
MAKE_PLAN = """async ([before, after, agreement, zone]) => {
  const plans = await import("/src/plans/plans.js");
  const id = await plans.createPlan("break");
  await plans.editPlan(id, {
    lastSessionBefore: before,
    firstSessionAfter: after,
    contactAgreement: agreement,
    timeZone: zone,
  });
  return id;
}"""

# The vertical position of the first element matching a selector.
TOP = "(selector) => document.querySelector(selector).getBoundingClientRect().top"


def people(
    chromium, base: str, width: int, height: int, scheme: str, locale: str = "en-GB"
) -> tuple[Device, Device]:
    """Dana and Robin in Dublin, where the day has 24 hours (unless `locale` says not)."""
    return two_people(
        chromium,
        base,
        width=width,
        height=height,
        color_scheme=scheme,
        timezone_id=ZONE,
        locale=locale,
    )


def my_shares(base: str) -> list[dict]:
    with signed_in(base, "robin") as client:
        answer = client.post(
            "/graphql", json={"query": "{ myShares { id letterId status delivery } }"}
        ).json()
        assert "errors" not in answer, answer
        return answer["data"]["myShares"]


def status_of(base: str, letter_id: str) -> str:
    [mine] = [s for s in my_shares(base) if s["letterId"] == letter_id]
    return mine["status"]


@pytest.mark.parametrize(("width", "height", "scheme"), PHONES)
def test_at_night_a_share_waits_for_the_morning_below_the_agreement(
    served, chromium, width, height, scheme
):
    therapist, client = people(chromium, served, width, height, scheme)
    connect(therapist, client)
    letter_id = write_letter(client, "Written at 00:37")
    page = client.page
    today = date.today()
    page.evaluate(
        MAKE_PLAN,
        [
            f"{today - timedelta(days=3)}T17:00",
            f"{today + timedelta(days=10)}T10:00",
            AGREEMENT,
            ZONE,
        ],
    )
    client.wait_synced()

    # 00:37 on the person's own clock (Dublin is on UTC in winter, and today is
    # within the plan either way).
    page.clock.set_fixed_time(datetime.combine(today, datetime.min.time(), UTC).replace(minute=37))
    open_share(client, letter_id)
    page.wait_for_selector("#share-form")
    expect(page.locator("#delivery-TOMORROW_MORNING")).to_be_checked()
    expect(page.locator("#delivery-NOW")).not_to_be_checked()
    expect(page.locator("#share-send")).to_have_text("Hold it for Dana until then")
    expect(page.locator("#night-note")).to_be_visible()
    # What was agreed about contact is on the screen, above the choice.
    agreement = page.locator("main .agreement")
    expect(agreement).to_contain_text(AGREEMENT)
    # When it goes is chosen before the preview, and Help now is a quiet link here.
    assert page.evaluate(TOP, "#share-when") < page.evaluate(TOP, ".preview")
    assert page.evaluate(TOP, "main .agreement") < page.evaluate(TOP, "#share-when")
    expect(page.locator("#share-help a[href='/help']")).to_be_visible()
    client.check_screen(width)

    # In the afternoon, it goes now unless the person says otherwise.
    page.clock.set_fixed_time(datetime.combine(today, datetime.min.time(), UTC).replace(hour=14))
    page.reload()
    page.wait_for_selector("#share-form")
    expect(page.locator("#delivery-NOW")).to_be_checked()
    expect(page.locator("#share-send")).to_have_text("Share with Dana now")
    expect(page.locator("#night-note")).to_have_count(0)
    expect(page.locator("main .agreement")).to_contain_text(AGREEMENT)
    therapist.close()
    client.close()


HELD = re.compile(r"Held for Dana until (tomorrow at )?08:00\.")


@pytest.mark.parametrize(("width", "height", "scheme"), PHONES)
def test_a_held_share_is_named_on_the_letter_and_in_the_list_and_cancelled_there(
    served, chromium, width, height, scheme
):
    therapist, client = people(chromium, served, width, height, scheme)
    connect(therapist, client)
    page = client.page
    from_list = write_letter(client, "Regretted by morning")
    share(client, from_list, "TOMORROW_MORNING")
    from_letter = write_letter(client, "Also regretted")
    share(client, from_letter, "TOMORROW_MORNING")

    # On the letter: named, with its time, and Cancel right there.
    page.goto(f"/letters/{from_list}")
    held = page.locator("#held-shares .held")
    expect(held.locator(".held-what")).to_have_text(HELD)
    expect(held.locator("button.cancel-held")).to_be_visible()
    client.check_screen(width)

    # In the list, under each held letter.
    page.goto("/")
    item = page.locator("#letter-list li", has_text="Regretted by morning")
    expect(item.locator(".held-what")).to_have_text(HELD)
    client.check_screen(width)

    # Offline it is still named; cancelling says plainly that it needs a connection,
    # and nothing changes on the server.
    client.offline()
    page.reload()
    expect(item.locator(".held-what")).to_have_text(HELD)
    item.locator("button.cancel-held").click()
    expect(item.locator(".held-problem")).to_contain_text("needs the internet")
    expect(item.locator(".held-problem")).to_contain_text("stays held until")
    assert status_of(served, from_list) == "HELD"

    # Online, Cancel in the list cancels it, and the server agrees.
    client.offline(False)
    item.locator("button.cancel-held").click()
    expect(item.locator(".held")).to_have_count(0)
    assert status_of(served, from_list) == "CANCELLED"

    # And Cancel on the letter itself.
    page.goto(f"/letters/{from_letter}")
    page.click("#held-shares button.cancel-held")
    expect(page.locator("#held-shares .held")).to_have_count(0)
    assert status_of(served, from_letter) == "CANCELLED"
    page.goto("/")
    expect(page.locator("#letter-list .held")).to_have_count(0)

    # Nothing was delivered, so the therapist has nothing.
    therapist.page.goto("/")
    therapist.sync_now()
    expect(therapist.page.locator("#shared-empty")).to_be_visible()
    therapist.close()
    client.close()


@pytest.mark.parametrize(("width", "height", "scheme"), PHONES)
def test_a_withdrawal_says_the_therapist_may_already_have_read_it(
    served, chromium, width, height, scheme
):
    therapist, client = people(chromium, served, width, height, scheme)
    connect(therapist, client)
    share(client, write_letter(client, "Sent at once"), "NOW")
    page = client.page
    page.goto("/shares")
    page.click(".withdraw-share")
    status = page.locator(".share .share-status")
    expect(status).to_contain_text("Withdrawn")
    expect(status).to_contain_text("Dana may already have read it")
    client.check_screen(width)
    therapist.close()
    client.close()


@pytest.mark.parametrize(("width", "height", "scheme"), PHONES)
def test_a_new_device_offers_a_new_account_first_and_ends_on_the_writing_screen(
    served, chromium, width, height, scheme
):
    device = Device(chromium, served, width=width, height=height, color_scheme=scheme)
    page = device.page
    page.goto("/")
    page.wait_for_selector("#register-heading")
    assert page.evaluate(TOP, "#register-heading") < page.evaluate(TOP, "#sign-in-heading")
    # The first thing to fill in is in view without scrolling.
    assert page.evaluate(TOP, "#new-username") < height
    device.check_screen(width)

    # Held until the test lets it go: the account is being made, and the button says so.
    waiting = []
    page.route(
        "**/graphql",
        lambda route: (
            waiting.append(route)
            if "register(" in (route.request.post_data or "")
            else route.continue_()
        ),
    )
    page.fill("#new-username", "robin")
    page.fill("#display-name", "Robin")
    page.fill("#new-password", PASSWORD)
    page.click("button:has-text('Create account')")
    create = page.locator("#register-heading ~ button[type=submit]")
    expect(create).to_have_text("Creating…")
    expect(create).to_be_disabled()
    expect(page.locator("#register-heading ~ .busy-status")).to_contain_text("takes a moment")
    device.check_screen(width)
    while not waiting:  # the request reaches the route a moment after the click
        page.wait_for_timeout(50)
    waiting[0].continue_()

    # The recovery codes still come first, then the writing screen, ready to type.
    page.wait_for_selector("#recovery-codes li")
    keep_codes(page)
    expect(page.locator("#capture")).to_be_focused()
    assert page.evaluate("location.pathname") == "/"
    device.close()


def test_counts_say_one_letter_not_one_letters(served_sqlite, chromium):
    letter = {"title": "One", "body": "Words", "createdAt": "2026-11-28T00:37:00Z"}
    with module_page(chromium, served_sqlite, "/src/ui/account/settings.js") as call:
        assert '<p class="meta">1 letter, saved' in call("lettersDocument", [letter])
        assert '<p class="meta">2 letters, saved' in call("lettersDocument", [letter, letter])

    device = Device(chromium, served_sqlite)
    device.register("robin")
    device.capture("Only one letter here")
    device.page.reload()
    device.page.fill("#search", "only")
    expect(device.page.locator("#letter-count")).to_have_text("1 of 1 letter matches.")
    device.close()
