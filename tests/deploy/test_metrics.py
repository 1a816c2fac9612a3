"""Prometheus metrics: they move with what the server does, and only a listener of their
own serves them, never the public app."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import websockets
from prometheus_client import REGISTRY

from server.errors import AppError, ErrorCode
from tests.graphql_client import error_code, gql, register
from tests.serving import free_port, serving
from tests.sync_client import PULL, letter, letter_mutation, mutation, new_id, push

METRIC_NAMES = (
    "between_requests_total",
    "between_request_duration_seconds",
    "between_push_results_total",
    "between_open_subscriptions",
    "between_open_websockets",
    "between_share_delivery_lag_seconds",
    "between_argon2_in_flight",
    "between_argon2_queue_seconds",
    "between_argon2_refused_total",
)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Moves:
    """Samples read before and after, for the difference."""

    def __init__(self, *samples: tuple[str, dict]) -> None:
        self.samples = samples
        self.before = [sample(name, **labels) for name, labels in samples]

    def by(self) -> list[float]:
        return [
            sample(name, **labels) - before
            for (name, labels), before in zip(self.samples, self.before, strict=True)
        ]


async def test_requests_are_counted_by_operation_and_outcome(client, other_client):
    moves = Moves(
        ("between_requests_total", {"operation": "register", "outcome": "ok"}),
        ("between_requests_total", {"operation": "pull", "outcome": "UNAUTHENTICATED"}),
        ("between_requests_total", {"operation": "push", "outcome": "ok"}),
        ("between_requests_total", {"operation": "unknown", "outcome": "BAD_REQUEST"}),
        ("between_requests_total", {"operation": "graphql", "outcome": "BAD_REQUEST"}),
        ("between_requests_total", {"operation": "healthz", "outcome": "ok"}),
        ("between_request_duration_seconds_count", {"operation": "push"}),
        ("between_push_results_total", {"kind": "letter", "status": "applied"}),
        ("between_push_results_total", {"kind": "letter", "status": "duplicate"}),
        ("between_push_results_total", {"kind": "unknown", "status": "rejected"}),
        ("between_argon2_queue_seconds_count", {}),
    )
    key = (await register(client))["accountKey"]
    assert error_code(await gql(other_client, PULL, {"cursor": None})) == "UNAUTHENTICATED"
    made = letter_mutation(1, new_id(), letter("b", "t"), key)
    stranger = mutation(2, new_id(), {}, kind="a-kind-nobody-knows")
    await push(client, "device-0001", [made, stranger])
    await push(client, "device-0001", [made])
    # A field the schema lacks is not a label: it counts as "unknown".
    assert "errors" in await gql(client, "{ notAField }")
    # Refused before any operation could be named: counted under the route.
    refused = await client.post("/graphql", content="{", headers={"content-type": "text/plain"})
    assert refused.status_code == 415
    bad_json = await client.post(
        "/graphql", content="{", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert (await client.get("/healthz")).status_code == 200
    changes = moves.by()
    # Eleven hashes for a registration: the authentication key and ten verifiers.
    assert changes == [1, 1, 2, 1, 2, 1, 2, 1, 1, 1, 11]
    # Waiting hashes are back to none once every request has its answer.
    assert sample("between_argon2_in_flight") == 0


async def test_busy_hashing_is_counted(app):
    hasher = app.state.accounts.hasher
    before = sample("between_argon2_refused_total")
    hasher._pending = hasher._limit  # every place taken
    try:
        with pytest.raises(AppError) as refused:
            await hasher.hash("a calm and quiet river", source="192.0.2.1")
        assert refused.value.code is ErrorCode.BUSY
    finally:
        hasher._pending = 0
    assert sample("between_argon2_refused_total") == before + 1


async def test_the_public_app_serves_no_metrics(client):
    for path in ("/metrics", "/metrics/", "/graphql/metrics"):
        response = await client.get(path)
        assert "between_requests_total" not in response.text
        assert "# TYPE" not in response.text


@pytest.fixture
def served(empty_database_url, tmp_path):
    """`between serve` with its metrics listener, as a replica runs."""
    metrics_port = free_port()
    with serving(empty_database_url, tmp_path, "--metrics-port", str(metrics_port)) as (_, base):
        yield base, f"http://127.0.0.1:{metrics_port}/metrics"


def metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} is not in the metrics")


async def test_a_replica_serves_metrics_on_its_own_port_only(served):
    base, metrics = served
    async with httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=30) as http:
        await register(http)
        assert "errors" not in await gql(http, PULL, {"cursor": None})
        cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        text = (await http.get(metrics)).text
        for name in METRIC_NAMES:
            assert f"# TYPE {name} " in text, name
        assert metric(text, "between_open_subscriptions") == 0
        # The process's own figures come too: resident memory per replica.
        assert metric(text, "process_resident_memory_bytes") > 0

        async with websockets.connect(
            base.replace("http", "ws") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Cookie": cookie, "Origin": base},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": "subscription { changes }"},
                    }
                )
            )
            assert json.loads(await ws.recv())["type"] == "next"
            text = (await http.get(metrics)).text
            assert metric(text, "between_open_subscriptions") == 1
            assert metric(text, "between_open_websockets") == 1
        deadline = time.monotonic() + 10
        while metric((await http.get(metrics)).text, "between_open_subscriptions") != 0:
            assert time.monotonic() < deadline, "the closed subscription is still counted"
            await asyncio.sleep(0.1)

        # The public port answers /metrics with the app, never with the metrics.
        public = await http.get("/metrics")
        assert "between_requests_total" not in public.text
        text = (await http.get(metrics)).text
        assert metric(text, 'between_requests_total{operation="pull",outcome="ok"}') == 1
