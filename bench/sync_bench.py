"""Sync benchmark: server time per operation through the real app, next to a raw-SQL floor.

    python bench/sync_bench.py [postgres://user@host:5432/any_db]

Runs on a fresh SQLite file, and on PostgreSQL when a URL is given (it creates and
drops its own `between_bench` database on that server, or BENCH_DB_NAME, so that two
runs at once on one server keep apart). Ends with the device's letter
merge (bench/merge_bench.py). The floor for each row is
the same rows read (or written) with one raw SQL statement, which shows what the
GraphQL and ORM layers cost on top.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import merge_bench
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from scratch_database import recreate
from tortoise import connections

from server.app import create_app
from server.db import is_sqlite, migrate
from server.settings import Settings
from tests.graphql_client import new_account
from tests.sealed.reference import seal_record

PULL = """query($c: String, $l: Int) { pull(cursor: $c, limit: $l) {
  cursor hasMore records: recordsJson } }"""
PUSH = """mutation($d: String!, $m: [SyncMutationInput!]!) {
  push(deviceId: $d, mutations: $m) { serverVersion results { status } } }"""
TOOLKIT_RECORDS = 5000
LETTERS = 500
LETTER_BYTES = 20_000
PAGE = 500
# Any 32 bytes: the server cannot tell whose key sealed an envelope.
ACCOUNT_KEY = bytes(range(32))
ITEM = {"name": "Smooth stone", "feelsLike": "cool, heavy", "sense": "touch", "position": 0}


class ServerClock:
    """Wraps the app to time each request inside the server, from the first ASGI call
    to the last byte of the response, leaving out the test client's own work."""

    def __init__(self, app) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        await self.app(scope, receive, send)
        self.last = time.perf_counter() - start


class Bench:
    def __init__(self, client: httpx.AsyncClient, clock: ServerClock, sqlite: bool) -> None:
        self.client = client
        self.clock = clock
        self.sqlite = sqlite
        self.next_mutation = 1

    async def gql(self, query: str, variables: dict) -> dict:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        self.elapsed = self.clock.last
        result = response.json()
        if "errors" in result:
            raise RuntimeError(result["errors"])
        return result["data"]

    def mutations(self, count: int, make) -> list[dict]:
        batch = []
        for _ in range(count):
            record_id = str(uuid.uuid4())
            batch.append(
                {
                    "mutationId": self.next_mutation,
                    "op": "upsert",
                    "recordId": record_id,
                    **make(record_id),
                }
            )
            self.next_mutation += 1
        return batch

    async def push(self, batch: list[dict]) -> None:
        await self.gql(PUSH, {"d": "bench-device", "m": batch})

    async def pull_everything(self, cursor: str | None = None) -> tuple[int, str]:
        count = 0
        self.total = 0.0
        while True:
            page = (await self.gql(PULL, {"c": cursor, "l": PAGE}))["pull"]
            self.total += self.elapsed
            count += len(page["records"])
            cursor = page["cursor"]
            if not page["hasMore"]:
                return count, cursor

    async def floor(self, sql_sqlite: str, sql_postgres: str, params: list) -> float:
        sql = sql_sqlite if self.sqlite else sql_postgres
        connection = connections.get("default")
        start = time.perf_counter()
        await connection.execute_query(sql, params)
        return time.perf_counter() - start


def toolkit_item(record_id: str) -> dict:
    """Sealed as a device seals it (the toolkit is a sealed kind)."""
    sealed = seal_record(ACCOUNT_KEY, record_id, "toolkit_item", 1, ITEM)
    return {"kind": "toolkit_item", "sealed": sealed, "format": 1}


def letter(record_id: str) -> dict:
    """Sealed as a device seals it (letters are a sealed kind)."""
    body = ("It has been a long week and I keep thinking about what you said. " * 400)[
        :LETTER_BYTES
    ]
    sealed = seal_record(ACCOUNT_KEY, record_id, "letter", 1, {"title": "Tuesday", "body": body})
    return {"kind": "letter", "sealed": sealed, "format": 1}


async def timed(bench: Bench, operation, repeat: int) -> float:
    """Median server time of one request."""
    samples = []
    for _ in range(repeat):
        await operation()
        samples.append(bench.elapsed)
    return statistics.median(samples)


SELECT = (
    "SELECT id, kind, version, deleted, data FROM sync_record "
    "WHERE owner_id = {p1} AND version > {p2} ORDER BY version LIMIT {p3}"
)


def select() -> tuple[str, str]:
    return (
        SELECT.format(p1="?", p2="?", p3="?"),
        SELECT.format(p1="$1", p2="$2", p3="$3"),
    )


async def run(database_url: str) -> list[tuple[str, float, float]]:
    settings = Settings(database_url=database_url)
    app = create_app(
        settings, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    rows = []
    clock = ServerClock(app)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=clock), base_url="http://bench", timeout=300
        ) as client,
    ):
        bench = Bench(client, clock, is_sqlite(database_url))
        await bench.gql(
            "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }",
            {"i": new_account(username="bench")},
        )
        account_id = (await bench.gql("{ me { id } }", {}))["me"]["id"]
        account = account_id if bench.sqlite else uuid.UUID(account_id)
        sqlite_select, postgres_select = select()

        async def idle_pull_small():
            await bench.gql(PULL, {"c": "v0", "l": 200})

        rows.append(
            (
                "idle pull, empty account",
                await timed(bench, idle_pull_small, 50),
                await bench.floor(sqlite_select, postgres_select, [account, 0, 201]),
            )
        )

        # Seed the large account.
        for _ in range(0, TOOLKIT_RECORDS, 500):
            await bench.push(bench.mutations(500, toolkit_item))
        for _ in range(0, LETTERS, 100):
            await bench.push(bench.mutations(100, letter))

        count, cursor = await bench.pull_everything()
        full_sync = bench.total
        assert count == TOOLKIT_RECORDS + LETTERS, count
        floor_all = await bench.floor(
            sqlite_select, postgres_select, [account, 0, TOOLKIT_RECORDS + LETTERS + 1]
        )
        rows.append((f"first full sync, {count} records in pages of {PAGE}", full_sync, floor_all))

        async def idle_pull():
            await bench.gql(PULL, {"c": cursor, "l": 200})

        version = int(cursor[1:])
        rows.append(
            (
                "idle pull, large account",
                await timed(bench, idle_pull, 50),
                await bench.floor(sqlite_select, postgres_select, [account, version, 201]),
            )
        )

        push_samples = []
        for _ in range(5):
            await bench.push(bench.mutations(100, toolkit_item))
            push_samples.append(bench.elapsed)
        insert_floor = await bulk_insert_floor(bench, account)
        rows.append(("push of 100 mutations", statistics.median(push_samples), insert_floor))

        _, before = await bench.pull_everything(cursor)
        samples = []
        for _ in range(10):
            await bench.push(bench.mutations(10, toolkit_item))
            page = (await bench.gql(PULL, {"c": before, "l": 200}))["pull"]
            samples.append(bench.elapsed)
            assert len(page["records"]) == 10
            before_version = int(before[1:])
            before = page["cursor"]
        rows.append(
            (
                "pull of 10 changes, large account",
                statistics.median(samples),
                await bench.floor(sqlite_select, postgres_select, [account, before_version, 201]),
            )
        )
    return rows


async def bulk_insert_floor(bench: Bench, account) -> float:
    """One multi-row INSERT of 100 records, in its own transaction."""
    connection = connections.get("default")
    rows_sql = []
    params: list = []
    base = 10_000_000
    for n in range(100):
        if bench.sqlite:
            rows_sql.append(
                "(?, ?, 'toolkit_item', ?, ?, 0, '{}', '{}', datetime('now'), datetime('now'))"
            )
        else:
            i = len(params)
            rows_sql.append(
                f"(${i + 1}, ${i + 2}, 'toolkit_item', ${i + 3}, ${i + 4}, false, "
                "'{}'::jsonb, '{}'::jsonb, now(), now())"
            )
        record_id = str(uuid.uuid4()) if bench.sqlite else uuid.uuid4()
        params.extend([record_id, account, base + n, base + n])
    columns = (
        "id, owner_id, kind, version, created_version, deleted, data, field_versions, "
        "created_at, updated_at"
    )
    # Placeholders only; no value is formatted into the SQL.
    sql = f"INSERT INTO sync_record ({columns}) VALUES {', '.join(rows_sql)}"  # noqa: S608
    start = time.perf_counter()
    await connection.execute_query(sql, params)
    elapsed = time.perf_counter() - start
    placeholder = "?" if bench.sqlite else "$1"
    await connection.execute_query(
        f"DELETE FROM sync_record WHERE version >= {placeholder}",  # noqa: S608
        [base],
    )
    return elapsed


def print_table(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    print(f"| {'operation':<48} | {'server ms':>10} | {'raw SQL ms':>10} |")
    print(f"|{'-' * 50}|{'-' * 12}|{'-' * 12}|")
    for name, seconds, floor in rows:
        print(f"| {name:<48} | {seconds * 1000:>10.1f} | {floor * 1000:>10.1f} |")


BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME", "between_bench")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        migrate(sqlite_url)
        print_table("SQLite", asyncio.run(run(sqlite_url)))
    if len(sys.argv) > 1 and sys.argv[1]:
        admin = sys.argv[1]
        url = asyncio.run(recreate(admin, BENCH_DB_NAME))
        try:
            migrate(url)
            print_table("PostgreSQL", asyncio.run(run(url)))
        finally:
            asyncio.run(recreate(admin, BENCH_DB_NAME, drop_only=True))
    merge_bench.main()


if __name__ == "__main__":
    main()
