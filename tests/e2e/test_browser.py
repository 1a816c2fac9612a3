"""The placeholder page in real headless Chromium: accessible, calm, no CSP breakage."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 414])
def test_home_page_is_accessible_and_fits(served, chromium, width):
    context = chromium.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(served)
    assert page.title() == "Between"
    assert page.locator("h1").inner_text() == "Between"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width
    assert problems == []
    context.close()
