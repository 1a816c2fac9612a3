"""/readyz: a replica takes traffic only when its database answers and is migrated to the
code's head revision; /healthz only says that the process is alive."""

from __future__ import annotations

import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections

from server.db import migrate
from server.settings import Settings
from tests.conftest import build_app, make_client


async def test_a_migrated_database_is_ready(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture
def older_database_url(empty_database_url):
    # Sync, so that Alembic's own event loop runs outside the test's.
    migrate(empty_database_url, "0002")
    return empty_database_url


async def test_a_database_behind_the_code_is_not_ready(older_database_url):
    # The code expects a revision the database has not reached: an upgrade whose
    # migration has not run yet must not receive traffic.
    app = build_app(Settings(database_url=older_database_url))
    async with LifespanManager(app), make_client(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reason": "migrations-behind"}
        # Alive all the same: a process restart would not help.
        assert (await client.get("/healthz")).status_code == 200


async def test_a_database_never_migrated_is_not_ready(empty_database_url):
    app = build_app(Settings(database_url=empty_database_url))
    async with LifespanManager(app), make_client(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reason": "migrations-behind"}


async def test_an_unreachable_database_is_not_ready(client):
    await connections.get("default").close()
    broken = connections.get("default")

    async def unreachable(*_args, **_kwargs):
        raise OSError("connection refused")

    broken.execute_query = unreachable
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database-unreachable"}


async def test_a_database_ahead_of_the_code_stays_ready(client):
    # A rolling upgrade migrates first: replicas still on the old code keep serving.
    database = connections.get("default")
    _, rows = await database.execute_query("SELECT version_num FROM alembic_version")
    head = rows[0]["version_num"]
    assert head.isalnum()
    await database.execute_query("UPDATE alembic_version SET version_num = 'a-newer-release'")
    try:
        response = await client.get("/readyz")
    finally:
        # The PostgreSQL database is shared by the whole run.
        await database.execute_query(f"UPDATE alembic_version SET version_num = '{head}'")  # noqa: S608
    assert response.status_code == 200
