"""Screens for a bad moment: the exercises first and a pacer whose Start is in view, a
writing space that is the whole screen, and "today" during a break."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device, server_records
from tests.e2e.test_pwa_frame import HELP_IN_VIEW, LONG_LETTER, axe_clean_light_and_dark
from tests.e2e.test_pwa_toolkit_plans import log_use, open_screen, saved

pytestmark = pytest.mark.browser

PHONES = [(320, 640), (390, 844)]

# The whole element is inside the viewport, and what is drawn at its middle is it (not
# the tab bar or anything else over it).
IN_VIEW = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return "missing";
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.bottom > innerHeight || r.right > innerWidth) {
    return `outside: ${Math.round(r.top)}..${Math.round(r.bottom)} of ${innerHeight}`;
  }
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return el.contains(top) ? "in view" : `covered by ${top?.tagName}#${top?.id}`;
}"""

# Where the tab bar begins, or the bottom of the screen while it has stepped aside.
TABS_TOP = """const tabs = document.querySelector("#tabs");
  const hidden = getComputedStyle(tabs).display === "none";
  const tabsTop = hidden ? innerHeight : tabs.getBoundingClientRect().top;"""

# How many lines of the letter can be read on screen: the part of the editor between
# the top bar and the tab bar (when shown), inside its padding, over its line height.
LINES_IN_VIEW = f"""() => {{
  const body = document.querySelector("#body");
  const style = getComputedStyle(body);
  const r = body.getBoundingClientRect();
  const bar = document.querySelector("#bar").getBoundingClientRect().bottom;
  {TABS_TOP}
  const top = Math.max(r.top + parseFloat(style.paddingTop), bar);
  const bottom = Math.min(r.bottom - parseFloat(style.paddingBottom), tabsTop, innerHeight);
  return (bottom - top) / parseFloat(style.lineHeight);
}}"""

# The editor never scrolls inside itself: all of the letter is laid out, and the page
# is what scrolls.
INNER_SCROLL = """() => {
  const body = document.querySelector("#body");
  const hidden = body.scrollHeight - body.clientHeight;
  return { scrollTop: body.scrollTop, hidden, page: scrollY };
}"""

# The last line of the editor (where the caret is after typing at the end) is on screen.
END_IN_VIEW = f"""() => {{
  const body = document.querySelector("#body");
  const r = body.getBoundingClientRect();
  {TABS_TOP}
  const end = r.bottom - parseFloat(getComputedStyle(body).paddingBottom);
  return end <= Math.min(tabsTop, innerHeight) + 1;
}}"""

PLAN_RECORDS = """() => new Promise((resolve) => {
  const open = indexedDB.open("between");
  open.onsuccess = () => {
    const db = open.result;
    const all = db.transaction("records").objectStore("records").getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.filter((r) => r.kind === "plan" && !r.deleted).length);
    };
  };
})"""


def top_of(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_the_exercises_come_first_and_the_pacer_starts_in_view(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    device.register("ada")
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        open_screen(page, "/toolkit", "Toolkit")
        # Breathing and grounding come before any box, and before the offer of one.
        assert (
            top_of(page, "#to-breathe")
            < top_of(page, "#to-ground")
            < top_of(page, "#start-texture-box")
        )
        assert page.evaluate(IN_VIEW, "#to-breathe") == "in view", (width, height)
        assert page.evaluate(IN_VIEW, "#to-ground") == "in view", (width, height)

        page.click("#to-breathe")
        page.wait_for_selector("main h1:has-text('Breathing')")
        assert page.evaluate("scrollY") == 0
        assert page.evaluate(IN_VIEW, "#pacer-start") == "in view", (width, height)
        page.click("#pacer-start")
        page.wait_for_selector("#pacer-phase:has-text('Breathe in')")
        # Running, the pacer is the whole screen under the bar: Stop and Help now are in
        # view, and nothing else competes with them.
        assert page.evaluate(IN_VIEW, "#pacer-start") == "in view", (width, height)
        assert page.evaluate(HELP_IN_VIEW) == "in view", (width, height)
        assert not page.is_visible("#tabs a")
        assert page.evaluate("document.documentElement.scrollHeight <= innerHeight"), (
            "the running pacer scrolls"
        )
        axe_clean_light_and_dark(page)
        page.click("#pacer-start")
        page.wait_for_selector("#pacer-phase:has-text('Stopped')")
        assert page.is_visible("#tabs a")

    # With a box, the exercises still come first.
    open_screen(page, "/toolkit", "Toolkit")
    page.click("#start-texture-box")
    page.wait_for_selector("#box-list")
    assert top_of(page, "#to-ground") < top_of(page, "#box-list")
    axe_clean_light_and_dark(page)
    device.close()


def test_the_pacer_keeps_still_with_reduced_motion(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    page.emulate_media(reduced_motion="reduce")
    device.register("bea")
    page.set_viewport_size({"width": 320, "height": 640})
    open_screen(page, "/toolkit/breathe", "Breathing")
    assert page.evaluate(IN_VIEW, "#pacer-start") == "in view"
    page.click("#pacer-start")
    page.wait_for_selector("#pacer-phase:has-text('Breathe in')")
    page.wait_for_selector("#pacer-count:has-text('3')")
    # The words and the count go on; the circle does not grow.
    assert page.get_attribute(".pacer-circle", "class") == "pacer-circle"
    assert page.evaluate(IN_VIEW, "#pacer-start") == "in view"
    page.click("#pacer-start")
    device.close()


def test_the_editor_is_the_whole_screen_and_the_page_scrolls(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    device.register("cleo")
    device.capture(LONG_LETTER)
    letter = page.get_attribute("#capture-status a", "href")
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(letter)
        page.wait_for_selector("#body")
        lines = page.evaluate(LINES_IN_VIEW)
        assert lines >= 12, f"{lines:.1f} lines at {width}x{height}"
        assert page.evaluate(INNER_SCROLL)["hidden"] <= 1, "the letter is cut off in a box"
        axe_clean_light_and_dark(page)

    # Typing at the end of a long letter: the page scrolls, the editor never does, the
    # tabs step back while the words come, and the line being written is in view.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(letter)
    page.wait_for_selector("#body")
    page.click("#body")
    page.keyboard.press("Control+End")
    added = ""
    for n in range(6):
        chunk = f"\nAnd one more line, number {n}, at the end."
        page.keyboard.type(chunk)
        added += chunk
        scroll = page.evaluate(INNER_SCROLL)
        assert scroll["scrollTop"] == 0 and scroll["hidden"] <= 1, scroll
        assert page.evaluate(END_IN_VIEW), f"the line being written is out of view ({n})"
    assert page.evaluate(INNER_SCROLL)["page"] > 0
    assert not page.is_visible("#tabs a")
    assert page.evaluate(HELP_IN_VIEW) == "in view"
    # Every word is kept, as before.
    saved(page, "#saved")
    page.wait_for_timeout(300)
    page.reload()
    page.wait_for_selector("#body")
    assert page.input_value("#body") == LONG_LETTER + added
    # The tabs come back after a pause.
    page.click("#body")
    page.keyboard.type(" Done.")
    page.wait_for_selector("#tabs a", state="visible")
    device.close()


def make_plan(page, show_countdown: bool = True) -> str:
    """A two-week break in Dublin, 17 Nov to 1 Dec 2026, with what helps."""
    open_screen(page, "/plans", "Plans")
    page.click("#new-break")
    page.wait_for_selector("main h1:has-text('New break plan')")
    page.select_option("#plan-zone", "Europe/Dublin")
    page.fill("#last-before", "2026-11-17T10:00")
    page.fill("#first-after", "2026-12-01T10:00")
    page.click("#add-daily_anchor")
    page.fill("#step-0", "A walk at eight")
    page.click("#add-when_hard")
    page.fill("#step-1", "I hold the burlap")
    page.fill("#contact-agreement", "One email is OK; she reads it but won't reply.")
    if not show_countdown:
        page.uncheck("#show-countdown")
    saved(page, "#plan-saved")
    page.click("#plan-done")
    page.wait_for_selector("main h1:has-text('Break plan')")
    return page.url


def test_home_shows_today_during_a_break(served, chromium):
    device = Device(chromium, served, width=320)
    page = device.page
    # Friday 20 November 2026, noon in Dublin: day 3 of the 14-day break.
    page.clock.set_fixed_time(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    device.register("dara")
    plan = make_plan(page)
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        open_screen(page, "/", "Letters")
        card = page.locator("#today")
        card.wait_for()
        text = card.inner_text()
        assert "Day 3 of 14" in text
        assert "A walk at eight" in text
        assert "I hold the burlap" in text
        assert "One email is OK; she reads it but won't reply." in text
        axe_clean_light_and_dark(page)

    # The plan screen puts today first: what helps today before the day-by-day list.
    page.goto(plan)
    page.wait_for_selector("#plan-today")
    assert top_of(page, "#plan-today") < top_of(page, ".days")
    assert "I hold the burlap" in page.inner_text("#plan-today")
    axe_clean_light_and_dark(page)

    # The countdown hidden: the card stays, without the day.
    page.click("#toggle-countdown")
    page.wait_for_selector("#toggle-countdown:has-text('Show the countdown')")
    open_screen(page, "/", "Letters")
    page.wait_for_selector("#today")
    text = page.inner_text("#today")
    assert "Day" not in text and "of 14" not in text
    assert "A walk at eight" in text and "I hold the burlap" in text

    # Before the break and after it, home has no Today card.
    for moment in [datetime(2026, 11, 10, 12, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC)]:
        page.clock.set_fixed_time(moment)
        open_screen(page, "/", "Letters")
        page.wait_for_selector("#letter-count", state="attached")
        assert page.locator("#today").count() == 0
    device.wait_synced()
    device.close()


def test_an_abandoned_new_plan_leaves_nothing_behind(served, chromium):
    device = Device(chromium, served, width=320)
    page = device.page
    device.register("eoin")
    for leave in ["tab", "back"]:
        open_screen(page, "/plans", "Plans")
        page.click("#new-break")
        page.wait_for_selector("main h1:has-text('New break plan')")
        axe_clean_light_and_dark(page)
        # Remove is no larger than Add.
        page.click("#add-daily_anchor")
        add = page.locator("#add-daily_anchor").bounding_box()
        remove = page.locator(".step-row button[aria-label^='Remove']").first.bounding_box()
        assert remove["width"] <= add["width"] + 1 and remove["height"] <= add["height"] + 1
        if leave == "tab":
            page.click("#tabs >> text=Plans")
        else:
            page.go_back()
        page.wait_for_selector("main h1:has-text('Plans')")
        assert page.locator("#plan-list a").count() == 0
        assert page.evaluate(PLAN_RECORDS) == 0
    device.wait_synced()
    assert [r for r in server_records(served, "eoin").values() if r["kind"] == "plan"] == []

    # Once something is written, the plan is kept, and from then on it is changed.
    plan = make_plan(page)
    page.goto(f"{plan}/edit")
    page.wait_for_selector("main h1:has-text('Change the plan')")
    assert page.evaluate(PLAN_RECORDS) == 1
    device.wait_synced()
    assert len([r for r in server_records(served, "eoin").values() if r["kind"] == "plan"]) == 1
    device.close()


def test_a_thing_opens_as_itself_and_how_it_felt_is_a_tap(chromium, served_sqlite):
    device = Device(chromium, served_sqlite, width=320)
    page = device.page
    device.register("fern")
    open_screen(page, "/toolkit", "Toolkit")
    page.click("#start-texture-box")
    page.click("#box-list a:has-text('Texture box')")
    box = page.url
    page.fill("#new-item", "Burlap")
    page.click("text=Add it")
    # A new thing opens to be written about.
    page.fill("#feels-like", "Rough, like the suits she wears")
    page.fill("#kept-at", "The drawer by the bed")
    page.fill("#linked-to", "Tuesday sessions")
    page.select_option("#sense", "touch")
    saved(page, "#item-saved")

    # In the box, each thing is a card with the sense it serves; opening it shows it,
    # with no field to edit until "Change" is chosen.
    page.goto(box)
    card = page.locator("#item-list li").first
    assert "Touch" in card.inner_text()
    # The box opens as the things in it, the first in view at 320x640; renaming the
    # box is a step away.
    page.set_viewport_size({"width": 320, "height": 640})
    # Measured in the page: a sync finishing now redraws the list, and a handle taken
    # a moment before would be to a card no longer shown.
    expect(card).to_be_visible()
    assert card.evaluate("(card) => card.getBoundingClientRect().bottom") <= 640
    assert not page.locator("#box-name").is_visible()
    page.click("#change-box summary")
    page.fill("#box-name", "The burlap box")
    saved(page, "#box-saved")
    open_screen(page, "/toolkit", "Toolkit")
    page.wait_for_selector("#box-list a:has-text('The burlap box')")
    page.goto(box)
    page.click("#item-list a:has-text('Burlap')")
    page.wait_for_selector("main h1:has-text('Burlap')")
    text = page.inner_text("main")
    for words in ["Rough, like the suits she wears", "The drawer by the bed", "Tuesday sessions"]:
        assert words in text
    assert page.locator("main input[type=text], main textarea, main select").count() == 0
    for width, height in PHONES:
        page.set_viewport_size({"width": width, "height": height})
        device.check_screen(width)
        axe_clean_light_and_dark(page)

    # How it felt is two taps on a scale, and both may be skipped.
    log_use(page, 8, 5)
    assert "before 8, after 5" in page.inner_text("#item-uses")
    page.click("#log-use")
    page.wait_for_selector("#item-uses li >> nth=1")
    noted = page.locator("#item-uses li").all_inner_texts()
    assert len(noted) == 2 and sum("before" in use for use in noted) == 1

    # Changing it is a step away.
    page.click("#edit-item")
    page.fill("#kept-at", "The blue tin")
    saved(page, "#item-saved")
    page.click("#item-done")
    page.wait_for_selector("main >> text=The blue tin")
    device.close()
