"""Sync over real HTTP: `between serve` in one process, this client in another.

    python bench/http_bench.py [postgres://user@host:5432/any_db]

Starts `between serve` (uvicorn on a free port) on a fresh SQLite file, and on
PostgreSQL when a URL is given (in its own `between_http_bench` database, or
BENCH_HTTP_DB_NAME, created and dropped on that server). The client sends what the PWA
sends: pages of 500 with `Accept-Encoding: gzip` (BENCH_ACCEPT_ENCODING to change it),
the PWA's own pull query (BENCH_PULL=records: the one it sent before `recordsJson`). It seeds an
account with 5,000 sealed toolkit items and 500 sealed letters of 20 KB through `push`,
and a second account with 50,000 sealed toolkit items written straight into the
database (pushing them would take a minute and time nothing).

Each row is the client's wall time (median where repeated), the server process's CPU
time for it (from /proc), and the bytes that came over the wire; beside it two floors:
the same bytes as the answers, uncompressed, fetched as one static file from the same
uvicorn, and one raw SQL statement reading (or writing) the same rows from this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from scratch_database import recreate

from server.db import migrate
from tests.graphql_client import new_account
from tests.sealed.reference import seal_record
from tests.serving import serving as serve

# The PWA's pull (pwa/src/sync.js), page size and all. BENCH_PULL=records asks as the
# PWA did before `recordsJson` (typed records, and its device's position), so the same
# bench can time a server of that time.
PULL_RECORDS = os.environ.get("BENCH_PULL", "recordsJson") == "records"
PULL = (
    """query Pull($cursor: String) {
  pull(cursor: $cursor, limit: 500, deviceId: "bench-device") {
    records: records { id kind version deleted deletedAt sealed format fields createdAt updatedAt }
    cursor hasMore serverVersion
  }
}"""
    if PULL_RECORDS
    else """query Pull($cursor: String) {
  pull(cursor: $cursor, limit: 500) {
    records: recordsJson cursor hasMore serverVersion
  }
}"""
)
PUSH = """mutation($d: String!, $m: [SyncMutationInput!]!) {
  push(deviceId: $d, mutations: $m) { lastMutationId serverVersion results { status } } }"""
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }"
TOOLKIT_RECORDS = 5000
LETTERS = 500
LETTER_BYTES = 20_000
LARGE_ACCOUNT = 50_000
IDLE_REPEAT = 200
# Any 32 bytes: the server cannot tell whose key sealed an envelope.
ACCOUNT_KEY = bytes(range(32))
ITEM = {"name": "Smooth stone", "feelsLike": "cool, heavy", "sense": "touch", "position": 0}
BODY = ("It has been a long week and I keep thinking about what you said. " * 400)[:LETTER_BYTES]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# What the client takes, as a browser would say it; BENCH_ACCEPT_ENCODING=identity
# measures the same operations without compression.
ACCEPT_ENCODING = os.environ.get("BENCH_ACCEPT_ENCODING", "gzip")
COLUMNS = "id, kind, version, deleted, deleted_at, sealed, format, data, created_at, updated_at"


def toolkit_item(record_id: str) -> dict:
    sealed = seal_record(ACCOUNT_KEY, record_id, "toolkit_item", 1, ITEM)
    return {"kind": "toolkit_item", "sealed": sealed, "format": 1}


def letter(record_id: str) -> dict:
    content = {"title": "Tuesday", "body": BODY}
    return {"kind": "letter", "sealed": seal_record(ACCOUNT_KEY, record_id, "letter", 1, content)}


def cpu_seconds(pid: int) -> float:
    """User and system time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Row:
    name: str
    wall: float
    cpu: float
    wire: int
    static: float | None
    sql: float | None


class Device:
    """One signed-in HTTP client, as the PWA talks to the server."""

    def __init__(self, base: str, pid: int) -> None:
        self.http = httpx.AsyncClient(
            base_url=base, timeout=300, headers={"accept-encoding": ACCEPT_ENCODING}
        )
        self.pid = pid
        self.next_mutation = 1
        self.wire = 0
        self.answers: list[bytes] = []

    async def gql(self, query: str, variables: dict) -> dict:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        self.wire += response.num_bytes_downloaded
        self.answers.append(response.content)
        result = response.json()
        if "errors" in result:
            raise RuntimeError(result["errors"])
        return result["data"]

    async def push(self, make, count: int) -> None:
        batch = []
        for _ in range(count):
            record_id = str(uuid.uuid4())
            batch.append(
                {
                    "mutationId": self.next_mutation,
                    "op": "upsert",
                    "recordId": record_id,
                    "format": 1,
                    **make(record_id),
                }
            )
            self.next_mutation += 1
        await self.gql(PUSH, {"d": "bench-device", "m": batch})

    async def sync(self, cursor: str | None) -> tuple[int, str]:
        """Pull every page after `cursor`: records pulled and the cursor after them."""
        count = 0
        while True:
            page = (await self.gql(PULL, {"cursor": cursor}))["pull"]
            count += len(page["records"])
            cursor = page["cursor"]
            if not page["hasMore"]:
                return count, cursor

    @contextlib.asynccontextmanager
    async def measured(self):
        """Wall time, server CPU and wire bytes of what runs inside; the answers' bytes."""
        self.wire = 0
        self.answers = []
        figures = {}
        cpu = cpu_seconds(self.pid)
        start = time.perf_counter()
        yield figures
        figures["wall"] = time.perf_counter() - start
        figures["cpu"] = cpu_seconds(self.pid) - cpu
        figures["wire"] = self.wire
        figures["body"] = b"".join(self.answers)


class Floors:
    """The same bytes from a static file, and the same rows from one SQL statement."""

    def __init__(self, base: str, static_dir: Path, database_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=300, headers={"accept-encoding": ""})
        self.static_dir = static_dir
        self.database_url = database_url
        self.sqlite = database_url.startswith("sqlite://")

    async def static(self, body: bytes, repeat: int = 5) -> float:
        """Median time to fetch `body` as a file (a type the app serves as it is)."""
        name = f"floor-{uuid.uuid4().hex}.bin"
        (self.static_dir / name).write_bytes(body)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = await self.http.get(f"/{name}")
            samples.append(time.perf_counter() - start)
            assert response.content == body
        (self.static_dir / name).unlink()
        return statistics.median(samples)

    async def select(self, owner: str, after: int, limit: int, repeat: int = 3) -> float:
        """Median time to read the rows a pull returns, every column it sends."""
        # Placeholders only; no value is formatted into the SQL.
        sql = f"SELECT {COLUMNS} FROM sync_record WHERE owner_id = {{0}} AND version > {{1}} "  # noqa: S608
        sql += "ORDER BY version LIMIT {2}"
        samples = []
        if self.sqlite:
            connection = sqlite3.connect(self.database_url.removeprefix("sqlite://"))
            try:
                for _ in range(repeat):
                    start = time.perf_counter()
                    rows = connection.execute(sql.format("?", "?", "?"), (owner, after, limit))
                    rows.fetchall()
                    samples.append(time.perf_counter() - start)
            finally:
                connection.close()
        else:
            connection = await asyncpg.connect(self.database_url)
            try:
                for _ in range(repeat):
                    start = time.perf_counter()
                    await connection.fetch(
                        sql.format("$1", "$2", "$3"), uuid.UUID(owner), after, limit
                    )
                    samples.append(time.perf_counter() - start)
            finally:
                await connection.close()
        return statistics.median(samples)

    async def insert(self, owner: str, count: int = 100) -> float:
        """One multi-row INSERT of `count` sealed records, in its own transaction."""
        base = 10_000_000
        now = datetime.now(UTC)
        records = [
            (str(uuid.uuid4()), toolkit_item(str(uuid.uuid4()))["sealed"], base + n)
            for n in range(count)
        ]
        columns = (
            "id, owner_id, kind, version, created_version, deleted, data, field_versions, "
            "sealed, format, created_at, updated_at"
        )
        if self.sqlite:
            connection = sqlite3.connect(self.database_url.removeprefix("sqlite://"))
            try:
                stamp = connection.execute("SELECT created_at FROM sync_record LIMIT 1").fetchone()
                rows = ", ".join(
                    ["(?, ?, 'toolkit_item', ?, ?, 0, '{}', '{}', ?, 1, ?, ?)"] * count
                )
                params = [v for i, s, n in records for v in (i, owner, n, n, s, stamp[0], stamp[0])]
                start = time.perf_counter()
                with connection:
                    connection.execute(f"INSERT INTO sync_record ({columns}) VALUES {rows}", params)  # noqa: S608
                elapsed = time.perf_counter() - start
                with connection:
                    connection.execute("DELETE FROM sync_record WHERE version >= ?", (base,))
            finally:
                connection.close()
            return elapsed
        connection = await asyncpg.connect(self.database_url)
        try:
            rows, params = [], []
            for record_id, sealed, n in records:
                i = len(params)
                rows.append(
                    f"(${i + 1}, ${i + 2}, 'toolkit_item', ${i + 3}, ${i + 3}, false, '{{}}', "
                    f"'{{}}', ${i + 4}, 1, ${i + 5}, ${i + 5})"
                )
                params.extend([uuid.UUID(record_id), uuid.UUID(owner), n, sealed, now])
            start = time.perf_counter()
            async with connection.transaction():
                await connection.execute(
                    f"INSERT INTO sync_record ({columns}) VALUES {', '.join(rows)}",  # noqa: S608
                    *params,
                )
            elapsed = time.perf_counter() - start
            await connection.execute("DELETE FROM sync_record WHERE version >= $1", base)
        finally:
            await connection.close()
        return elapsed

    async def seed(self, owner: str, count: int) -> None:
        """`count` sealed toolkit items for an account with none, as push would leave
        them (versions 1 to count, the counter at count), written in one transaction."""
        records = [(str(uuid.uuid4()), n) for n in range(1, count + 1)]
        sealed = [toolkit_item(record_id)["sealed"] for record_id, _ in records]
        now = datetime.now(UTC)
        if self.sqlite:
            connection = sqlite3.connect(self.database_url.removeprefix("sqlite://"))
            try:
                stamp = connection.execute("SELECT created_at FROM sync_record LIMIT 1").fetchone()
                with connection:
                    connection.executemany(
                        "INSERT INTO sync_record (id, owner_id, kind, version, created_version, "
                        "deleted, data, field_versions, sealed, format, created_at, updated_at) "
                        "VALUES (?, ?, 'toolkit_item', ?, ?, 0, '{}', '{}', ?, 1, ?, ?)",
                        [
                            (i, owner, n, n, s, stamp[0], stamp[0])
                            for (i, n), s in zip(records, sealed, strict=True)
                        ],
                    )
                    connection.execute(
                        "UPDATE account SET change_counter = ? WHERE id = ?", (count, owner)
                    )
            finally:
                connection.close()
            return
        connection = await asyncpg.connect(self.database_url)
        try:
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "sync_record",
                    columns=[
                        "id",
                        "owner_id",
                        "kind",
                        "version",
                        "created_version",
                        "deleted",
                        "data",
                        "field_versions",
                        "sealed",
                        "format",
                        "created_at",
                        "updated_at",
                    ],
                    records=[
                        (
                            uuid.UUID(i),
                            uuid.UUID(owner),
                            "toolkit_item",
                            n,
                            n,
                            False,
                            "{}",
                            "{}",
                            s,
                            1,
                            now,
                            now,
                        )
                        for (i, n), s in zip(records, sealed, strict=True)
                    ],
                )
                await connection.execute(
                    "UPDATE account SET change_counter = $1 WHERE id = $2", count, uuid.UUID(owner)
                )
        finally:
            await connection.close()


@contextlib.contextmanager
def serving(database_url: str, work: Path) -> Iterator[tuple[str, int, Path]]:
    """`between serve` on a free port, serving a folder of static files of its own."""
    static_dir = work / "pwa"
    static_dir.mkdir()
    (static_dir / "index.html").write_text("<!doctype html><title>bench</title>\n")
    (static_dir / "sw.js").write_text("\n")
    with serve(database_url, work, pwa_dir=static_dir, BETWEEN_LOG_FORMAT="text") as served:
        process, base = served
        yield base, process.pid, static_dir


async def register(device: Device, username: str) -> str:
    await device.gql(REGISTER, {"i": new_account(username=username)})
    return (await device.gql("{ me { id } }", {}))["me"]["id"]


async def run(database_url: str, base: str, pid: int, static_dir: Path) -> list[Row]:
    rows: list[Row] = []
    floors = Floors(base, static_dir, database_url)
    device = Device(base, pid)
    other = Device(base, pid)
    large = Device(base, pid)
    try:
        owner = await register(device, "bench")
        for _ in range(0, TOOLKIT_RECORDS, 500):
            await device.push(toolkit_item, 500)
        for _ in range(0, LETTERS, 100):
            await device.push(letter, 100)

        # A fresh device: the first full sync, once to warm the server, once timed.
        other.http.cookies = device.http.cookies
        await other.sync(None)
        async with device.measured() as m:
            count, cursor = await device.sync(None)
        assert count == TOOLKIT_RECORDS + LETTERS, count
        rows.append(
            Row(
                f"first full sync, {count:,} records",
                m["wall"],
                m["cpu"],
                m["wire"],
                await floors.static(m["body"]),
                await floors.select(owner, 0, count),
            )
        )

        samples = []
        async with device.measured() as m:
            for _ in range(IDLE_REPEAT):
                start = time.perf_counter()
                await device.sync(cursor)
                samples.append(time.perf_counter() - start)
        idle_answer = device.answers[0]
        rows.append(
            Row(
                "idle sync (one pull)",
                statistics.median(samples),
                m["cpu"] / IDLE_REPEAT,
                m["wire"] // IDLE_REPEAT,
                await floors.static(idle_answer, repeat=50),
                await floors.select(owner, int(cursor[1:]), 501),
            )
        )

        samples, cpu, wire, bodies = [], 0.0, 0, []
        for _ in range(10):
            await device.push(toolkit_item, 10)
            async with device.measured() as m:
                changed, after = await device.sync(cursor)
            assert changed == 10, changed
            samples.append(m["wall"])
            cpu += m["cpu"]
            wire += m["wire"]
            bodies.append(m["body"])
            before, cursor = cursor, after
        rows.append(
            Row(
                "10 changed records (one pull)",
                statistics.median(samples),
                cpu / 10,
                wire // 10,
                await floors.static(bodies[-1], repeat=10),
                await floors.select(owner, int(before[1:]), 501),
            )
        )

        samples, cpu, wire = [], 0.0, 0
        for _ in range(10):
            async with device.measured() as m:
                await device.push(toolkit_item, 100)
            samples.append(m["wall"])
            cpu += m["cpu"]
            wire += m["wire"]
        rows.append(
            Row(
                "push of 100",
                statistics.median(samples),
                cpu / 10,
                wire // 10,
                None,
                await floors.insert(owner),
            )
        )

        large_owner = await register(large, "bench-large")
        await floors.seed(large_owner, LARGE_ACCOUNT)
        async with large.measured() as m:
            count, _ = await large.sync(None)
        assert count == LARGE_ACCOUNT, count
        rows.append(
            Row(
                f"first full sync, {count:,} records",
                m["wall"],
                m["cpu"],
                m["wire"],
                await floors.static(m["body"], repeat=3),
                await floors.select(large_owner, 0, count),
            )
        )
    finally:
        for client in (device, other, large):
            await client.http.aclose()
        await floors.http.aclose()
    return rows


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title} (over HTTP; floors: the same bytes as a static file, one SQL read)")
    print(
        f"| {'operation':<34} | {'wall ms':>8} | {'server CPU ms':>13} | {'wire KB':>8} "
        f"| {'static file ms':>14} | {'raw SQL ms':>10} |"
    )
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 15}|{'-' * 10}|{'-' * 16}|{'-' * 12}|")
    for row in rows:
        static = "" if row.static is None else f"{row.static * 1000:.1f}"
        sql = "" if row.sql is None else f"{row.sql * 1000:.1f}"
        print(
            f"| {row.name:<34} | {row.wall * 1000:>8.1f} | {row.cpu * 1000:>13.1f} "
            f"| {row.wire / 1000:>8.1f} | {static:>14} | {sql:>10} |"
        )


def bench(database_url: str, title: str) -> None:
    migrate(database_url)
    with tempfile.TemporaryDirectory() as folder, serving(database_url, Path(folder)) as served:
        print_table(title, asyncio.run(run(database_url, *served)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite://{Path(folder) / 'bench.sqlite3'}", "SQLite")
    if len(sys.argv) > 1 and sys.argv[1]:
        admin = sys.argv[1]
        name = os.environ.get("BENCH_HTTP_DB_NAME", "between_http_bench")
        url = asyncio.run(recreate(admin, name))
        try:
            bench(url, "PostgreSQL")
        finally:
            asyncio.run(recreate(admin, name, drop_only=True))


if __name__ == "__main__":
    main()
