"""Letters in the PWA: two devices at once, history, trash, session page, every screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, keep_codes, server_letters

pytestmark = pytest.mark.browser


def everything_shown(device: Device) -> str:
    """What the letter screen shows: the text being edited and any version beside it."""
    page = device.page
    return page.input_value("#body") + "\n" + page.inner_text("main")


def test_two_devices_edit_one_letter_offline_and_no_text_is_lost(served, chromium):
    phone = Device(chromium, served)
    phone.register("lee")
    phone.capture("The first line we both have.")
    phone.wait_synced()
    laptop = Device(chromium, served)
    laptop.sign_in("lee")
    for device in (phone, laptop):
        device.open_letter("The first line we both have.")
        device.offline()

    phone.page.fill("#body", "Phone: I was angry on Tuesday and I did not say it.")
    laptop.page.fill("#body", "Laptop: I missed you over the weekend, more than I expected.")
    for device in (phone, laptop):
        device.page.wait_for_function("() => document.querySelector('#saved')")
        device.page.wait_for_timeout(100)

    phone.offline(False)
    phone.wait_synced()
    laptop.offline(False)
    laptop.wait_synced()
    phone.sync_now()

    words = ["angry on Tuesday", "missed you over the weekend", "The first line"]
    for device in (phone, laptop):
        shown = everything_shown(device)
        lost = [w for w in words[:2] if w not in shown]
        assert not lost, shown
    # The laptop merged on the phone's version and set its own words aside in the letter:
    # the phone offers both versions.
    phone.page.wait_for_selector("text=Two versions of this letter")
    letter_url = phone.page.url
    phone.page.click("text=Keep both, as two letters")
    phone.page.wait_for_url(lambda url: url != letter_url)
    phone.page.wait_for_selector("#body")
    phone.sync_now()
    bodies = [r["fields"]["body"] for r in server_letters(served, "lee").values()]
    assert len(bodies) == 2, bodies
    assert any("angry on Tuesday" in b for b in bodies)
    assert any("missed you over the weekend" in b for b in bodies)
    phone.close()
    laptop.close()


def test_history_trash_marks_and_the_session_page(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("sol")
    device.capture("First draft of a hard letter")
    page.click("#capture-status a")
    page.wait_for_selector("#body")
    device.wait_synced()
    page.fill("#body", "Second draft of a hard letter")
    page.fill("#title", "To my T")
    page.click("summary:has-text('To, from, tags and marks')")
    page.select_option("#state", "never_send")
    page.check("#for-session")
    device.sync_now()

    page.click("text=Earlier versions")
    page.wait_for_selector(".revisions li")
    page.click(".revisions summary >> nth=-1")
    page.click("text=Bring this version back >> nth=-1")
    page.wait_for_function(
        "() => document.querySelector('#body')?.value === 'First draft of a hard letter'"
    )

    page.click("#tabs >> text=Session")
    page.wait_for_selector("main h1:has-text('For my next session')")
    assert "First draft of a hard letter" in page.inner_text("main")
    page.click("#tabs >> text=Letters")
    listing = page.inner_text("#letter-list")
    assert "Never send" in listing and "For session" in listing

    page.fill("#search", "HARD letter")
    expect(page.locator("#letter-list li")).to_have_count(1)
    page.fill("#search", "nothing like this")
    expect(page.locator("#letter-list li")).to_have_count(0)
    page.fill("#search", "")

    page.click("#letter-list a")
    page.click("text=Move to trash")
    page.wait_for_selector("#capture")
    expect(page.locator("#letter-list li")).to_have_count(0)
    device.open_trash()
    page.click("text=Bring it back")
    page.click("#tabs >> text=Letters")
    expect(page.locator("#letter-list li")).to_have_count(1)
    device.wait_synced()
    (letter,) = server_letters(device.base, "sol").values()
    assert letter["deleted"] is False
    assert letter["fields"]["state"] == "never_send"
    device.close()


def test_an_update_waits_for_the_person_and_keeps_the_draft(chromium, served_app_copy):
    app, base = served_app_copy
    device = Device(chromium, base)
    page = device.page
    device.register("kai")
    device.draft_open_in_editor("A draft that must survive the update")

    (app / "style.css").write_text((app / "style.css").read_text() + "\n/* newer */\n")
    device.offer_update()
    # Nothing reloads by itself: the page and the draft are as they were.
    assert page.evaluate("() => window.beforeUpdate") is True
    page.click("#body")
    page.keyboard.press("End")
    page.keyboard.type(", typed as the update arrived")
    page.click("text=Update now")
    page.wait_for_function("() => window.beforeUpdate === undefined")
    page.wait_for_selector("#body")
    assert page.input_value("#body") == (
        "A draft that must survive the update, typed as the update arrived"
    )
    version = page.evaluate("() => caches.keys().then((names) => names.join(','))")
    assert version.count("between-shell-") == 1
    device.close()


@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (414, "dark")])
def test_every_screen_is_accessible_fits_and_has_large_targets(
    chromium, served_sqlite, width, scheme
):
    device = Device(chromium, served_sqlite, width=width, color_scheme=scheme)
    page = device.page
    page.goto("/")
    page.wait_for_selector("#register-heading")
    device.check_screen(width)

    page.fill("#new-username", f"wide{width}")
    page.fill("#display-name", "Wren")
    page.fill("#new-password", "a calm long password 1")
    page.click("button:has-text('Create account')")
    page.wait_for_selector("#recovery-codes")
    device.check_screen(width)
    keep_codes(page)
    device.wait_controlled()

    device.capture("A letter to look at")
    device.check_screen(width)
    page.click("#capture-status a")
    page.wait_for_selector("#body")
    page.click("summary:has-text('To, from, tags and marks')")
    page.check("#for-session")
    device.wait_synced()
    device.check_screen(width)
    page.click("text=Earlier versions")
    page.wait_for_selector(".revisions li")
    device.check_screen(width)
    for tab, heading in [("Session", "For my next session"), ("Account", "Account")]:
        page.click(f"#tabs >> text={tab}")
        # The new screen is drawn, heading and all, before it is checked.
        page.wait_for_selector(f"main h1:text-is({heading!r})")
        device.check_screen(width)
    device.open_trash()
    device.check_screen(width)
    page.click("#tabs >> text=Letters")
    page.click("#letter-list a")
    page.click("text=Move to trash")
    page.wait_for_selector("#capture")
    device.open_trash()
    page.wait_for_selector(".trashed")
    device.check_screen(width)
    device.offline()
    page.click("#tabs >> text=Account")
    page.wait_for_selector("#account-status >> text=offline")
    device.check_screen(width)
    device.close()
