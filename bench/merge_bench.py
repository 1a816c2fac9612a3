"""Letter-merge benchmark: the device's three-way merge (pwa/src/merge.js), timed in the
system Chromium at normal speed and with the CPU slowed 4x.

    python bench/merge_bench.py

The server holds only sealed letters, so a device merges when another changed the
letter first. The cases: the worst case a security review found for the old server
merge (a 183,000-character letter with 300 scattered edits, merged into a text
rewritten in other words: a conflict), the same edits merged with one edit at the top
made elsewhere (clean), and texts of one line repeated, changed on both sides, the
shape that costs a line alignment most (MAX_PAIRS is the bound past which nothing is
merged).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.letters.long_letter import worst_case  # noqa: E402
from tests.serving import start_server  # noqa: E402

RUNS = 5

MERGE = """async ([base, mine, theirs]) => {
  const { mergeText } = await import("/src/merge.js");
  const start = performance.now();
  const merged = mergeText(base, mine, theirs);
  return { ms: performance.now() - start, clean: merged.clean, length: merged.text.length };
}"""


def cases() -> list[tuple[str, tuple[str, str, str]]]:
    base, rewritten, edited = worst_case()

    def repeated(count: int) -> tuple[str, str, str]:
        same = "and again\n" * count
        return same, "first\n" + same, same + "last\n"

    return [
        ("183,000 characters, 300 edits, into a rewritten text", (base, edited, rewritten)),
        ("183,000 characters, 300 edits, into one edit at the top", (base, edited, "x" + base)),
        ("1,000 identical lines changed at each end (just within MAX_PAIRS)", repeated(1_000)),
        ("5,000 identical lines changed at each end (past MAX_PAIRS)", repeated(5_000)),
    ]


def measure(browser, base_url: str, texts: tuple[str, str, str], throttle: int) -> dict:
    page = browser.new_page()
    page.goto(f"{base_url}/welcome")
    page.wait_for_selector("#register-heading")
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    result = page.evaluate(MERGE, list(texts))
    page.close()
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        tmp = Path(folder)
        with start_server(f"sqlite://{tmp / 'bench.sqlite3'}", tmp) as base_url:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, texts in cases():
                for throttle in (1, 4):
                    runs = [measure(browser, base_url, texts, throttle) for _ in range(RUNS)]
                    outcome = "merged" if runs[0]["clean"] else "both kept"
                    print(
                        f"{name}, CPU x{throttle}: median "
                        f"{statistics.median(r['ms'] for r in runs):.0f} ms, "
                        f"max {max(r['ms'] for r in runs):.0f} ms ({outcome})"
                    )
            browser.close()


if __name__ == "__main__":
    main()
