"""What sealing costs on the device, measured in the system Chromium.

    python bench/crypto_bench.py

- key derivation at sign-in (Argon2id with this version's parameters), at normal
  speed and with the CPU slowed 4x (the budget: under 2 s at 4x);
- sealing and opening one 20,000-word letter at 4x (autosave seals on every save);
- sealing 1,000 small records at 4x (a first sync opens every record);
- the bytes fetched only when a key is derived (gzip), which stay out of the cold open.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.pwa_bench import gzip_size, on_demand_files  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.serving import start_server  # noqa: E402

RUNS = 3
WORDS = 20_000
SMALL_RECORDS = 1_000

IMPORTS = """const [b, k, r] = await Promise.all([
  import("/src/crypto/bytes.js"), import("/src/crypto/keys.js"), import("/src/crypto/records.js"),
]);"""

DERIVE = f"""async () => {{
  {IMPORTS}
  const start = performance.now();
  await k.passwordKeys("correct horse battery staple", "robin", "00112233445566778899aabbccddeeff");
  return performance.now() - start;
}}"""

LETTER = f"""async (words) => {{
  {IMPORTS}
  const key = b.randomBytes(32);
  const record = {{ id: "letter-1", kind: "letter", format: 1,
    content: {{ title: "A letter", body: "and still I keep writing ".repeat(words / 5) }} }};
  let start = performance.now();
  const sealed = await r.sealRecord(key, record);
  const sealMs = performance.now() - start;
  start = performance.now();
  await r.openRecord(key, {{ ...record, sealed }});
  return {{ sealMs, openMs: performance.now() - start, bytes: sealed.length }};
}}"""

SMALL = f"""async (count) => {{
  {IMPORTS}
  const key = b.randomBytes(32);
  const start = performance.now();
  const text = "This feeling is a wave. It has come before and it passed.";
  for (let i = 0; i < count; i++) {{
    await r.sealRecord(key, {{ id: `card-${{i}}`, kind: "carry_card", format: 1,
      content: {{ text, position: i }} }});
  }}
  return performance.now() - start;
}}"""


def measure(browser, base: str, script: str, arg, throttle: int):
    page = browser.new_page()
    page.goto(f"{base}/welcome")
    page.wait_for_selector("#register-heading")
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    result = page.evaluate(script, arg) if arg is not None else page.evaluate(script)
    page.close()
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        tmp = Path(folder)
        with start_server(f"sqlite://{tmp / 'bench.sqlite3'}", tmp) as base:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for throttle in (1, 4):
                times = [measure(browser, base, DERIVE, None, throttle) for _ in range(RUNS)]
                print(
                    f"key derivation, CPU x{throttle}: median {statistics.median(times):.0f} ms "
                    f"(runs {', '.join(f'{t:.0f}' for t in times)}; budget at x4: 2000 ms)"
                )
            letters = [measure(browser, base, LETTER, WORDS, 4) for _ in range(RUNS)]
            print(
                f"{WORDS:,}-word letter at CPU x4: seal median "
                f"{statistics.median(x['sealMs'] for x in letters):.1f} ms, open median "
                f"{statistics.median(x['openMs'] for x in letters):.1f} ms "
                f"({letters[0]['bytes']:,} bytes sealed)"
            )
            small = [measure(browser, base, SMALL, SMALL_RECORDS, 4) for _ in range(RUNS)]
            print(
                f"{SMALL_RECORDS:,} small records sealed at CPU x4: median "
                f"{statistics.median(small):.0f} ms"
            )
            browser.close()
    on_demand = gzip_size(on_demand_files()) / 1024
    print(f"fetched only when a key is derived (gzip): {on_demand:.1f} KB")


if __name__ == "__main__":
    main()
