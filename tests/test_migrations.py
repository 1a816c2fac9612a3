"""Alembic is the only schema author; these tests keep it and the Tortoise models in step.

Both sides are read back by SQLAlchemy's inspector from real databases: one built by
the migrations, one built by Tortoise from the models. Tables, columns, types,
nullability, primary keys, foreign keys and indexes must all match.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import create_async_engine
from tortoise import Tortoise

from server.database_url import alembic_config, is_sqlite, sqlalchemy_url
from server.db import forget_cached_sql, migrate, tortoise_config


def sqlite_indexes(connection, table: str) -> set:
    # PRAGMA sees inline UNIQUE columns too, which SQLAlchemy's SQLite reflection skips.
    found = set()
    for row in connection.exec_driver_sql(f'PRAGMA index_list("{table}")'):
        name, unique, origin = row[1], bool(row[2]), row[3]
        if origin == "pk":
            continue
        columns = [r[2] for r in connection.exec_driver_sql(f'PRAGMA index_info("{name}")')]
        found.add((tuple(columns), unique))
    return found


def sqlite_foreign_keys(connection, table: str) -> list:
    rows = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')
    return sorted(((row[3],), row[2], row[6].upper()) for row in rows)


def describe(connection) -> dict:
    inspector = sa.inspect(connection)
    sqlite = connection.dialect.name == "sqlite"
    schema = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        if sqlite:
            indexes = sqlite_indexes(connection, table)
            foreign_keys = sqlite_foreign_keys(connection, table)
        else:
            indexes = {
                (tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
            } | {
                (tuple(unique["column_names"]), True)
                for unique in inspector.get_unique_constraints(table)
            }
            foreign_keys = sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    (fk.get("options") or {}).get("ondelete", "").upper(),
                )
                for fk in inspector.get_foreign_keys(table)
            )
        schema[table] = {
            "columns": {
                column["name"]: (repr(column["type"]), column["nullable"])
                for column in inspector.get_columns(table)
            },
            "primary key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "foreign keys": foreign_keys,
            "indexes": sorted(indexes),
        }
    return schema


async def read_schema(database_url: str) -> dict:
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(describe)
    finally:
        await engine.dispose()


async def build_from_models(database_url: str) -> None:
    forget_cached_sql()
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await Tortoise.generate_schemas(safe=False)
    finally:
        await Tortoise.close_connections()


def assert_same(migrated: dict, from_models: dict) -> None:
    assert sorted(migrated) == sorted(from_models), "tables differ"
    for table in from_models:
        assert migrated[table] == from_models[table], f"table {table!r} differs"


@pytest.fixture
def migrated_url(request, empty_database_url):
    """The suite's migrated database of the same kind as `empty_database_url`."""
    if is_sqlite(empty_database_url):
        return f"sqlite://{request.getfixturevalue('sqlite_template')}"
    return request.getfixturevalue("postgres_migrated")


def test_migrations_match_the_models(migrated_url, empty_database_url):
    asyncio.run(build_from_models(empty_database_url))
    migrated = asyncio.run(read_schema(migrated_url))
    assert migrated, "the migrations created no tables"
    assert_same(migrated, asyncio.run(read_schema(empty_database_url)))


def test_downgrade_and_upgrade_round_trip(empty_database_url):
    migrate(empty_database_url)
    first = asyncio.run(read_schema(empty_database_url))
    assert first
    command.downgrade(alembic_config(empty_database_url), "base")
    assert asyncio.run(read_schema(empty_database_url)) == {}
    migrate(empty_database_url)
    assert asyncio.run(read_schema(empty_database_url)) == first


def test_a_drifted_model_is_caught(tmp_path, sqlite_template):
    """The comparison itself can fail: a column missing from the migrations is reported."""
    migrated = asyncio.run(read_schema(f"sqlite://{sqlite_template}"))
    drifted = {**migrated, "account": dict(migrated["account"])}
    drifted["account"]["columns"] = {
        **drifted["account"]["columns"],
        "nickname": ("VARCHAR(length=30)", True),
    }
    with pytest.raises(AssertionError):
        assert_same(migrated, drifted)


async def run_sql(database_url: str, *statements: tuple[str, dict]) -> list:
    """Run (statement, parameters) pairs in one transaction; the rows the last returns."""
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.begin() as connection:
            result = None
            for statement, params in statements:
                result = await connection.execute(sa.text(statement), params)
            return sorted(tuple(row) for row in result) if result and result.returns_rows else []
    finally:
        await engine.dispose()


ACCOUNT = (
    "INSERT INTO account (id, username, display_name, role, password_hash, created_at, "
    "updated_at) VALUES (:id, 'robin', 'Robin', 'client', '', CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP)"
)
RECORD = (
    "INSERT INTO sync_record (id, owner_id, kind, version, created_version, deleted, data, "
    "field_versions, created_at, updated_at) VALUES (:id, :owner, :kind, :n, :n, :deleted, "
    "'{}', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_sealing_the_toolkit_deletes_its_clear_rows_and_keeps_the_rest(empty_database_url):
    """0007: toolkit rows written before it hold readable fields and go; others stay."""
    migrate(empty_database_url, "0006")
    owner = str(uuid.uuid4())
    kinds = ["letter", "plan", "toolkit_box", "toolkit_item", "toolkit_use", "carry_card"]
    records = [
        (RECORD, {"id": str(uuid.uuid4()), "owner": owner, "kind": kind, "n": n, "deleted": False})
        for n, kind in enumerate(kinds, 1)
    ]
    asyncio.run(run_sql(empty_database_url, (ACCOUNT, {"id": owner}), *records))
    migrate(empty_database_url, "0007")
    select = ("SELECT kind, sealed, format FROM sync_record", {})
    kept = asyncio.run(run_sql(empty_database_url, select))
    assert kept == [("letter", None, None), ("plan", None, None)]


SEALED_RECORD = (
    "INSERT INTO sync_record (id, owner_id, kind, version, created_version, deleted, data, "
    "field_versions, sealed, format, created_at, updated_at) VALUES (:id, :owner, :kind, :n, "
    ":n, false, '{}', '{}', :sealed, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_sealing_plans_and_preferences_deletes_their_clear_rows_and_keeps_the_rest(
    empty_database_url,
):
    """0008: plan and preferences rows written before it hold readable fields and go;
    letters and the sealed toolkit stay. Going back, their envelopes go too, since the
    older code would read them as empty fields."""
    migrate(empty_database_url, "0007")
    owner = str(uuid.uuid4())
    clear = [
        (RECORD, {"id": str(uuid.uuid4()), "owner": owner, "kind": kind, "n": n, "deleted": n > 2})
        for n, kind in enumerate(["letter", "plan", "plan", "preferences"], 1)
    ]
    box = {"id": str(uuid.uuid4()), "owner": owner, "kind": "toolkit_box", "n": 5, "sealed": "AQ"}
    asyncio.run(run_sql(empty_database_url, (ACCOUNT, {"id": owner}), *clear, (SEALED_RECORD, box)))
    migrate(empty_database_url, "0008")
    select = ("SELECT kind, sealed, format FROM sync_record", {})
    kept = asyncio.run(run_sql(empty_database_url, select))
    assert kept == [("letter", None, None), ("toolkit_box", "AQ", 1)]

    sealed = [
        (
            SEALED_RECORD,
            {"id": str(uuid.uuid4()), "owner": owner, "kind": kind, "n": n, "sealed": "AQ"},
        )
        for n, kind in [(6, "plan"), (7, "preferences")]
    ]
    asyncio.run(run_sql(empty_database_url, *sealed))
    command.downgrade(alembic_config(empty_database_url), "0007")
    kept = asyncio.run(run_sql(empty_database_url, select))
    assert kept == [("letter", None, None), ("toolkit_box", "AQ", 1)]


REVISION = (
    "INSERT INTO letter_revision (id, letter_id, owner_id, version, reason, title, body, "
    "device_id, created_at) VALUES (:id, :letter, :owner, :n, 'edit', 'Dear you', :body, "
    ":device, CURRENT_TIMESTAMP)"
)
SEALED_REVISION = (
    "INSERT INTO letter_revision (id, letter_id, owner_id, version, sealed, format, "
    "device_id, created_at) VALUES (:id, :letter, :owner, :n, :sealed, 1, 'phone-0001', "
    "CURRENT_TIMESTAMP)"
)


def test_sealing_letters_deletes_their_clear_rows_and_revisions_and_keeps_the_rest(
    empty_database_url,
):
    """0009: letters and their revisions written before it hold readable words and go;
    every other record stays, and revisions keep envelopes from then on. Going back,
    sealed letters and their revisions go too, since the older code would read them as
    empty words."""
    migrate(empty_database_url, "0008")
    owner = str(uuid.uuid4())
    letters = [str(uuid.uuid4()) for _ in range(2)]
    clear = [
        (RECORD, {"id": letter, "owner": owner, "kind": "letter", "n": n, "deleted": n == 2})
        for n, letter in enumerate(letters, 1)
    ]
    shared = {"id": str(uuid.uuid4()), "owner": owner, "kind": "shared_letter", "n": 3}
    box = {"id": str(uuid.uuid4()), "owner": owner, "kind": "toolkit_box", "n": 4, "sealed": "AQ"}
    revisions = [
        (
            REVISION,
            {
                "id": str(uuid.uuid4()),
                "letter": letter,
                "owner": owner,
                "n": n,
                "body": "words of my own",
                "device": None if n == 2 else "phone-0001",
            },
        )
        for n, letter in enumerate(letters, 1)
    ]
    asyncio.run(
        run_sql(
            empty_database_url,
            (ACCOUNT, {"id": owner}),
            *clear,
            (RECORD, {**shared, "deleted": False}),
            (SEALED_RECORD, box),
            *revisions,
        )
    )
    migrate(empty_database_url)
    select = ("SELECT kind, sealed, format FROM sync_record", {})
    kept = asyncio.run(run_sql(empty_database_url, select))
    assert kept == [("shared_letter", None, None), ("toolkit_box", "AQ", 1)]
    count = ("SELECT count(*) FROM letter_revision", {})
    assert asyncio.run(run_sql(empty_database_url, count)) == [(0,)]

    letter = str(uuid.uuid4())
    sealed_letter = {"id": letter, "owner": owner, "kind": "letter", "n": 5, "sealed": "AQ"}
    revision = {"id": str(uuid.uuid4()), "letter": letter, "owner": owner, "n": 5, "sealed": "AQ"}
    asyncio.run(
        run_sql(empty_database_url, (SEALED_RECORD, sealed_letter), (SEALED_REVISION, revision))
    )
    revisions_kept = ("SELECT letter_id, sealed, format, device_id FROM letter_revision", {})
    assert asyncio.run(run_sql(empty_database_url, revisions_kept)) == [
        (uuid.UUID(letter) if not is_sqlite(empty_database_url) else letter, "AQ", 1, "phone-0001")
    ]
    command.downgrade(alembic_config(empty_database_url), "0008")
    kept = asyncio.run(run_sql(empty_database_url, select))
    assert kept == [("shared_letter", None, None), ("toolkit_box", "AQ", 1)]
    assert asyncio.run(run_sql(empty_database_url, count)) == [(0,)]
