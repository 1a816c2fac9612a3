"""The frame holds still: the name in the bar is shown whole or not at all, and the
screens do not move as they fill."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pwa import Device

pytestmark = pytest.mark.browser

# Where the name sits: whole and on the bar's one line, or wrapped out of sight.
BRAND = """() => {
  const brand = document.querySelector(".brand").getBoundingClientRect();
  const bar = document.querySelector(".bar").getBoundingClientRect();
  const name = document.querySelector(".brand");
  return {
    onBar: name.checkVisibility() && brand.bottom <= bar.bottom && brand.top >= bar.top,
    whole: name.scrollWidth <= Math.ceil(brand.width),
  };
}"""

# Every layout shift since the page began, as the browser counts them for CLS.
SHIFTS = """() => new Promise((resolve) => {
  new PerformanceObserver((list, observer) => {
    observer.disconnect();
    resolve(list.getEntries().filter((e) => !e.hadRecentInput).map((e) => ({
      value: e.value,
      nodes: e.sources.map((s) => s.node?.id || s.node?.className || s.node?.nodeName || "?"),
    })));
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve([]), 1000);
})"""


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [pytest.param(320, 640, False, id="320x640"), pytest.param(390, 844, True, id="390x844")],
)
def test_the_name_in_the_bar_is_whole_or_not_there(served_sqlite, chromium, width, height, shown):
    device = Device(chromium, served_sqlite, width=width, height=height)
    device.register("robin")
    page = device.page
    device.capture("A first letter")
    device.wait_synced()
    expect(page.locator("#sync-status")).to_have_text("Synced")
    place = page.evaluate(BRAND)
    assert place["whole"], place
    assert place["onBar"] is shown, place
    # Help now and the tools are always on the bar.
    assert page.evaluate(
        "() => document.querySelector('#help-now').getBoundingClientRect().bottom"
        " <= document.querySelector('.bar').getBoundingClientRect().bottom"
    )
    device.close()


@pytest.mark.parametrize("path", ["/", "/toolkit", "/plans", "/account"])
def test_a_screen_does_not_move_as_it_fills(served_sqlite, chromium, path):
    device = Device(chromium, served_sqlite, width=390, height=844)
    device.register("robin")
    device.capture("A first letter")
    device.wait_synced()
    page = device.page
    page.goto(path)
    page.wait_for_selector("main h1")
    page.wait_for_timeout(1500)  # the start-up sync has run and said so
    shifts = page.evaluate(SHIFTS)
    assert sum(s["value"] for s in shifts) < 0.01, shifts
    device.close()


# Keyboard focus on the page's first stop ("Skip to content"), just before the bar.
FOCUS_FROM_TOP = "() => document.querySelector('.skip').focus()"


def test_a_name_wrapped_out_of_sight_takes_no_tab_stop(served_sqlite, chromium):
    device = Device(chromium, served_sqlite, width=390, height=844)
    device.register("robin")
    device.wait_synced()
    page = device.page
    expect(page.locator("#sync-status")).to_have_text("Synced")
    brand = page.locator("#bar > .brand")
    assert page.evaluate(BRAND)["onBar"]
    page.evaluate(FOCUS_FROM_TOP)
    page.keyboard.press("Tab")
    expect(brand).to_be_focused()
    # A longer word in the bar leaves the name no room: it wraps below the bar's clip,
    # and is then out of reach of the Tab key and of screen readers as well.
    page.evaluate("() => { document.querySelector('.sync-word').textContent = 'Not synced yet'; }")
    page.wait_for_function("() => document.querySelector('#bar > .brand').inert")
    assert not page.evaluate(BRAND)["onBar"]
    page.evaluate(FOCUS_FROM_TOP)
    page.keyboard.press("Tab")
    expect(brand).not_to_be_focused()
    expect(page.locator("#bar summary")).to_be_focused()
    device.close()
