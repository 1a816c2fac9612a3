"""On SQLite, the file itself: private permissions, and deleted words really gone."""

from __future__ import annotations

import stat

import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections

from server.db import migrate
from server.settings import Settings
from tests.conftest import build_app, make_client
from tests.graphql_client import register
from tests.sync_client import new_id, push_one


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_is_private_to_its_owner(tmp_path):
    database = tmp_path / "data" / "between.sqlite3"
    migrate(f"sqlite://{database}")
    assert mode_of(database.parent) == 0o700
    assert mode_of(database) == 0o600


@pytest.fixture
def database(tmp_path):
    # Migrated outside the test's event loop: Alembic runs its own.
    path = tmp_path / "between.sqlite3"
    migrate(f"sqlite://{path}")
    return path


@pytest.mark.parametrize(("option", "left_behind"), [("", False), ("?secure_delete=OFF", True)])
async def test_deleted_rows_leave_no_words_in_the_file(database, option, left_behind):
    """The server turns SQLite's secure_delete on, whatever the build's default (the
    explicit OFF shows that the check can see words left in free pages)."""
    marker = "the-secret-only-this-letter-holds"
    app = build_app(Settings(database_url=f"sqlite://{database}{option}"))
    async with LifespanManager(app), make_client(app) as client:
        await register(client)
        letter = new_id()
        await push_one(client, "phone-0001", 1, letter, {"body": marker * 50})
        db = connections.get("default")
        await db.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
        assert marker.encode() in database.read_bytes()
        # Gone for good (as after 30 days in the trash), with its revisions.
        await db.execute_query("DELETE FROM letter_revision WHERE letter_id = ?", [letter])
        await db.execute_query("DELETE FROM sync_record WHERE id = ?", [letter])
        await db.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (marker.encode() in database.read_bytes()) is left_behind
