"""The production topology on loopback, for the smoke test and the load benchmark:
deploy/install.sh into a work folder, one PostgreSQL database migrated once, N replicas
in production mode, and Caddy in front with deploy/Caddyfile over HTTPS from its
internal CA (production cookies are `Secure` and `__Host-`, so clients speak HTTPS
rather than weakening them).

SMOKE_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres) names an account
that may create and drop the databases used.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.graphql_client import new_account, password_keys  # noqa: E402
from tests.sealed.reference import open_record, seal_record  # noqa: E402

ADMIN_URL = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")

PASSWORD = "a quiet harbour at dusk"
# Any 32 bytes: the server cannot tell whose key sealed an envelope.
ANY_KEY = bytes(range(32))

PUSH = """mutation Push($device: String!, $mutations: [SyncMutationInput!]!) {
  push(deviceId: $device, mutations: $mutations) {
    serverVersion results { mutationId recordId status version code } } }"""
PULL = """query Pull($cursor: String) { pull(cursor: $cursor, limit: 500) {
  cursor hasMore serverVersion records: recordsJson } }"""
REGISTER = """mutation R($i: RegisterInput!) { register(input: $i) { account { id } } }"""
SIGN_IN = """mutation S($i: SignInInput!) { signIn(input: $i) { id } }"""
NEW_CODE = "mutation { newConnectCode { code } }"
LINK = "mutation L($code: String!) { linkWithTherapist(code: $code) { id } }"
SHARE = """mutation Share($input: ShareLetterInput!) { shareLetter(input: $input) { id status } }"""


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))


def psql(sql: str) -> None:
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(
        ["psql", ADMIN_URL, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, env=env
    )


class Replica:
    """One `between serve --no-migrate` in production mode, from the install in `work`."""

    def __init__(self, number: int, database: str, work: Path) -> None:
        self.number = number
        self.port = free_port()
        self.metrics_port = free_port()
        self.database = database
        self.work = work
        self.log = work / f"replica-{number}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(self.database),
            "BETWEEN_ENV": "production",
            "BETWEEN_HOST": "127.0.0.1",
            "BETWEEN_FORWARDED_ALLOW_IPS": "127.0.0.1,::1",
            # Longer than Caddy's 1 s health interval, so it stops sending first.
            "BETWEEN_DRAIN_SECONDS": "2.5",
            "BETWEEN_DELIVERY_INTERVAL_SECONDS": "1",
            "BETWEEN_RATE_LIMIT_SECRET": "loopback-topology-secret-" + "s" * 32,
        }
        env.pop("BETWEEN_RATE_LIMIT_STORAGE", None)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(self.work / "install" / "bin" / "between"),
                    "serve",
                    "--no-migrate",
                    "--port",
                    str(self.port),
                    "--metrics-port",
                    str(self.metrics_port),
                ],
                env=env,
                cwd=self.work,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def signal(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    async def metrics(self) -> str:
        """This replica's Prometheus metrics, from its own loopback listener."""
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.get(f"http://127.0.0.1:{self.metrics_port}/metrics")
        check(response.status_code == 200, f"replica {self.number}'s metrics did not answer")
        return response.text

    async def open_subscriptions(self) -> float:
        for line in (await self.metrics()).splitlines():
            if line.startswith("between_open_subscriptions "):
                return float(line.split()[1])
        raise Failed(f"replica {self.number} reports no between_open_subscriptions")

    async def ready(self) -> None:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                check(self.process.poll() is None, f"replica {self.number} died: see {self.log}")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"http://127.0.0.1:{self.port}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise Failed(f"replica {self.number} never became ready")


class Site:
    """The site as devices see it: Caddy's HTTPS port, and its CA once Caddy made one."""

    def __init__(self, port: int, ca: Path | None = None) -> None:
        self.site_port = port
        self.site = f"https://localhost:{port}"
        self.tls = ssl.create_default_context(cafile=str(ca)) if ca else None

    def device(self, address: str | None = None) -> httpx.AsyncClient:
        """A device of someone using the site; `address` is a loopback address of its
        own (127.0.0.0/8) for per-address budgets, as people come from many."""
        return httpx.AsyncClient(
            base_url=self.site,
            headers={"origin": self.site},
            timeout=30,
            transport=httpx.AsyncHTTPTransport(verify=self.tls or True, local_address=address),
        )

    async def websocket(self, http: httpx.AsyncClient, address: str | None = None):
        cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        ws = await websockets.connect(
            f"wss://localhost:{self.site_port}/graphql",
            ssl=self.tls,
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Cookie": cookie, "Origin": self.site},
            local_addr=(address, 0) if address else None,
        )
        await ws.send(json.dumps({"type": "connection_init"}))
        check(json.loads(await ws.recv())["type"] == "connection_ack", "no connection_ack")
        await ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes }"}}
            )
        )
        return ws


class Topology(Site):
    """`count` replicas on one database, and Caddy in front with deploy/Caddyfile."""

    def __init__(self, database: str, work: Path, count: int = 3) -> None:
        super().__init__(free_port())
        self.work = work
        self.replicas = [Replica(n, database, work) for n in range(1, count + 1)]
        self.caddy: subprocess.Popen | None = None
        self.ca = work / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    async def start(self) -> None:
        for replica in self.replicas:
            replica.start()
        for replica in self.replicas:
            await replica.ready()
        env = {
            **os.environ,
            "HOME": str(self.work),
            "XDG_DATA_HOME": str(self.work / "caddy-data"),
            "XDG_CONFIG_HOME": str(self.work / "caddy-config"),
            "BETWEEN_SITE": f"localhost:{self.site_port}",
            "BETWEEN_TLS": "internal",
            "BETWEEN_UPSTREAMS": " ".join(f"127.0.0.1:{r.port}" for r in self.replicas),
            "BETWEEN_CADDY_HTTP_PORT": str(free_port()),
            "BETWEEN_CADDY_ADMIN": f"localhost:{free_port()}",
        }
        with (self.work / "caddy.log").open("a") as log:
            self.caddy = subprocess.Popen(
                [
                    "caddy",
                    "run",
                    "--config",
                    str(ROOT / "deploy" / "Caddyfile"),
                    "--adapter",
                    "caddyfile",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            check(self.caddy.poll() is None, f"caddy stopped: see {self.work / 'caddy.log'}")
            if self.ca.exists():
                self.tls = ssl.create_default_context(cafile=str(self.ca))
                try:
                    async with self.device() as http:
                        if (await http.get("/readyz")).status_code == 200:
                            return
                except (httpx.TransportError, ssl.SSLError):
                    pass
            check(time.monotonic() < deadline, "caddy never served the site")
            await asyncio.sleep(0.3)

    def stop(self) -> None:
        if self.caddy and self.caddy.poll() is None:
            self.caddy.terminate()
            self.caddy.wait(timeout=10)
        for replica in self.replicas:
            with contextlib.suppress(Exception):
                replica.signal(signal.SIGKILL)


async def gql(http: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    check(response.status_code == 200, f"HTTP {response.status_code}: {response.text[:200]}")
    return response.json()


async def ok(http: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    result = await gql(http, query, variables)
    check("errors" not in result, f"unexpected errors: {result}")
    return result["data"]


async def register(http: httpx.AsyncClient, username: str, role: str = "CLIENT") -> None:
    """Register as a device does: keys derived from the password, never the password."""
    account = new_account(
        username=username, password=PASSWORD, display_name=username.title(), role=role
    )
    await ok(http, REGISTER, {"i": account})


async def sign_in(http: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict:
    _master_key, key = await password_keys(http, username, password)
    return await gql(http, SIGN_IN, {"i": {"username": username, "authKey": key}})


def letter(mutation_id: int, record_id: str, body: str) -> dict:
    """A new letter, sealed as a device seals it."""
    content = {"title": "smoke", "body": body}
    return {
        "mutationId": mutation_id,
        "kind": "letter",
        "op": "upsert",
        "recordId": record_id,
        "baseVersion": None,
        "sealed": seal_record(ANY_KEY, record_id, "letter", 1, content),
        "format": 1,
    }


def letter_body(record: dict) -> str:
    """A pulled letter's words, opened as its devices open them."""
    content = open_record(ANY_KEY, record["id"], "letter", record["format"], record["sealed"])
    return content["body"]


async def pull_everything(http: httpx.AsyncClient) -> dict[str, dict]:
    records, cursor = {}, None
    while True:
        page = (await ok(http, PULL, {"cursor": cursor}))["pull"]
        records.update({record["id"]: record for record in page["records"]})
        cursor = page["cursor"]
        if not page["hasMore"]:
            return records


def prepare(work: Path, database: str) -> None:
    """Install into `work`/install, and make `database` afresh, migrated to head."""
    work.mkdir(exist_ok=True)
    for log in work.glob("*.log"):
        log.unlink()
    shutil.rmtree(work / "caddy-data", ignore_errors=True)
    subprocess.run(
        [str(ROOT / "deploy" / "install.sh"), str(work / "install")],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    drop(database)
    psql(f"CREATE DATABASE {database}")
    subprocess.run(
        [str(work / "install" / "bin" / "between"), "migrate"],
        check=True,
        cwd=work,
        env={**os.environ, "DATABASE_URL": database_url(database)},
    )


def drop(*databases: str) -> None:
    for database in databases:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
