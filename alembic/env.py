"""Alembic runs the hand-written migrations in versions/ through the async drivers."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from server.database_url import sqlalchemy_url
from server.settings import load_settings

config = context.config


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or sqlalchemy_url(load_settings().database_url)


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_async_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
