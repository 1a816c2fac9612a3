"""The toolkit, plans, Help now, settings and discretion screens in Chromium."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, server_records

pytestmark = pytest.mark.browser

# A two-week break under way on the day the tests run: Help now shows the plan's
# covering clinician and contact agreement only while the plan is active.
LAST_BEFORE = f"{date.today() - timedelta(days=7)}T10:00"
FIRST_AFTER = f"{date.today() + timedelta(days=7)}T10:00"

# (path, heading) of every screen this part of the app adds, besides the ones that
# need a record's id (filled in by `fill_in`).
FIXED_SCREENS = [
    ("/toolkit", "Toolkit"),
    ("/toolkit/breathe", "Breathing"),
    ("/toolkit/ground", "5-4-3-2-1"),
    ("/toolkit/words", "Words to carry"),
    ("/toolkit/uses", "What helped"),
    ("/plans", "Plans"),
    ("/help", "Help now"),
    ("/help/people", "Your people"),
    ("/settings", "Settings"),
]


def saved(page, note: str) -> None:
    page.wait_for_selector(f"{note}:has-text('Saved on this device')")


def fill_in(device: Device) -> list[tuple[str, str]]:
    """A texture box with two things, a use, words to carry, a break plan; their screens."""
    page = device.page
    page.click("#tabs >> text=Toolkit")
    page.click("#start-texture-box")
    page.click("#box-list a:has-text('Texture box')")
    box_url = page.url
    for name in ["Burlap", "Feather"]:
        page.fill("#new-item", name)
        page.click("text=Add it")
        page.wait_for_selector("#feels-like")
        if name == "Burlap":
            edit_item_url = page.url
            page.fill("#feels-like", "Rough, like the suits she wears")
            page.fill("#linked-to", "Tuesday sessions")
            page.fill("#kept-at", "The drawer by the bed")
            page.select_option("#sense", "touch")
            page.check("#agreed")
            saved(page, "#item-saved")
            page.click("#item-done")
            page.wait_for_selector("#log-use")
            item_url = page.url
            log_use(page, 8, 5)
        page.goto(box_url)
        page.wait_for_selector("#item-list")
    # Feather was added last; move it up.
    page.click("button[aria-label='Move Feather up']")
    page.wait_for_function(
        "() => document.querySelector('#item-list li a')?.textContent === 'Feather'"
    )
    page.goto("/toolkit/words")
    page.fill("#new-card", "She is coming back.")
    page.click("#add-card")
    page.wait_for_selector("#card-list textarea")

    page.click("#tabs >> text=Plans")
    page.click("#new-break")
    page.wait_for_selector("#last-before")
    page.select_option("#plan-zone", "Europe/Dublin")
    page.fill("#last-before", LAST_BEFORE)
    page.fill("#first-after", FIRST_AFTER)
    page.click("#add-when_hard")
    page.fill("#step-0", "I hold the burlap")
    page.select_option("#step-link-0", label="Burlap")
    page.click("#add-daily_anchor")
    page.fill("#step-1", "A walk at eight")
    page.fill(
        "#contact-agreement", "One email is OK; she reads it but won't reply until she's back."
    )
    page.fill("#clinician-name", "Dr Byrne")
    page.fill("#clinician-phone", "+353 1 555 0100")
    saved(page, "#plan-saved")
    # A new plan is kept from its first word, under its own address.
    edit_url = page.url
    page.click("#plan-done")
    page.wait_for_selector("#countdown")
    plan_url = page.url
    return [
        (box_url, "Texture box"),
        (item_url, "Burlap"),
        (edit_item_url, "Burlap"),
        (plan_url, "Break plan"),
        (edit_url, "Change the plan"),
    ]


def log_use(page, before: int, after: int) -> None:
    """Notes a use, with how hard it was before and after as taps on the scale."""
    page.click(f"label[for=distress-before-{before}]")
    page.click(f"label[for=distress-after-{after}]")
    page.click("#log-use")
    page.wait_for_selector("#item-uses li")


def set_pin(page, pin: str) -> None:
    page.goto("/settings")
    page.fill("#new-pin", pin)
    page.fill("#new-pin-again", pin)
    page.click("#set-pin")
    page.wait_for_selector("#pin-area >> text=PIN set")


def open_screen(page, path: str, heading: str) -> None:
    page.goto(path)
    page.wait_for_selector(f"main h1:has-text({heading!r})")


def test_toolkit_uses_and_plans_reach_a_second_device(chromium, served_sqlite):
    phone = Device(chromium, served_sqlite)
    phone.register("tess")
    fill_in(phone)
    phone.wait_synced()

    kinds = {}
    for record in server_records(served_sqlite, "tess", open_sealed=False).values():
        kinds.setdefault(record["kind"], []).append(record["fields"])
    # The toolkit and plans are sealed: the server holds envelopes, never a field of them.
    assert kinds["toolkit_item"] == [{}, {}]
    assert kinds["toolkit_use"] == [{}] and kinds["toolkit_box"] == [{}]
    assert kinds["plan"] == [{}]

    laptop = Device(chromium, served_sqlite)
    laptop.sign_in("tess")
    page = laptop.page
    open_screen(page, "/toolkit", "Toolkit")
    page.click("#box-list a:has-text('Texture box')")
    page.wait_for_selector("#item-list li a")
    assert page.locator("#item-list li a").all_inner_texts() == ["Feather", "Burlap"]
    page.click("#item-list a:has-text('Burlap')")
    page.wait_for_selector("main >> text=The drawer by the bed")
    assert "Rough, like the suits she wears" in page.inner_text("main")
    assert page.inner_text("main .tags").split()[:1] == ["Touch"]
    open_screen(page, "/toolkit/uses", "What helped")
    page.wait_for_selector("#uses-chart circle.after")
    assert "Burlap\t8\t5" in page.inner_text("#uses-table")
    page.click("#tabs >> text=Plans")
    page.click("#plan-list a")
    page.wait_for_selector("#countdown")
    shown = page.inner_text("main")
    assert "I hold the burlap" in shown and "won't reply until she's back" in shown
    assert "Dr Byrne" in shown

    # An edit on the laptop comes back to the phone; a deleted card goes from both.
    page.click("#edit-plan")
    # The dates came whole, in the plan's own zone.
    assert page.locator("#plan-zone").input_value() == "Europe/Dublin"
    assert page.locator("#first-after").input_value() == FIRST_AFTER
    page.fill("#contact-agreement", "No contact; Dr Byrne covers.")
    saved(page, "#plan-saved")
    open_screen(page, "/toolkit/words", "Words to carry")
    page.click("#card-list >> text=Remove")
    page.wait_for_selector("#card-list textarea", state="detached")
    laptop.wait_synced()
    phone.sync_now()
    open_screen(phone.page, "/help", "Help now")
    phone.page.wait_for_selector("text=No contact; Dr Byrne covers.")
    open_screen(phone.page, "/toolkit/words", "Words to carry")
    assert phone.page.locator("#card-list textarea").count() == 0
    phone.close()
    laptop.close()


def test_every_new_screen_opens_and_works_offline(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("oona")
    screens = FIXED_SCREENS + fill_in(device)
    device.wait_synced()
    device.offline()
    for path, heading in screens:
        page.goto(path)  # a cold navigation, answered by the service worker
        page.wait_for_selector(f"main h1:has-text({heading!r})")
    # And they work: a new box, a new thing, a use, words, a plan, all while offline.
    open_screen(page, "/toolkit", "Toolkit")
    page.click("summary:has-text('Make another box')")
    page.fill("#another-box", "Music we agreed on")
    page.click("text=Make this box")
    page.click("#box-list a:has-text('Music we agreed on')")
    page.fill("#new-item", "The cello piece")
    page.click("text=Add it")
    page.select_option("#sense", "sound")
    page.click("#item-done")
    page.click("#log-use")
    page.wait_for_selector("#item-uses li")
    open_screen(page, "/plans", "Plans")
    page.click("#new-ending")
    page.fill("#last-ever", "2027-03-02T16:00")
    page.click("#add-ask_for")
    page.fill("#step-0", "A door left open")
    saved(page, "#plan-saved")
    open_screen(page, "/toolkit/ground", "5-4-3-2-1")
    page.click("#ground-next")
    assert "things you can touch" in page.inner_text("#ground-step")
    open_screen(page, "/toolkit/breathe", "Breathing")
    page.click("#pacer-start")
    page.wait_for_selector("#pacer-phase:has-text('Breathe')")
    page.click("#pacer-start")
    open_screen(page, "/help", "Help now")
    assert page.locator("#crisis-list li").count() >= 1
    assert device.unsynced() > 0
    device.offline(False)
    device.wait_synced()
    kinds = [r["kind"] for r in server_records(served_sqlite, "oona").values()]
    assert kinds.count("toolkit_box") == 2 and kinds.count("plan") == 2
    device.close()


@pytest.mark.parametrize(
    ("locale", "number"),
    [
        ("en-NZ", "1737"),
        ("en-GB", "116 123"),
        ("en-IE", "1800 247 247"),
        ("en-AU", "13 11 14"),
        ("en-CA", "988"),
        ("en-US", "988"),
    ],
)
def test_help_now_shows_the_lines_of_the_device_locale(chromium, served_sqlite, locale, number):
    context = chromium.new_context(base_url=served_sqlite, locale=locale)
    page = context.new_page()
    page.goto("/welcome")
    page.click("#help-now")  # open to anyone, before signing in
    page.wait_for_selector("#crisis-list")
    assert f"Call {number}" in page.inner_text("#crisis-list")
    assert page.locator("#crisis-list a[href^='tel:']").count() >= 1
    context.close()


def test_help_now_is_one_tap_from_every_screen(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    device.context.close()
    device.context = chromium.new_context(
        base_url=served_sqlite, locale="en-NZ", viewport={"width": 320, "height": 700}
    )
    device.page = device.open_page()
    page = device.page
    device.register("wiremu")
    device.capture("A letter, so the letter screen exists")
    letter = page.get_attribute("#capture-status a", "href")
    screens = [
        ("/", "Letters"),
        (letter, "Letter"),
        ("/session", "For my next session"),
        ("/account", "Account"),
        ("/trash", "Trash"),
        *FIXED_SCREENS,
        *fill_in(device),
    ]
    page.goto("/help/people")
    page.click("#add-person")
    page.fill("#person-name-0", "Aroha")
    page.fill("#person-phone-0", "021 555 0199")
    saved(page, "main")
    for path, heading in screens:
        page.goto(path)
        page.wait_for_selector(f"main h1:has-text({heading!r})")
        page.click("#help-now")
        page.wait_for_selector("main h1:has-text('Help now')")
        text = page.inner_text("main")
        assert "Call 1737" in text, path
        assert "does not see this app" in text
        assert "Aroha" in text and "Dr Byrne" in text  # own people, covering clinician
    # The country can be changed, and the choice syncs with the other preferences.
    page.select_option("#country", "IE")
    page.wait_for_selector("#crisis-list >> text=Call 116 123")
    device.close()


UNLOCK_TIMEOUT_S = 3


def test_the_pin_lock_hides_content_and_locks_after_idle(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("kit")
    device.capture("Nobody else should read this sentence")
    set_pin(page, "2468")
    stored = page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("between");
          open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get("discretion");
            get.onsuccess = () => { resolve(JSON.stringify(get.result)); open.result.close(); };
          };
        })"""
    )
    assert "2468" not in stored and '"hash"' in stored and '"salt"' in stored

    # Opening the app again: locked, and nothing of the person's is in the page.
    page.goto("/")
    page.wait_for_selector("main h1:has-text('Locked')")
    html = page.content()
    assert "Nobody else should read" not in html
    assert page.locator("#tabs a").count() == 0 or not page.locator("#tabs").is_visible()
    page.fill("#pin", "1111")
    page.click("button:has-text('Open')")
    page.wait_for_selector("#pin-error:has-text('did not match')")
    page.fill("#pin", "2468")
    page.click("button:has-text('Open')")
    page.wait_for_selector("#letter-list >> text=Nobody else should read")

    # Quick hide: one tap, a neutral page and title, and locked behind the PIN.
    page.click("#quick-hide")
    page.wait_for_selector("main h1:has-text('Notes')")
    assert page.title() == "Notes"
    assert "Nobody else should read" not in page.content()
    page.click("#cover-open")
    page.fill("#pin", "2468")
    page.click("button:has-text('Open')")
    page.wait_for_selector("#letter-list")

    # Auto-lock: the idle limit is the settings' own setter, shortened to seconds.
    page.evaluate(
        f"() => import('/src/lock.js').then((m) => m.setIdleMinutes({UNLOCK_TIMEOUT_S} / 60))"
    )
    page.click("#tabs >> text=Toolkit")
    page.wait_for_selector("main h1:has-text('Toolkit')")
    page.wait_for_selector("main h1:has-text('Locked')", timeout=(UNLOCK_TIMEOUT_S + 5) * 1000)
    assert "Start with a texture box" not in page.content()
    # Help now stays reachable from the lock screen.
    page.click("#cover-help-now")
    page.wait_for_selector("#crisis-list")
    page.fill("#pin", "2468")
    page.click("button:has-text('Open')")
    page.wait_for_selector("main h1:has-text('Toolkit')")
    device.close()


def test_a_neutral_name_and_icon(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("nell")
    page.goto("/settings")
    page.check("#neutral-name")
    page.wait_for_function("() => document.title === 'Notes'")
    # Already neutral when the page has been read, before any of the app's modules run.
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (document.readyState === 'interactive') window.titleWhenRead = document.title;"
        " });"
    )
    for path in ["/", "/plans", "/help"]:
        page.goto(path)
        page.wait_for_selector("main h1")
        assert page.evaluate("() => window.titleWhenRead") == "Notes"
        assert page.title() == "Notes"
        assert page.inner_text(".brand") == "Notes"
        assert page.get_attribute("link[rel=manifest]", "href") == "/neutral.webmanifest"
        assert page.get_attribute("link[rel=icon]", "href") == "/icons/neutral.svg"
    manifest = page.evaluate("() => fetch('/neutral.webmanifest').then((r) => r.json())")
    assert manifest["name"] == "Notes"
    for icon in manifest["icons"]:
        assert page.evaluate(f"() => fetch({icon['src']!r}).then((r) => r.ok)")
    device.close()


def test_wording_applies_across_the_app(chromium, served_sqlite):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("moana")
    page.goto("/settings")
    page.select_option("#therapist-word", "my_t")
    page.select_option("#break-word", "holiday")
    page.uncheck("#inner-child")
    page.wait_for_selector("#words-saved:has-text('Saved')")
    open_screen(page, "/plans", "Plans")
    assert page.inner_text("#new-break") == "New holiday plan"
    open_screen(page, "/help", "Help now")
    assert "My T does not see this app" in page.inner_text("main")
    open_screen(page, "/", "Letters")
    device.capture("A letter")
    page.click("#capture-status a")
    page.wait_for_selector("#body")
    page.click("summary:has-text('To, from, tags and marks')")
    page.wait_for_function("() => document.querySelector('#part').hidden")
    assert page.get_attribute("#recipient", "placeholder") == "e.g. my T"
    device.close()


@pytest.mark.parametrize(("width", "scheme"), [(320, "light"), (414, "dark")])
def test_every_new_screen_is_accessible_fits_and_has_large_targets(
    chromium, served_sqlite, width, scheme
):
    device = Device(chromium, served_sqlite, width=width, color_scheme=scheme)
    page = device.page
    device.register(f"axe{width}")
    screens = FIXED_SCREENS + fill_in(device)
    for path, heading in screens:
        open_screen(page, path, heading)
        for summary in page.locator("main details > summary").all():
            summary.click()
        device.check_screen(width)
    # The lock screen and the quick-hide screen too.
    set_pin(page, "1357")
    page.click("#quick-hide")
    page.wait_for_selector("main h1:has-text('Notes')")
    device.check_screen(width)
    page.goto("/")
    page.wait_for_selector("main h1:has-text('Locked')")
    page.click("#cover-help-now")
    page.wait_for_selector("#crisis-list")
    device.check_screen(width)
    device.close()


def test_a_uses_note_set_aside_stays_in_view_until_the_person_chooses(
    chromium, served_sqlite, tmp_path
):
    device = Device(chromium, served_sqlite)
    device.register("ash")
    page = device.page
    # A use whose note was changed on two devices at once: the other's note stays, and
    # this device's is set aside in the content, as rebase.js leaves it.
    page.evaluate(
        """async () => {
          const outbox = await import('/src/outbox.js');
          await outbox.change('toolkit_use', crypto.randomUUID(), 'upsert', {
            itemId: null, usedAt: '2026-12-01T21:10', distressBefore: 7, distressAfter: 4,
            note: 'Held the stone, from the laptop.',
            conflicts: [{ field: 'note', mine: 'Held the stone and breathed.',
              at: '2026-12-01T21:12:00Z', device: 'other-device', label: 'phone',
              editedAt: '2026-12-01T21:11:00Z' }],
          });
        }"""
    )
    page.goto("/toolkit/uses")
    notice = page.locator(".set-aside-use")
    expect(notice).to_contain_text("Held the stone and breathed.")
    expect(page.locator("#uses-table")).to_contain_text("Held the stone, from the laptop.")
    for width, height in ((320, 640), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=tmp_path / f"uses-set-aside-{width}.png")
        device.check_screen(width)
    page.click(".set-aside-use >> text=Let them go")
    expect(page.locator(".set-aside-use")).to_have_count(0)
    device.wait_synced()
    records = server_records(served_sqlite, "ash").values()
    (use,) = [record for record in records if record["kind"] == "toolkit_use"]
    assert use["fields"]["note"] == "Held the stone, from the laptop."
    assert use["fields"].get("conflicts", []) == []
    device.close()
