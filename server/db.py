"""Database wiring: Tortoise's model registry, and Alembic as the only schema author."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from tortoise.backends.base.executor import EXECUTOR_CACHE

from server.settings import PROJECT_ROOT

# Every module that declares Tortoise models. Later domains add themselves here.
MODEL_MODULES = [
    "server.auth.models",
    "server.sync.models",
    "server.letters.models",
    "server.sharing.models",
    "server.ratelimits.models",
]


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": _with_secure_delete(database_url)},
        "apps": {"between": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def forget_cached_sql() -> None:
    """Tortoise caches each model's SQL by connection name, not by dialect, so a process
    that opens another database (tests, the benchmark) must not reuse the old SQL."""
    EXECUTOR_CACHE.clear()


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


def _with_secure_delete(database_url: str) -> str:
    """On SQLite, deleted letters are overwritten with zeros instead of lingering in free
    pages of the file. Tortoise applies query options as PRAGMAs on every connection."""
    if not is_sqlite(database_url) or "secure_delete" in database_url:
        return database_url
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}secure_delete=ON"


def sqlalchemy_url(database_url: str) -> str:
    """Map a Tortoise URL to the SQLAlchemy URL of the same database and async driver."""
    if is_sqlite(database_url):
        # Tortoise: sqlite://relative/path or sqlite:///absolute/path.
        return "sqlite+aiosqlite:///" + database_url.removeprefix("sqlite://")
    for prefix in ("postgres://", "postgresql://", "asyncpg://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url.removeprefix(prefix)
    raise ValueError("DATABASE_URL must start with sqlite:// or postgres://")


def sqlite_path(database_url: str) -> Path | None:
    if not is_sqlite(database_url):
        return None
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    # Percent signs in passwords would otherwise be read as interpolation.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


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
