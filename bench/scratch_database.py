"""A PostgreSQL database of a bench's own, made afresh on the server an admin URL names,
so that benches running at once on one server keep apart."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg


async def recreate(admin_url: str, name: str, drop_only: bool = False) -> str:
    """Drop the database `name` (closing its connections), make it again unless
    `drop_only`, and return its URL."""
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
