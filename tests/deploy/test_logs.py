"""Log lines: JSON (or text) with each request's id, and never a word a person wrote, nor
a session token, even when something fails and an exception is logged."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from server.logs import log_handler
from server.pwa import AppFiles
from server.sync import pull as pulling
from tests.graphql_client import register
from tests.sync_client import PULL, gql, letter, letter_mutation, mutation, new_id, opened, push

MARKERS = ("marigoldlantern", "quietheronwaits")


@pytest.fixture(params=["json", "text"])
def log_lines(request):
    """Everything the server logs, as the production handler writes it."""
    buffer = io.StringIO()
    handler = log_handler(request.param, buffer)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield request.param, buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_no_word_and_no_token_reaches_the_log(client, log_lines, monkeypatch):
    log_format, buffer = log_lines
    key = (await register(client))["accountKey"]
    [token] = client.cookies.values()
    words = letter(f"dear you, {MARKERS[1]}", MARKERS[0])
    sealed = letter_mutation(1, new_id(), words, key)
    # The same words in clear, as a device from before letters were sealed sends them:
    # refused, and not quoted anywhere either.
    clear = mutation(2, new_id(), {"title": MARKERS[0], "body": f"dear you, {MARKERS[1]}"})
    response = await client.post(
        "/graphql",
        json={"query": PUSH, "variables": {"device": "device-0001", "mutations": [sealed, clear]}},
        headers={"x-request-id": "caddy-4f2a9c1e-request"},
    )
    assert response.status_code == 200 and "errors" not in response.json()
    results = response.json()["data"]["push"]["results"]
    assert [r["status"] for r in results] == ["APPLIED", "REJECTED"]
    assert response.headers["x-request-id"] == "caddy-4f2a9c1e-request"

    # An unexpected failure whose message quotes the words and the envelope, as a
    # database error can.
    async def failing_pull(*_args, **_kwargs):
        raise RuntimeError(
            f"could not store {MARKERS[0]} ({sealed['sealed'][:80]}) for token {token}"
        )

    monkeypatch.setattr(pulling, "pull", failing_pull)
    failed = await client.post("/graphql", json={"query": PULL, "variables": {"cursor": None}})
    assert failed.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
    failed_id = failed.headers["x-request-id"]

    text = buffer.getvalue()
    for secret in (*MARKERS, sealed["sealed"][:80], token):
        assert secret not in text
    # The failure is logged, with its type and where it happened, under its request's id.
    assert "RuntimeError (message not logged)" in text
    assert "failing_pull" in text
    if log_format == "json":
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        pushed = [line for line in lines if line.get("operation") == "push"]
        assert pushed == [
            {
                "time": pushed[0]["time"],
                "level": "INFO",
                "logger": "between.access",
                "message": "request",
                "request_id": "caddy-4f2a9c1e-request",
                "method": "POST",
                "path": "/graphql",
                "status": 200,
                "operation": "push",
                "outcome": "ok",
                "duration_ms": pushed[0]["duration_ms"],
            }
        ]
        error = next(line for line in lines if line["level"] == "ERROR")
        assert error["request_id"] == failed_id
        assert "exc_info" in error
    else:
        assert "[caddy-4f2a9c1e-request] request" in text
        assert f"ERROR between.graphql [{failed_id}]" in text


PUSH = """mutation Push($device: String!, $mutations: [SyncMutationInput!]!) {
  push(deviceId: $device, mutations: $mutations) { serverVersion results { status } } }"""


@pytest.mark.parametrize(
    "sent",
    ["short", "has space in it", "line\nbreak-forged-entry", "x" * 129, 'quote"inside1'],
)
async def test_an_odd_request_id_is_replaced(client, sent):
    response = await client.get("/healthz", headers={"x-request-id": sent})
    given = response.headers["x-request-id"]
    assert given != sent
    assert len(given) == 32 and given.isalnum()


async def test_every_answer_carries_a_request_id(client):
    first = await client.get("/healthz")
    second = await client.post("/graphql", content="{", headers={"content-type": "text/plain"})
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2


async def test_an_unexpected_failure_is_answered_with_its_request_id(app, monkeypatch):
    async def failing(*_args, **_kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(AppFiles, "get_response", failing)
    # As a server does: the failure is answered, and still raised to be logged.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/letters", headers={"x-request-id": "caddy-5b1d7e20-request"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "caddy-5b1d7e20-request"
    assert response.headers["cache-control"] == "no-store"
    assert "disk" not in response.text


async def test_a_push_is_unaffected_by_logging(client, log_lines):
    # The access line is written after the answer: the push itself is stored as ever.
    key = (await register(client))["accountKey"]
    await push(client, "device-0001", [letter_mutation(1, new_id(), letter("b", "t"), key)])
    records = (await gql(client, PULL, {"cursor": None}))["data"]["pull"]["records"]
    assert [opened(r, key) for r in records if r["kind"] == "letter"] == [letter("b", "t")]
