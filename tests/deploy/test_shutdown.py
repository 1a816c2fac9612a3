"""SIGTERM: the replica turns unready while it still serves (so the load balancer moves
traffic away), then stops accepting, finishes what is in flight, and closes websockets
with 1012 ("service restart"), which the PWA takes as "reconnect elsewhere"."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
import websockets

from tests.e2e.conftest import free_port
from tests.graphql_client import register

SERVICE_RESTART = 1012


@pytest.fixture
def replica(empty_database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": empty_database_url,
        "BETWEEN_ENV": "development",
        "BETWEEN_DRAIN_SECONDS": "2",
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
        time.sleep(0.2)
    try:
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        log.close()


async def test_sigterm_drains_then_finishes_in_flight_work(replica):
    process, base = replica
    async with httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=30) as http:
        await register(http)
        cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())

        ws = await websockets.connect(
            base.replace("http", "ws") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Cookie": cookie, "Origin": base},
        )
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes }"}}
            )
        )

        # A request whose body is still arriving when the shutdown begins.
        rest_of_body = asyncio.Event()
        document = json.dumps({"query": "{ me { username } }"}).encode()

        async def slow_body():
            yield document[:10]
            await rest_of_body.wait()
            yield document[10:]

        in_flight = asyncio.create_task(
            http.post("/graphql", content=slow_body(), headers={"content-type": "application/json"})
        )
        await asyncio.sleep(0.3)

        process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        # Draining: unready for the load balancer, alive, and still serving.
        async with httpx.AsyncClient(base_url=base, timeout=5) as probe:
            ready = await probe.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {"status": "unavailable", "reason": "draining"}
            assert (await probe.get("/healthz")).status_code == 200

        # Then the shutdown: the socket is told to reconnect elsewhere...
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), timeout=15)
        assert closed.value.rcvd.code == SERVICE_RESTART
        # ...new connections are refused...
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient(base_url=base, timeout=5) as late:
                await late.get("/healthz")
        # ...and the request in flight still gets its whole answer.
        rest_of_body.set()
        response = await in_flight
        assert response.status_code == 200
        assert response.json()["data"]["me"]["username"] == "robin"

    assert await asyncio.to_thread(process.wait, 30) == 0
