"""What a hostile GraphQL document costs the server to refuse or validate, unauthenticated.

    python bench/validation_bench.py

Each family of documents is grown to the most it can hold within the token limit, then
sent through the real app (on a fresh SQLite file) with no session. Strawberry's parser and
validation caches are emptied before each request, so every run pays in full. Shown
for each, the median of a few runs: the time spent parsing, the time spent validating
(every check that runs before execution, graphql-core's rules included), and the whole
request inside the server, from the first ASGI call to the last byte sent; then the
code the answer carried.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from graphql import GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from server.app import create_app
from server.db import migrate
from server.graphql import schema as schema_module
from server.graphql.guards import MAX_TOKENS
from server.settings import Settings

RUNS = 5
# Documents with several operations name the one to run.
OPERATION = {"operations sharing fragments": "Q0"}
# Phase name -> seconds, for the latest request.
PHASES: dict[str, float] = {}


class PhaseClock(SchemaExtension):
    """First among the extensions, so that its hooks enclose every other one's."""

    def on_parse(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        PHASES["parse"] = time.perf_counter() - start

    def on_validate(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        PHASES["validate"] = time.perf_counter() - start


def _spreads(n: int, prefix: str = "F") -> str:
    return " ".join(f"...{prefix}{i}" for i in range(n))


# name -> document of size n. Each grows with n; the largest n within the limit is used.
FAMILIES: dict[str, Callable[[int], str]] = {
    "same field repeated": lambda n: "{ " + "me { id } " * n + "}",
    "same leaf repeated": lambda n: "{ me { " + "id " * n + "} }",
    "two fields, leaves repeated": lambda n: "{ me { " + "id " * n + "} me { " + "id " * n + "} }",
    "__typename repeated": lambda n: "{ " + "__typename " * n + "}",
    "field with arguments repeated": lambda n: "{ " + "pull(limit: 1) { cursor } " * n + "}",
    "field with a variable repeated": (
        lambda n: "query($c: String) { " + "pull(cursor: $c) { cursor } " * n + "}"
    ),
    "nested lists repeated": (lambda n: "{ " + "pull { records { id } records { id } } " * n + "}"),
    "inline fragments repeated": lambda n: "{ " + "... on Query { me { id } } " * n + "}",
    "fragments spread together": lambda n: (
        "{ "
        + _spreads(n)
        + " } "
        + " ".join(f"fragment F{i} on Query {{ me {{ id }} }}" for i in range(n))
    ),
    "fragments spread in repeated fields": lambda n: (
        "{ "
        + " ".join(f"me {{ ...F{i} }}" for i in range(n))
        + " } "
        + " ".join(f"fragment F{i} on Account {{ id }}" for i in range(n))
    ),
    "one fragment spread many times": lambda n: (
        "{ " + "me { ...F } " * n + "} fragment F on Account { id username }"
    ),
    "fragments with distinct aliases spread together": lambda n: (
        "{ "
        + _spreads(n)
        + " } "
        + " ".join(f"fragment F{i} on Query {{ a{i}: me {{ id }} }}" for i in range(n))
    ),
    "fragments spreading fragments": lambda n: (
        f"{{ ...F{n - 1} }} "
        + " ".join(f"fragment F{i} on Query {{ me {{ id }} {_spreads(i)} }}" for i in range(n))
    ),
    "operations sharing fragments": lambda n: (
        " ".join(f"query Q{i} {{ ...F0 }}" for i in range(n))
        + " "
        + " ".join(f"fragment F{i} on Query {{ me {{ id }} }}" for i in range(n))
    ),
    "unused fragment with fields repeated": lambda n: (
        "{ me { id } } fragment F on Query { " + "me { id } " * n + "}"
    ),
    "variables used many times": lambda n: (
        "query("
        + " ".join(f"$v{i}: String" for i in range(n))
        + ") { "
        + " ".join(f"a{i}: pull(cursor: $v{i}) {{ cursor }}" for i in range(n))
        + " }"
    ),
    "conflicting fields": lambda n: "{ " + "me { id } me: recoveryCodesLeft " * n + "}",
    # Shapes within the limits on repeats and fragments, grown as far as the tokens allow.
    "distinct aliases": lambda n: "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(n)) + " }",
    "a field repeated 11 times, distinct aliases below": lambda n: (
        "{ "
        + " ".join("me { " + " ".join(f"a{c}x{i}: id" for i in range(n)) + " }" for c in range(11))
        + " }"
    ),
    "16 fragments spread together, distinct aliases": lambda n: (
        "{ "
        + _spreads(16)
        + " } "
        + " ".join(
            f"fragment F{f} on Query {{ "
            + " ".join(f"a{f}x{i}: me {{ id }}" for i in range(n))
            + " }"
            for f in range(16)
        )
    ),
}


def within_token_limit(text: str) -> bool:
    try:
        parse(text, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return False
    return True


def largest(family: Callable[[int], str]) -> int:
    low, high = 1, 2
    while within_token_limit(family(high)):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if within_token_limit(family(middle)):
            low = middle
        else:
            high = middle
    return low


class ServerClock:
    """Times each request inside the server, leaving out the test client's own work."""

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


def forget_documents() -> None:
    """Empty the caches the app's extensions share (every size, to be sure)."""
    for shared in (_get_parse_cache, _get_validate_cache):
        for size in (None, 128, 256):
            shared(size).cache_clear()


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite://{Path(directory) / 'bench.sqlite3'}"
        migrate(url)
        asyncio.run(measure(url))


async def measure(url: str) -> None:
    original = schema_module.extensions
    schema_module.extensions = lambda production: [PhaseClock, *original(production)]
    try:
        app = create_app(Settings(database_url=url, production=True))
    finally:
        schema_module.extensions = original
    clock = ServerClock(app)
    transport = httpx.ASGITransport(app=clock)
    rows = []
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="https://testserver") as client,
    ):
        for name, family in FAMILIES.items():
            n = largest(family)
            body = {"query": family(n), "operationName": OPERATION.get(name)}
            times: dict[str, list[float]] = {"parse": [], "validate": [], "request": []}
            for _ in range(RUNS):
                forget_documents()
                PHASES.clear()
                response = await client.post("/graphql", json=body)
                times["request"].append(clock.last)
                for phase in ("parse", "validate"):
                    times[phase].append(PHASES.get(phase, 0.0))
            errors = response.json().get("errors") or []
            answer = (
                f"{errors[0]['extensions']['code']}: {errors[0]['message']}" if errors else "ok"
            )
            medians = [statistics.median(times[phase]) * 1000 for phase in times]
            rows.append((name, n, *medians, answer[:70]))
    width = max(len(row[0]) for row in rows)
    print(f"{'document':<{width}}      n  parse ms  valid. ms  request ms  answer")
    for name, n, parse_ms, validate_ms, request_ms, answer in sorted(rows, key=lambda r: -r[3]):
        print(
            f"{name:<{width}}  {n:>5}  {parse_ms:>8.1f}  {validate_ms:>9.1f}"
            f"  {request_ms:>10.1f}  {answer}"
        )


if __name__ == "__main__":
    sys.exit(main())
