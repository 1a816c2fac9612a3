"""Every request is counted, timed and logged once, under an id it carries throughout.

The id is the proxy's X-Request-ID when it sent a sane one (Caddy sends its own), else a
new one; it is set for every log line the request causes and returned in the answer's
X-Request-ID header, so a person's report of a failure can be found in the logs.

A GraphQL request is named by its operation's first root field (`push`, `signIn`) and
its outcome is `ok` or the first error's code; other requests by their route. The
access line holds those, the status and the time taken: never a body, a query string,
a cookie or an address.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from graphql import FieldNode, get_operation_ast
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from server.logs import REQUEST_ID, request_id_from
from server.metrics import REQUEST_SECONDS, REQUESTS, UNKNOWN_OPERATION

log = logging.getLogger("between.access")

ROUTES = {"/graphql": "graphql", "/healthz": "healthz", "/readyz": "readyz"}
HEALTH_CHECKS = frozenset({"healthz", "readyz"})


@dataclass
class Observation:
    """What the layers inside learn about a request, for its metrics and access line."""

    operation: str | None = None
    outcome: str | None = None


CURRENT: ContextVar[Observation | None] = ContextVar("observation", default=None)


def note_outcome(outcome: str, operation: str | None = None) -> None:
    observation = CURRENT.get()
    if observation is not None:
        observation.outcome = outcome
        if operation is not None:
            observation.operation = operation


class Observe:
    """Outermost middleware: request id, metrics and one access line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get("x-request-id"))
        id_token = REQUEST_ID.set(request_id)
        observation = Observation()
        observation_token = CURRENT.set(observation)
        started = time.perf_counter()
        status = 0
        answered = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                answered = True
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            elif message["type"] == "websocket.close":
                status = message.get("code", 1000)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            status = 500
            # Answered here rather than by Starlette's outermost error handler, so that
            # even this answer carries the id its log lines are under.
            if scope["type"] == "http" and not answered:
                await _failed(send_with_id)
            raise
        finally:
            self._record(scope, observation, status, time.perf_counter() - started)
            CURRENT.reset(observation_token)
            REQUEST_ID.reset(id_token)

    @staticmethod
    def _record(scope: Scope, observation: Observation, status: int, seconds: float) -> None:
        path = scope["path"]
        operation = observation.operation or ROUTES.get(path, "app")
        if scope["type"] == "websocket":
            log.info(
                "websocket closed",
                extra={"path": path, "close_code": status, "duration_ms": round(seconds * 1000)},
            )
            return
        outcome = observation.outcome or ("ok" if status < 400 else f"http_{status}")
        REQUESTS.labels(operation, outcome).inc()
        REQUEST_SECONDS.labels(operation).observe(seconds)
        if operation in HEALTH_CHECKS and outcome == "ok":
            return  # the load balancer asks every second: only a failing answer is news
        log.info(
            "request",
            extra={
                "method": scope["method"],
                # The path without its query string; the app's own paths name no one.
                "path": path,
                "status": status,
                "operation": operation,
                "outcome": outcome,
                "duration_ms": round(seconds * 1000, 1),
            },
        )


async def _failed(send: Send) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": b"Something went wrong on the server."})


class NameTheOperation(SchemaExtension):
    """Tells the request's observation which operation ran and how it ended. Only a
    document that passed validation is named by its field, so a label is always a field
    of the schema, whatever a client sends."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        errors = getattr(result, "errors", None) or context.pre_execution_errors or []
        # Errors without a path refused the document before it ran (parsing, validation).
        validated = all(error.path is not None for error in errors)
        operation = UNKNOWN_OPERATION
        document = context.graphql_document
        if document is not None and validated:
            definition = get_operation_ast(document, context.operation_name)
            first = definition.selection_set.selections[0] if definition else None
            if isinstance(first, FieldNode):
                operation = first.name.value
        outcome = "ok"
        if errors:
            outcome = str((errors[0].extensions or {}).get("code", "INTERNAL"))
        note_outcome(outcome, operation)
