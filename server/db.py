"""Database wiring: Tortoise's model registry, built from the domains, and Alembic as
the only schema author. What a DATABASE_URL names is server/database_url.py's."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE

from server.database_url import alembic_config, sqlite_path, with_secure_delete
from server.database_url import is_sqlite as is_sqlite  # for callers of server.db
from server.domains import MODEL_MODULES


def tortoise_config(database_url: str) -> dict:
    connection: str | dict = with_secure_delete(database_url)
    if not is_sqlite(database_url):
        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = keep_session
    return {
        "connections": {"default": connection},
        "apps": {"between": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def keep_session(_connection: object) -> None:
    """What asyncpg's pool does to a connection it takes back, besides rolling back an
    open transaction (which it always does first): nothing.

    Its default is one more query on every release (`RESET ALL`, `UNLISTEN *`, `CLOSE
    ALL`, advisory locks unlocked), and outside a transaction Tortoise releases after
    every statement: a quarter of the database's work on small requests. This server
    leaves no session state on a pooled connection for it to undo: no `SET` without
    `LOCAL`, advisory locks only per transaction, and LISTEN on a connection of its own
    (server/sync/pokes.py). Keep it so."""


def forget_cached_sql() -> None:
    """Tortoise caches each model's SQL by connection name, not by dialect, so a process
    that opens another database (tests, the benchmark) must not reuse the old SQL."""
    EXECUTOR_CACHE.clear()


def migrate(database_url: str, revision: str = "head") -> None:
    """Bring the database schema to `revision`; the only way the schema is created."""
    path = sqlite_path(database_url)
    if path is not None:
        _create_private(path)
    command.upgrade(alembic_config(database_url), revision)


def _create_private(path: Path) -> None:
    """A new SQLite database is readable by its owner only (0600, in a 0700 folder it
    creates); SQLite gives its -wal and -shm files the database file's permissions."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
