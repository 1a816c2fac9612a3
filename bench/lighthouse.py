"""Lighthouse (mobile) scores of the main screens, in the system Chromium, against a
real `between serve` on a throwaway SQLite database.

    python bench/lighthouse.py [folder]

With a folder, each screen's whole Lighthouse report is kept there as JSON (the layout
shifts and their elements, the timings), to see why a score is what it is.

Lighthouse comes from npm into a cache folder outside the repo, at the version pinned
here. It drives the Chromium that Playwright started with a remote debugging port, in
the same profile, so the signed-in screens are the ones a person sees (its own
storage reset is turned off for that). Goals (issue #16): performance 95+,
accessibility and best practices 100 on each screen.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.pwa import PASSWORD  # noqa: E402
from tests.serving import start_server  # noqa: E402

LIGHTHOUSE = "12.8.2"
CACHE = Path.home() / ".cache" / "between-lighthouse" / LIGHTHOUSE
CATEGORIES = ("performance", "accessibility", "best-practices")
SIGNED_IN = (
    ("letters", "/"),
    ("toolkit", "/toolkit"),
    ("breathe", "/toolkit/breathe"),
    ("plans", "/plans"),
    ("help", "/help"),
    ("account", "/account"),
)


def lighthouse_cli() -> Path:
    cli = CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        if shutil.which("npm") is None:
            sys.exit("Lighthouse needs node and npm (apt-get install -y nodejs npm).")
        CACHE.mkdir(parents=True, exist_ok=True)
        # A package of its own, or npm would install into a parent folder's package.
        (CACHE / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE}"],
            cwd=CACHE,
            check=True,
        )
    return cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scores(cli: Path, url: str, port: int, keep: Path | None = None) -> dict[str, float]:
    run = subprocess.run(
        [
            "node",
            str(cli),
            url,
            f"--port={port}",
            "--disable-storage-reset",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.exit(f"Lighthouse failed on {url}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    if keep is not None:
        keep.write_text(run.stdout)
    result: dict[str, float] = {
        name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES
    }
    # How far the screen moves as it fills (the goal is under 0.1, and 0 is usual here).
    result["CLS"] = round(report["audits"]["cumulative-layout-shift"]["numericValue"], 3)
    return result


def main() -> None:
    keep = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)

    def measure(name: str, url: str) -> dict[str, float]:
        return scores(cli, url, port, keep / f"{name.split()[0]}.json" if keep else None)

    cli = lighthouse_cli()
    port = free_port()
    rows = []
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        workdir = Path(work)
        with start_server(f"sqlite://{workdir / 'bench.sqlite3'}", workdir) as base:
            context = playwright.chromium.launch_persistent_context(
                str(workdir / "profile"),
                executable_path=str(CHROMIUM),
                args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"],
                base_url=base,
            )
            page = context.new_page()
            page.goto("/")
            page.wait_for_selector("main h1")
            rows.append(("welcome (signed out)", measure("welcome", base + "/")))
            page.fill("#new-username", "robin")
            page.fill("#display-name", "Robin")
            page.fill("#new-password", PASSWORD)
            page.click("button:has-text('Create account')")
            page.wait_for_selector("#recovery-codes li")
            page.check("#codes-kept")
            page.click("#codes-done")
            page.wait_for_selector("#quick-hide")
            page.fill("#capture", "Tonight I wanted to write to you about the waiting room.")
            page.wait_for_selector("#capture-status a")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            for name, path in SIGNED_IN:
                rows.append((name, measure(name, base + path)))
            context.close()
    columns = (*CATEGORIES, "CLS")
    print(f"{'screen':24}" + "".join(f"{name:>16}" for name in columns))
    for name, result in rows:
        print(f"{name:24}" + "".join(f"{result[c]:>16}" for c in columns))


if __name__ == "__main__":
    main()
