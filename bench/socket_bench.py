"""Subscription bench: the server's memory for each open subscription, over a real port.

    python bench/socket_bench.py [--subscriptions 300] [postgres://user@host:5432/any_db]

Runs `between serve` on a fresh SQLite file (and on PostgreSQL when a URL is given: it
creates and drops its own database there, `between_sockets` or BENCH_DATABASE), then
opens that many websockets as devices do, one signed-in session each, each with the
`changes` subscription (graphql-transport-ws), and waits for every first answer. The
figure is the server process's resident memory with them all open, less before they
opened, per subscription. Clients offer permessage-deflate, as browsers do.

Twice per database: as `between serve` runs (no permessage-deflate on the socket), and
the same server with permessage-deflate accepted, to show what it would cost. The floor
beside them is a bare websocket: the same uvicorn options serving an app that accepts
the socket and then only waits, so what is left above it is Strawberry's and ours.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from scratch_database import recreate
from websockets.typing import Subprotocol

from server.app import create_app
from server.db import migrate
from server.settings import Settings
from tests.graphql_client import register
from tests.serving import free_port

BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "between_sockets")
OPENING_AT_ONCE = 20
SETTLE_SECONDS = 1.5
START_SECONDS = 60
CHANGES = json.dumps(
    {"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes }"}}
)

# `between serve`, in this interpreter: as it is, or with permessage-deflate accepted.
SERVE = """
import sys
import server.cli as cli
deflate = sys.argv[1] == "deflate"
options = cli.uvicorn_options
cli.uvicorn_options = lambda settings: {**options(settings), "ws_per_message_deflate": deflate}
cli.main(["serve", "--no-migrate", "--port", sys.argv[2]])
"""
# The floor: the same uvicorn options, and an app that accepts the socket and waits.
BARE = """
import sys
import uvicorn
import server.cli as cli
from server.settings import load_settings

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
    elif scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept", "subprotocol": "graphql-transport-ws"})
        while (await receive())["type"] != "websocket.disconnect":
            pass
    else:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ready"})

options = cli.uvicorn_options(load_settings(port=int(sys.argv[2])))
uvicorn.run(app, **{**options, "ws_per_message_deflate": sys.argv[1] == "deflate"})
"""


async def sessions(database_url: str, count: int) -> list[str]:
    """A signed-in session for each device, as its cookie header: made by the app in this
    process with cheap argon2, each from an address of its own, since what is measured
    is the sockets, not sign-up."""
    app = create_app(
        Settings(database_url=database_url),
        password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    cookies = []
    async with LifespanManager(app):
        for n in range(count):
            address = f"127.0.{n // 250 + 1}.{n % 250 + 1}"
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                await register(http, username=f"sock{n:05}")
                cookies.append("; ".join(f"{k}={v}" for k, v in http.cookies.items()))
    return cookies


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def start(
    program: str, deflate: bool, database_url: str, log: Path
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "BETWEEN_ENV": "development"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", program, "deflate" if deflate else "plain", str(port)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise SystemExit("the server stopped:\n" + log.read_text())
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit("the server did not start:\n" + log.read_text())
        time.sleep(0.2)


async def subscribed(url: str, cookie: str, subscribe: bool):
    ws = await websockets.connect(
        url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={"Cookie": cookie},
        max_size=2**16,
        open_timeout=60,
    )
    if subscribe:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(CHANGES)
        first = json.loads(await ws.recv())
        assert first["type"] == "next", first
    return ws


async def open_all(url: str, cookies: list[str], subscribe: bool) -> list:
    places = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(cookie: str):
        async with places:
            return await subscribed(url, cookie, subscribe)

    return await asyncio.gather(*(one(cookie) for cookie in cookies))


async def per_subscription(
    program: str, deflate: bool, database_url: str, cookies: list[str], work: Path
) -> tuple[float, bool]:
    """Bytes of server memory per open socket, and whether deflate was agreed."""
    bare = program is BARE
    process, base = start(program, deflate, database_url, work / "serve.log")
    url = base.replace("http://", "ws://") + "/graphql"
    try:
        # Every code path once, so that what it loads on first use is not counted.
        for ws in await open_all(url, cookies[:OPENING_AT_ONCE], not bare):
            await ws.close()
        await asyncio.sleep(SETTLE_SECONDS)
        before = rss_bytes(process.pid)
        sockets = await open_all(url, cookies, not bare)
        await asyncio.sleep(SETTLE_SECONDS)
        after = rss_bytes(process.pid)
        agreed = bool(sockets[0].response.headers.get("Sec-WebSocket-Extensions"))
        for ws in sockets:
            await ws.close()
        return (after - before) / len(sockets), agreed
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def run(database_url: str, count: int, work: Path) -> list[tuple[str, float, float]]:
    cookies = await sessions(database_url, count)
    rows = []
    for deflate in (False, True):
        server, server_agreed = await per_subscription(SERVE, deflate, database_url, cookies, work)
        floor, floor_agreed = await per_subscription(BARE, deflate, database_url, cookies, work)
        assert server_agreed == floor_agreed == deflate, (server_agreed, floor_agreed)
        name = "with permessage-deflate" if deflate else "as served (no permessage-deflate)"
        rows.append((f"{count} subscriptions, {name}", server, floor))
    return rows


def print_table(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    print(f"| {'open subscriptions':<58} | {'kB each':>8} | {'bare ws kB':>10} |")
    print(f"|{'-' * 60}|{'-' * 10}|{'-' * 12}|")
    for name, each, floor in rows:
        print(f"| {name:<58} | {each / 1024:>8.1f} | {floor / 1024:>10.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=300)
    parser.add_argument("postgres", nargs="?", default="")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sqlite_url = f"sqlite://{work / 'bench.sqlite3'}"
        migrate(sqlite_url)
        print_table("SQLite", asyncio.run(run(sqlite_url, args.subscriptions, work)))
        if args.postgres:
            url = asyncio.run(recreate(args.postgres, BENCH_DATABASE))
            try:
                migrate(url)
                print_table("PostgreSQL", asyncio.run(run(url, args.subscriptions, work)))
            finally:
                asyncio.run(recreate(args.postgres, BENCH_DATABASE, drop_only=True))


if __name__ == "__main__":
    main()
