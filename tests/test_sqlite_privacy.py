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
from tests.sync_client import letter, letter_mutation, mutation, new_id, push


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
async def test_a_purged_letter_leaves_nothing_in_the_file(database, option, left_behind):
    """The server turns SQLite's secure_delete on, whatever the build's default (the
    explicit OFF shows that the check can see an envelope left in free pages). A letter's
    words never reach the file at all: only its envelope, which a purge erases with
    its revisions."""
    marker = "the-secret-only-this-letter-holds"
    app = build_app(Settings(database_url=f"sqlite://{database}{option}"))
    async with LifespanManager(app), make_client(app) as client:
        key = (await register(client))["accountKey"]
        lid = new_id()
        made = letter_mutation(1, lid, letter(marker * 50), key)
        envelope = made["sealed"].encode()
        await push(client, "phone-0001", [made, letter_mutation(2, lid, letter("later"), key)])
        db = connections.get("default")
        await db.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
        assert envelope in database.read_bytes()
        assert marker.encode() not in database.read_bytes()
        await push(client, "phone-0001", [mutation(3, lid, op="delete", base=2)])
        gone = await push(client, "phone-0001", [mutation(4, lid, op="purge", base=3)])
        assert gone["results"][0]["status"] == "APPLIED"
        await db.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (envelope in database.read_bytes()) is left_behind
