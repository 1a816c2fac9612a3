"""SIGTERM: the replica turns unready while it still serves (so the load balancer moves
traffic away), then stops accepting, finishes what is in flight, and closes websockets
with 1012 ("service restart"), which the PWA takes as "reconnect elsewhere"."""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest
import websockets

from tests.graphql_client import register
from tests.serving import serving

SERVICE_RESTART = 1012


@pytest.fixture
def replica(empty_database_url, tmp_path):
    with serving(empty_database_url, tmp_path, BETWEEN_DRAIN_SECONDS="2") as running:
        yield running


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
