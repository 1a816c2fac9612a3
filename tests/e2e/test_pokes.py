"""Live pokes over graphql-transport-ws from a running server, on every server process."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
import websockets.exceptions

from tests.graphql_client import register_sync, sign_in_sync
from tests.sealed import reference
from tests.serving import start_server
from tests.sync_client import PUSH, new_id

PASSWORD = "a quiet harbour at dusk"


def sign_up(client: httpx.Client) -> bytes:
    """The new account's key, which its devices seal with."""
    made = register_sync(client, username="robin", password=PASSWORD, display_name="R")
    return made["accountKey"]


def sign_in(client: httpx.Client) -> None:
    result = sign_in_sync(client, "robin", PASSWORD)
    assert "errors" not in result, result


async def first_pokes(ws_url: str, cookie: str, count: int, after) -> list[int]:
    """Subscribe to `changes`, run `after()` once subscribed, and return `count` pokes."""
    async with websockets.connect(
        ws_url,
        subprotocols=["graphql-transport-ws"],
        additional_headers={"Cookie": cookie},
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": "subscription { changes }"}}
            )
        )
        pokes = []
        while len(pokes) < count:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
            assert message["type"] == "next", message
            assert set(message["payload"]["data"]) == {"changes"}
            pokes.append(message["payload"]["data"]["changes"])
            if len(pokes) == 1:
                await asyncio.to_thread(after)
        return pokes


def push_a_letter(client: httpx.Client, account_key: bytes) -> None:
    letter_id = new_id()
    content = {"title": "", "body": "written on the phone"}
    result = client.post(
        "/graphql",
        json={
            "query": PUSH,
            "variables": {
                "device": "phone-0001",
                "mutations": [
                    {
                        "mutationId": 1,
                        "kind": "letter",
                        "op": "upsert",
                        "recordId": letter_id,
                        "sealed": reference.seal_record(
                            account_key, letter_id, "letter", 1, content
                        ),
                        "format": 1,
                    }
                ],
            },
        },
    ).json()
    assert result["data"]["push"]["serverVersion"] == 1, result


def test_a_push_pokes_a_subscriber_on_the_same_server(served):
    with httpx.Client(base_url=served) as writer, httpx.Client(base_url=served) as reader:
        key = sign_up(writer)
        sign_in(reader)
        cookie = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
        ws_url = served.replace("http://", "ws://") + "/graphql"
        pokes = asyncio.run(first_pokes(ws_url, cookie, 2, lambda: push_a_letter(writer, key)))
    assert pokes == [0, 1]


def test_a_push_on_one_process_pokes_a_subscriber_on_another(postgres_scratch_url, tmp_path):
    """Two server processes on one PostgreSQL database: LISTEN/NOTIFY carries the poke."""
    with (
        start_server(postgres_scratch_url, tmp_path / "a") as first,
        start_server(postgres_scratch_url, tmp_path / "b") as second,
        httpx.Client(base_url=first) as writer,
        httpx.Client(base_url=second) as reader,
    ):
        key = sign_up(writer)
        sign_in(reader)
        cookie = "; ".join(f"{k}={v}" for k, v in reader.cookies.items())
        ws_url = second.replace("http://", "ws://") + "/graphql"
        pokes = asyncio.run(first_pokes(ws_url, cookie, 2, lambda: push_a_letter(writer, key)))
    assert pokes == [0, 1]


def test_a_cross_site_page_cannot_open_the_socket(served):
    async def attempt():
        async with websockets.connect(
            served.replace("http://", "ws://") + "/graphql",
            subprotocols=["graphql-transport-ws"],
            origin="https://elsewhere.example",
        ) as ws:
            await ws.recv()

    with pytest.raises(
        (websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed)
    ):
        asyncio.run(attempt())
