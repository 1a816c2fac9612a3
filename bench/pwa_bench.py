"""PWA budgets, measured in the system Chromium against a real `between serve`.

    python bench/pwa_bench.py

- shell size: HTML + JS + CSS, each file gzipped as a server would send it (every
  screen, loaded or not), what a cold open actually loads, and what is fetched only
  when needed (Argon2, at sign-in);
- cold offline open: a fresh browser process on a profile that visited once, network
  cut, CPU slowed 4x; time from navigation start until the letter list is on screen,
  with short letters and with long ones;
- typing: long tasks (over 50 ms) while typing into a 20,000-word letter, at normal
  speed and with the CPU slowed 4x, and how long after the last keystroke the words
  are durable in IndexedDB (the budget: 300 ms).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from server.pwa import shell_files  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.pwa import Device  # noqa: E402
from tests.serving import start_server  # noqa: E402

LETTERS = 200
OPEN_RUNS = 5
WORDS = 20_000
TYPED = "and still I keep writing to you, slowly, "

CREATE_LETTERS = """async ([count, body]) => {
  const letters = await import('/src/letters.js');
  const ids = [];
  for (let i = 0; i < count; i++) {
    ids.push(await letters.createLetter({ title: `Letter ${i}`, body }));
  }
  return ids;
}"""

# When the first letter of the list is on screen, by the page's own clock: Chromium's
# Element Timing reports when the text was painted. It is reported on the console,
# because waiting for it with Playwright would put Playwright's own scripts into the
# page, and their cost, at CPU x4, into the figure.
WATCH_LIST = """
new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) {
    if (entry.identifier === "first-letter") console.debug("list-shown", entry.renderTime);
  }
}).observe({ type: "element", buffered: true });
new MutationObserver((changes, observer) => {
  const first = document.querySelector("#letter-list li .letter-title");
  if (first) {
    observer.disconnect();
    first.setAttribute("elementtiming", "first-letter");
  }
}).observe(document, { childList: true, subtree: true });
"""


def is_list_shown(message) -> bool:
    return message.text.startswith("list-shown")


WATCH_LONG_TASKS = """() => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
  }).observe({ type: "longtask" });
}"""
# Durable: the letter's words are in IndexedDB when "saved" is announced, after the
# write's transaction completed.
WATCH_SAVES = """async () => {
  const { bus } = await import("/src/sync.js");
  document.addEventListener("keydown", () => { window.lastKey = performance.now(); }, true);
  bus.addEventListener("saved", () => { window.lastSaved = performance.now(); });
}"""


PWA = ROOT / "pwa"
# Precached for offline use, but fetched only when needed (Argon2 at sign-in).
ON_DEMAND = PWA / "vendor"


def gzip_size(files: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)


def on_demand_files() -> list[Path]:
    return sorted(p for p in ON_DEMAND.rglob("*") if p.suffix == ".js")


def shell_size() -> tuple[int, int]:
    files = [
        p
        for p in shell_files(PWA)
        if p.suffix in (".html", ".js", ".css") and not p.is_relative_to(ON_DEMAND)
    ]
    files.append(PWA / "sw.js")
    raw = sum(p.stat().st_size for p in files)
    return raw, gzip_size(files)


def floors(playwright, long_body: str) -> tuple[float, list[float]]:
    """The same measures on an empty page and a bare textarea: what Chromium costs here."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    opens = []
    for _ in range(OPEN_RUNS):
        page = browser.new_page()
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto("data:text/html,<title>empty</title><ul><li>letter</li></ul>")
        opens.append(
            page.evaluate("() => performance.getEntriesByType('navigation')[0].domInteractive")
        )
        page.close()
    page = browser.new_page()
    page.set_content("<textarea id=body rows=14></textarea>")
    page.evaluate("(text) => { document.getElementById('body').value = text; }", long_body)
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.click("#body")
    page.keyboard.press("Control+End")
    page.evaluate(WATCH_LONG_TASKS)
    page.keyboard.type(TYPED * 5, delay=40)
    page.wait_for_timeout(500)
    tasks = page.evaluate("() => window.longTasks")
    browser.close()
    return statistics.median(opens), tasks


# The app's own code that the page fetched (from the worker's cache) while opening.
LOADED = """() => performance.getEntriesByType("resource")
  .map((entry) => new URL(entry.name))
  .filter((url) => url.origin === location.origin)
  .map((url) => url.pathname)"""


def cold_open_files(paths: list[str]) -> list[Path]:
    files = {PWA / "index.html"}
    for path in paths:
        file = PWA / path.lstrip("/")
        if file.suffix in (".js", ".css") and file.is_file():
            files.add(file)
    return sorted(files)


def cold_open_ms(playwright, base: str, profile: Path) -> tuple[list[float], list[Path]]:
    times = []
    loaded: list[Path] = []
    for _ in range(OPEN_RUNS):
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, base_url=base
        )
        context.set_offline(True)
        context.add_init_script(WATCH_LIST)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        with page.expect_console_message(is_list_shown, timeout=60_000) as shown:
            page.goto("/")
        times.append(float(shown.value.text.split()[1]))
        loaded = cold_open_files(page.evaluate(LOADED))
        context.close()
    return times, loaded


def typing_long_tasks(device: Device, letter_id: str, throttle: int) -> tuple[list[float], float]:
    """Long tasks while typing, and how long after the last keystroke the words were
    durable on the device."""
    page = device.page
    cdp = device.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(f"/letters/{letter_id}")
    page.wait_for_selector("#body")
    page.wait_for_timeout(1000)
    page.click("#body")
    page.keyboard.press("Control+End")
    page.evaluate(WATCH_LONG_TASKS)
    page.evaluate(WATCH_SAVES)
    page.keyboard.type(TYPED * 5, delay=40)
    page.wait_for_timeout(500)
    tasks = page.evaluate("() => window.longTasks")
    durable = page.evaluate("() => window.lastSaved - window.lastKey")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return tasks, durable


def device_with_letters(playwright, base: str, profile: Path, name: str, body: str) -> Device:
    """A signed-in browser profile holding LETTERS letters, all synced."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, base_url=base
    )
    device = Device.__new__(Device)
    device.context, device.base, device.errors = context, base, []
    device.page = context.new_page()
    device.register(name)
    device.page.evaluate(CREATE_LETTERS, [LETTERS, body])
    device.wait_synced(timeout=300)
    return device


def report_open(label: str, times: list[float]) -> None:
    print(
        f"cold offline open to letter list ({label}, CPU x4): "
        f"median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms"
    )


def main() -> None:
    raw, packed = shell_size()
    print(f"app shell (HTML + JS + CSS): {raw / 1024:.1f} KB raw, {packed / 1024:.1f} KB gzip")
    print(f"fetched only when needed (gzip): {gzip_size(on_demand_files()) / 1024:.1f} KB")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp_path = Path(tmp)
        with start_server(f"sqlite://{tmp_path / 'bench.sqlite3'}", tmp_path) as base:
            profile = tmp_path / "profile"
            device = device_with_letters(
                playwright, base, profile, "bench", "A few lines of a letter. " * 40
            )
            long_body = " ".join(f"word{i % 997}" for i in range(WORDS))
            (letter_id,) = device.page.evaluate(CREATE_LETTERS, [1, long_body])
            device.wait_synced(timeout=120)

            for throttle in (1, 4):
                tasks, durable = typing_long_tasks(device, letter_id, throttle)
                worst = max(tasks, default=0)
                print(
                    f"typing into {WORDS:,} words, CPU x{throttle}: {len(tasks)} long tasks, "
                    f"longest {worst:.0f} ms; durable {durable:.0f} ms after the last key "
                    "(budget 300 ms)"
                )
            device.context.close()
            times, loaded = cold_open_ms(playwright, base, profile)
            report_open(f"{LETTERS + 1} letters of 1 KB", times)
            print(
                f"the cold open loads {len(loaded)} files of HTML, JS and CSS: "
                f"{gzip_size(loaded) / 1024:.1f} KB gzip"
            )

            # Long letters: the open must not slow down as the letters grow.
            long_profile = tmp_path / "long-letters"
            long_letter = "A longer letter, page on page. " * 650
            device = device_with_letters(playwright, base, long_profile, "bench-long", long_letter)
            device.context.close()
            long_times, _ = cold_open_ms(playwright, base, long_profile)
            report_open(f"{LETTERS} letters of 20 KB", long_times)

            empty_open, bare_tasks = floors(playwright, long_body)
            print(f"floor: an empty page opens in {empty_open:.0f} ms (CPU x4)")
            print(
                f"floor: a bare textarea with {WORDS:,} words, CPU x4: {len(bare_tasks)} long "
                f"tasks, longest {max(bare_tasks, default=0):.0f} ms"
            )


if __name__ == "__main__":
    main()
