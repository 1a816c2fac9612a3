"""Letter-merge benchmark: the worst case the security review found, timed.

    python bench/merge_bench.py

A 183,000-character letter with 300 edits scattered through it, merged into a server
text that was rewritten in other words (the merge gives up: a conflict) and into one
with a single edit at its top (a clean merge). Timed as the pure merge, and as a push
through the real app on SQLite, with the longest the event loop went without a turn
while the push ran.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

# This checkout's server and its test fixtures, whichever environment runs the script.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager

from server.app import create_app
from server.db import migrate
from server.letters.merge import merge_bodies
from server.settings import Settings
from tests.graphql_client import new_account
from tests.letters.long_letter import worst_case

PUSH = """mutation($d: String!, $m: [SyncMutationInput!]!) {
  push(deviceId: $d, mutations: $m) { results { status version } } }"""
REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }"
REPEAT = 3


def pure_merges() -> list[tuple[str, float, str]]:
    base, rewritten, client = worst_case()
    rows = []
    for name, server in (("rewritten server text", rewritten), ("edit at the top", "x" + base)):
        samples, clean = [], None
        for _ in range(REPEAT):
            start = time.perf_counter()
            clean = merge_bodies(base, server, client).clean
            samples.append(time.perf_counter() - start)
        rows.append((f"merge, {name}", statistics.median(samples), _result(clean)))
    return rows


def _result(clean: bool) -> str:
    return "merged" if clean else "conflict"


class LoopWatch:
    """The longest gap between turns of the event loop while it runs."""

    def __init__(self) -> None:
        self.longest = 0.0

    async def run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now


class Device:
    def __init__(self, http: httpx.AsyncClient, name: str) -> None:
        self.http = http
        self.name = name
        self.mutation_id = 0

    async def push(self, letter: str, body: str, base: int | None) -> dict:
        self.mutation_id += 1
        mutation = {
            "mutationId": self.mutation_id,
            "op": "upsert",
            "kind": "letter",
            "recordId": letter,
            "baseVersion": base,
            "fields": {"body": body},
        }
        variables = {"d": self.name, "m": [mutation]}
        response = await self.http.post("/graphql", json={"query": PUSH, "variables": variables})
        return response.json()["data"]["push"]["results"][0]


async def pushed_merges(database_url: str) -> list[tuple[str, float, str, float]]:
    app = create_app(
        Settings(database_url=database_url),
        password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    base, rewritten, client = worst_case()
    rows = []
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300
        ) as http,
    ):
        account = new_account(username="bench")
        await http.post("/graphql", json={"query": REGISTER, "variables": {"i": account}})
        phone, laptop = Device(http, "phone-bench"), Device(http, "laptop-bench")
        for name, server in (("rewritten server text", rewritten), ("edit at the top", "x" + base)):
            letter = str(uuid.uuid4())
            created = await phone.push(letter, base, None)
            await phone.push(letter, server, created["version"])
            watch = LoopWatch()
            watching = asyncio.create_task(watch.run())
            start = time.perf_counter()
            result = await laptop.push(letter, client, created["version"])
            elapsed = time.perf_counter() - start
            watching.cancel()
            status = {"MERGED": "merged", "CONFLICT_KEPT": "conflict"}[result["status"]]
            rows.append((f"push, {name}", elapsed, status, watch.longest))
    return rows


def main() -> None:
    print("\nLetter merge, 183,000 characters, 300 scattered edits")
    print(f"| {'operation':<36} | {'ms':>8} | {'result':>8} | {'loop pause ms':>13} |")
    print(f"|{'-' * 38}|{'-' * 10}|{'-' * 10}|{'-' * 15}|")
    for name, seconds, result in pure_merges():
        print(f"| {name:<36} | {seconds * 1000:>8.0f} | {result:>8} | {'':>13} |")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'merge.sqlite3'}"
        migrate(url)
        for name, seconds, result, pause in asyncio.run(pushed_merges(url)):
            print(f"| {name:<36} | {seconds * 1000:>8.0f} | {result:>8} | {pause * 1000:>13.0f} |")


if __name__ == "__main__":
    main()
