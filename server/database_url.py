"""What a DATABASE_URL names: SQLite or PostgreSQL, and the same database for SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config as AlembicConfig

from server.settings import PROJECT_ROOT


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


def with_secure_delete(database_url: str) -> str:
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
    """Alembic's configuration for this database; its script folder is the project's."""
    config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    # Percent signs in passwords would otherwise be read as interpolation.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config
