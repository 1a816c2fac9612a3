"""A real `between serve` in a subprocess, on an empty database it migrates itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.serving import start_server

CHROMIUM = Path("/usr/bin/chromium")
PWA = Path(__file__).resolve().parents[2] / "pwa"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def served(empty_database_url, tmp_path):
    """The base URL of a running `between serve` on an empty database it migrates itself."""
    with start_server(empty_database_url, tmp_path) as base:
        yield base


def migrated_sqlite(template: str, tmp_path: Path) -> str:
    """A copy of the suite's migrated SQLite database: the server finds nothing to
    migrate, which saves each browser test a second (`served` keeps the empty start)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite://{path}"


@pytest.fixture
def served_sqlite(sqlite_template, tmp_path):
    """A running server on SQLite, for browser tests that exercise the PWA itself."""
    with start_server(migrated_sqlite(sqlite_template, tmp_path), tmp_path) as base:
        yield base


@pytest.fixture
def served_app_copy(sqlite_template, tmp_path):
    """A server of a copy of the PWA, which a test may change to ship a newer version.
    Yields the copy's folder and the base URL."""
    app = tmp_path / "pwa"
    shutil.copytree(PWA, app)
    database = migrated_sqlite(sqlite_template, tmp_path)
    with start_server(database, tmp_path, pwa_dir=app) as base:
        yield app, base


@pytest.fixture
def postgres_scratch_url(tmp_path):
    """An empty PostgreSQL database, migrated, for tests that run several servers on it."""
    from server.db import migrate
    from tests.conftest import scratch_postgres

    with scratch_postgres() as url:
        migrate(url)
        yield url


@pytest.fixture
def playwright():
    # Function scope: the sync API keeps an event loop running in this thread while it
    # is open, which would break every asyncio test and asyncio.run() after it.
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("Chromium must be installed in CI (apt-get install -y chromium).")
        pytest.skip("browser tests need /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture
def chromium(playwright):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
