"""Prometheus metrics, served on a listener of their own and never on the public port.

Each replica is its own process with its own counts; `between serve --metrics-port`
(or BETWEEN_METRICS_PORT) opens a loopback listener that answers every path with this
process's metrics, and Prometheus scrapes each replica there (docs/deploy.md). The
reverse proxy only knows the public port, so nothing here can be reached through it.

Labels are only ever names the server chose (a root field of the schema, an error code,
a record kind it knows): nothing a client writes becomes a label, so their number stays
small whatever is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    start_http_server,
)

# A `_created` series beside every counter doubles what is scraped and tells little.
disable_created_metrics()

REQUESTS = Counter(
    "between_requests",
    "HTTP requests answered, by GraphQL operation (its first root field) or route, "
    "and outcome (ok, or the error code)",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "between_request_duration_seconds",
    "Time to answer an HTTP request, by GraphQL operation or route",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PUSH_RESULTS = Counter(
    "between_push_results",
    "Mutations answered by push, by record kind and status "
    "(applied, merged, conflict_kept, rejected, duplicate)",
    ["kind", "status"],
)
OPEN_SUBSCRIPTIONS = Gauge(
    "between_open_subscriptions", "Subscriptions open on this process's websockets"
)
OPEN_WEBSOCKETS = Gauge("between_open_websockets", "Websockets open on this process")
DELIVERY_LAG = Histogram(
    "between_share_delivery_lag_seconds",
    "How long after its time a held letter went out",
    buckets=(0.5, 1, 5, 15, 30, 60, 120, 300, 900, 3600),
)
ARGON2_IN_FLIGHT = Gauge(
    "between_argon2_in_flight", "Password hashes running or waiting for a worker"
)
ARGON2_WAIT = Histogram(
    "between_argon2_queue_seconds",
    "How long a password hash waited for a worker",
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ARGON2_REFUSED = Counter(
    "between_argon2_refused", "Password hashes refused with BUSY because the queue was full"
)

# Operation labels for requests that are not a GraphQL operation.
UNKNOWN_OPERATION = "unknown"


def count_push_results(results: Iterable[tuple[str, str]]) -> None:
    """(kind, status) for each mutation of a push that was stored."""
    for kind, status in results:
        PUSH_RESULTS.labels(kind, status).inc()


def start_metrics_server(host: str, port: int) -> WSGIServer:
    """Serve this process's metrics from a thread; `shutdown()` the answer to stop."""
    server, _thread = start_http_server(port, addr=host)
    return server
