"""The frame around every screen, as a frightened person at 2 a.m. meets it: Help now
in view everywhere, Help now's first screen, quick hide, the tabs, focus and the sync
status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.pwa import PASSWORD, Device
from tests.e2e.test_pwa_toolkit_plans import FIXED_SCREENS, fill_in, log_use, saved, set_pin

pytestmark = pytest.mark.browser

PHONES = [(320, 640), (390, 844)]
LONG_LETTER = "It's two in the morning.\n\n" + "I keep thinking about you. " * 120
SCROLL_TO_END = "() => window.scrollTo(0, document.documentElement.scrollHeight)"
SCROLLED = "() => scrollY > 0 || document.documentElement.scrollHeight <= innerHeight"
CARET_AT_END = "() => { const b = document.querySelector('#body'); b.selectionStart = 1e9; }"
SYNC_WORD = "document.querySelector('#sync-status').textContent"

# Help now is inside the viewport, and nothing is drawn over its middle.
HELP_IN_VIEW = """() => {
  const el = document.getElementById("help-now");
  if (!el) return "missing";
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
    return `outside: ${Math.round(r.top)}..${Math.round(r.bottom)} of ${innerHeight}`;
  }
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return el.contains(top) ? "in view" : `covered by ${top?.tagName}`;
}"""

# The first call button on the screen, and whether all of it is in view.
FIRST_CALL = """() => {
  const el = document.querySelector("main a[href^='tel:']");
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return { text: el.textContent, inView: r.top >= 0 && r.bottom <= innerHeight && r.width > 0 };
}"""

# Elements whose words wrap onto more than one line: the distinct line tops of their
# text (icons beside the text do not count).
BROKEN_LABELS = """(selector) => [...document.querySelectorAll(selector)].flatMap((el) => {
  const tops = new Set();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  return tops.size > 1 ? [`${el.textContent} on ${tops.size} lines`] : [];
})"""

GIVEAWAY = re.compile(r"between|letter|therapist|plan|help", re.IGNORECASE)


def axe_clean_light_and_dark(page) -> None:
    for scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    page.emulate_media(color_scheme="light")


def assert_help_in_view(page, where: str) -> None:
    assert page.evaluate(HELP_IN_VIEW) == "in view", where


def test_help_now_stays_in_view_on_every_screen_and_while_breathing(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    device.register("nadia")
    device.capture(LONG_LETTER)
    letter = page.get_attribute("#capture-status a", "href")
    screens = [
        ("/", "Letters"),
        (letter, "Letter"),
        (f"{letter}/share", "Share"),
        ("/session", "For my next session"),
        ("/account", "Account"),
        ("/trash", "Trash"),
        *FIXED_SCREENS,
        *fill_in(device),
    ]
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        for path, heading in screens:
            page.goto(path)
            page.wait_for_selector(f"main h1:has-text({heading!r})")
            assert_help_in_view(page, f"{path} at the top, {width}x{height}")
            page.evaluate(SCROLL_TO_END)
            page.wait_for_function(SCROLLED)
            assert_help_in_view(page, f"{path} at the bottom, {width}x{height}")
        # While the pacer runs, scrolled to its Stop button.
        page.goto("/toolkit/breathe")
        page.click("#pacer-start")
        page.wait_for_selector("#pacer-phase:has-text('Breathe in')")
        page.evaluate(SCROLL_TO_END)
        assert_help_in_view(page, f"breathing, {width}x{height}")
        page.click("#pacer-start")
    # With the on-screen keyboard up, the page has the space above it only (the
    # viewport's interactive-widget): writing at the end of a letter, Help now is there.
    page.set_viewport_size({"width": 320, "height": 330})
    page.goto(letter)
    page.focus("#body")
    page.evaluate(CARET_AT_END)
    page.evaluate(SCROLL_TO_END)
    assert_help_in_view(page, "typing with the keyboard up")
    viewport = page.get_attribute("meta[name=viewport]", "content")
    assert "interactive-widget=resizes-content" in viewport
    device.close()


def test_help_now_puts_a_number_to_call_in_view_first(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    page.set_viewport_size({"width": 320, "height": 640})
    device.register("ruth")
    # No people yet: the first call is a crisis line, and it is in view.
    page.click("#help-now")
    page.wait_for_selector("#crisis-list")
    first = page.evaluate(FIRST_CALL)
    assert first["inView"], first
    assert "does not see this app" in page.inner_text("main")

    page.goto("/help/people")
    page.click("#add-person")
    page.fill("#person-name-0", "Aroha")
    page.fill("#person-phone-0", "021 555 0199")
    saved(page, "main")
    device.wait_synced()
    device.offline()
    page.goto("/help")  # a cold open, offline
    page.wait_for_selector("#people-list")
    assert page.evaluate(FIRST_CALL) == {"text": "Call Aroha", "inView": True}
    assert page.get_attribute("#people-list a:has-text('Call Aroha')", "href") == "tel:0215550199"
    assert page.get_attribute("#people-list a:has-text('Text Aroha')", "href") == "sms:0215550199"
    # Their own people come before the crisis lines, which follow.
    text = page.inner_text("main")
    assert text.index("Call Aroha") < text.index("Crisis lines")
    axe_clean_light_and_dark(page)
    device.close()


def test_help_now_offers_the_covering_clinician_first_when_a_plan_has_one(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    page.set_viewport_size({"width": 320, "height": 640})
    device.register("sive")
    page.goto("/plans")
    page.click("#new-break")
    page.wait_for_selector("#last-before")
    page.fill("#last-before", "2026-01-01T10:00")
    page.fill("#first-after", "2036-01-01T10:00")
    page.fill("#clinician-name", "Dr Byrne")
    page.fill("#clinician-phone", "+353 1 555 0100")
    saved(page, "#plan-saved")
    page.click("#help-now")
    page.wait_for_selector("#people-list")
    assert page.evaluate(FIRST_CALL) == {"text": "Call Dr Byrne", "inView": True}
    device.close()


def names_in_accessibility_tree(page) -> list[str]:
    """Every name and value Chromium's accessibility tree gives a screen reader."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    said = []
    for node in nodes:
        if node.get("ignored"):
            continue
        for key in ("name", "value", "description"):
            value = node.get(key, {}).get("value")
            if value:
                said.append(str(value))
    session.detach()
    return said


def assert_nothing_gives_it_away(page) -> None:
    assert not GIVEAWAY.search(page.title()), page.title()
    assert not GIVEAWAY.search(page.inner_text("body")), page.inner_text("body")
    said = [name for name in names_in_accessibility_tree(page) if GIVEAWAY.search(name)]
    assert said == []


def test_quick_hide_shows_nothing_of_the_app_and_the_neutral_name_names_every_file(
    served, chromium
):
    device = Device(chromium, served)
    page = device.page
    device.register("elin")
    device.capture("Dear therapist, I miss our sessions and the plan scares me")

    # Without a PIN: one neutral page; its one button goes straight back.
    page.click("#quick-hide")
    page.wait_for_selector("main h1:has-text('Notes')")
    assert_nothing_gives_it_away(page)
    axe_clean_light_and_dark(page)
    # The way back works from the keyboard, with a name that belongs to the notes page.
    page.focus("#cover-open")
    assert page.get_attribute("#cover-open", "aria-label") == "New note"
    page.keyboard.press("Enter")
    page.wait_for_selector("#letter-list >> text=Dear therapist")

    # With a PIN: the same neutral page; its button leads to the PIN, and only then
    # does Help now show again.
    set_pin(page, "2468")
    page.click("#quick-hide")
    page.wait_for_selector("main h1:has-text('Notes')")
    assert_nothing_gives_it_away(page)
    page.click("#cover-open")
    page.wait_for_selector("main h1:has-text('Locked')")
    assert page.is_visible("#cover-help-now")
    page.fill("#pin", "2468")
    page.click("button:has-text('Open')")
    page.wait_for_selector("main h1:has-text('Settings')")  # where it was hidden

    # The neutral name: the files the app saves are named neutrally too. (A device with
    # a PIN opens locked, so this goes on through the app, not by opening pages.)
    page.check("#neutral-name")
    page.wait_for_function("() => document.title === 'Notes'")
    with page.expect_download() as export:
        page.click("#export-json")
    assert export.value.suggested_filename == "notes-export.json"
    # Made on the device: the words as this device can read them, not envelopes.
    words = json.loads(Path(export.value.path()).read_text(encoding="utf-8"))
    assert [letter["body"] for letter in words["letters"]] == [
        "Dear therapist, I miss our sessions and the plan scares me"
    ]
    with page.expect_download() as letters:
        page.click("#export-letters")
    assert letters.value.suggested_filename == "notes.html"
    document = Path(letters.value.path()).read_text(encoding="utf-8")
    assert "<title>Notes</title>" in document
    page.click("#tabs >> text=Account")
    page.fill("#codes-password", PASSWORD)
    page.click("text=Make new codes")
    page.wait_for_selector("#recovery-codes li")
    with page.expect_download() as codes:
        page.click("text=Save as a file")
    assert not GIVEAWAY.search(codes.value.suggested_filename), codes.value.suggested_filename
    assert not GIVEAWAY.search(Path(codes.value.path()).read_text(encoding="utf-8"))
    device.close()


def test_tab_labels_and_table_headers_stay_on_one_line_at_320(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    device.register("ines")
    page.goto("/toolkit")
    page.click("#start-texture-box")
    page.click("#box-list a:has-text('Texture box')")
    page.fill("#new-item", "A smooth stone from the beach")
    page.click("text=Add it")
    page.click("#item-done")
    log_use(page, 8, 5)
    page.goto("/toolkit/uses")
    page.wait_for_selector("#uses-table th")
    assert page.evaluate(BROKEN_LABELS, "#tabs a") == []
    assert page.evaluate(BROKEN_LABELS, "th") == []
    assert page.locator("#tabs a svg").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    therapist = Device(chromium, served_sqlite, width=320)
    therapist.register("dr_ines", role="THERAPIST")
    assert therapist.page.evaluate(BROKEN_LABELS, "#tabs a") == []
    therapist.close()
    device.close()


def test_a_new_screen_focuses_its_heading_without_a_ring_and_keys_still_show_one(
    chromium, served_sqlite
):
    device = Device(chromium, served_sqlite)
    page = device.page
    device.register("tove")
    for path in ["/", "/toolkit", "/help"]:
        page.goto(path)
        page.wait_for_selector("main h1")
        page.wait_for_function("() => document.activeElement?.tagName === 'H1'")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "none"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") != "H1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    device.close()


def test_the_sync_word_never_says_two_things_and_the_details_are_a_tap_away(served, chromium):
    device = Device(chromium, served)
    page = device.page
    device.register("oskar")
    device.capture("Synced before the server had trouble")
    device.wait_synced()
    page.wait_for_selector("#sync-status >> text=Synced")

    # The server answers with an error: the change waits, and nothing says "synced".
    page.route(
        "**/graphql",
        lambda route: route.fulfill(
            json={"errors": [{"message": "It went wrong", "extensions": {"code": "INTERNAL"}}]}
        ),
    )
    page.fill("#capture", "Written while the server had trouble")
    page.wait_for_timeout(2500)  # past the sync that follows a pause in typing
    page.wait_for_function(f"() => !/syncing/i.test({SYNC_WORD})")
    word = page.inner_text("#sync-status")
    assert "synced just now" not in word
    assert "1 waiting" in word and "Synced" not in word
    detail = page.text_content("#sync-detail")
    assert "synced" not in detail.replace("not yet synced", "")
    assert "1 change saved on this device, not yet synced" in detail

    # Offline: still one true word.
    page.unroute("**/graphql")
    device.offline()
    page.fill("#capture", "Written while the server had trouble, and then offline")
    page.wait_for_timeout(2000)  # past the sync that follows a pause in typing
    word = page.inner_text("#sync-status")
    assert "waiting" in word and "Synced" not in word
    assert "You are offline" in page.text_content("#sync-detail")

    # Back online, "Sync now" is one tap under the word.
    device.offline(False)
    page.click("#sync-status")
    axe_clean_light_and_dark(page)
    page.click("#sync-now")
    # The panel lies over the screen, so it closes once used; the word says the rest.
    assert not page.is_visible("#sync-detail")
    device.wait_synced()
    page.wait_for_selector("#sync-status >> text=Synced")
    assert "synced to your account" in page.text_content("#sync-detail")
    device.close()
