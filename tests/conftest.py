"""Shared fixtures: a migrated database per test on SQLite and PostgreSQL, and the app.

Every test that asks for `database_url` (directly or through `client`) runs once on
SQLite and once on PostgreSQL when TEST_DATABASE_URL is set. Without it the
PostgreSQL runs skip, except under CI, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from contextlib import contextmanager
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from tortoise import Tortoise

from server.app import create_app
from server.db import migrate
from server.settings import Settings

# Cheap argon2 parameters keep the suite quick; production uses argon2-cffi's defaults.
FAST_ARGON2 = dict(time_cost=1, memory_cost=1024, parallelism=1)
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = bool(os.environ.get("CI"))


def require_postgres() -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    if IN_CI:
        pytest.fail("TEST_DATABASE_URL must be set in CI: the suite has to run on PostgreSQL.")
    pytest.skip(
        "PostgreSQL runs need TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
    )


async def reset_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


async def truncate_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
        if tables:
            names = ", ".join(f'"{row["tablename"]}"' for row in tables)
            await connection.execute(f"TRUNCATE {names} CASCADE")
    finally:
        await connection.close()


async def _recreate_database(url: str, name: str, drop_only: bool = False) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()


@contextmanager
def scratch_postgres(name: str | None = None):
    """A new, empty PostgreSQL database beside the test one, dropped afterwards. Its
    name follows the test database's, so suites on separate test databases never meet."""
    url = require_postgres()
    name = name or urlsplit(url).path.lstrip("/") + "_scratch"
    asyncio.run(_recreate_database(url, name))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_recreate_database(url, name, drop_only=True))


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request, tmp_path):
    """A database with no tables at all, for tests that migrate or build it themselves."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"
        return
    with scratch_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "between.sqlite3"
    migrate(f"sqlite://{path}")
    return str(path)


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    url = require_postgres()
    asyncio.run(reset_postgres(url))
    migrate(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    # A sync fixture: it runs outside the test's event loop, so asyncio.run is safe here.
    if request.param == "sqlite":
        path = tmp_path / "between.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite://{path}"
    else:
        url = request.getfixturevalue("postgres_migrated")
        asyncio.run(truncate_postgres(url))
        yield url
        asyncio.run(truncate_postgres(url))


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url)


def build_app(settings: Settings):
    return create_app(settings, password_hasher=PasswordHasher(**FAST_ARGON2))


@pytest.fixture
async def app(settings):
    application = build_app(settings)
    async with LifespanManager(application):
        yield application


def make_client(app, base_url: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


@pytest.fixture
async def client(app):
    async with make_client(app) as http:
        yield http


@pytest.fixture
async def other_client(app):
    """A second device, with its own cookie jar."""
    async with make_client(app) as http:
        yield http


async def row_counts() -> dict[str, int]:
    """How many rows each model's table holds, to prove a failure wrote nothing. Rate-limit
    state is left out: every try is counted, failed ones above all."""
    return {
        name: await model.all().count()
        for name, model in Tortoise.apps["between"].items()
        if not model.__module__.startswith("server.ratelimits")
    }


def production(settings: Settings) -> Settings:
    return replace(settings, production=True)
