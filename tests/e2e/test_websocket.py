"""The websocket carries subscriptions only, and only while its session lives.

Each test runs a real server (on SQLite and on PostgreSQL) and a real websocket client.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import AsyncExitStack, asynccontextmanager

import asyncpg
import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from server.graphql.websocket import MAX_MESSAGE_BYTES, MAX_SOCKETS_PER_SESSION
from tests.graphql_client import auth_key, change_password_input, gql, register, sign_in
from tests.serving import start_server

CHANGES = {"query": "subscription { changes }"}
WAIT = 15


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


def cookie_of(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


@asynccontextmanager
async def socket(base: str, client: httpx.AsyncClient | None, *, ack: bool = True):
    headers = {"Cookie": cookie_of(client)} if client is not None else {}
    async with websockets.connect(
        ws_url(base), subprotocols=["graphql-transport-ws"], additional_headers=headers
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        if ack:
            assert json.loads(await receive(ws))["type"] == "connection_ack"
        yield ws


async def receive(ws) -> str:
    return await asyncio.wait_for(ws.recv(), timeout=WAIT)


async def subscribe(ws, payload: dict, op_id: str = "1") -> dict:
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
    return json.loads(await receive(ws))


async def closed_with(ws) -> int:
    """Wait for the server to close the socket, answering nothing else; its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await receive(ws)
    return closed.value.rcvd.code


@pytest.fixture
async def robin(served):
    async with httpx.AsyncClient(base_url=served) as client:
        await register(client)
        yield client


@pytest.fixture
async def robin_phone(served, robin):
    """A second signed-in device of the same person."""
    async with httpx.AsyncClient(base_url=served) as client:
        assert "errors" not in await sign_in(client, "robin")
        yield client


@pytest.mark.parametrize(
    "document",
    [
        "{ me { id username } }",
        "mutation { signOut }",
        "query Q { me { id } } subscription S { changes }",
    ],
)
async def test_queries_and_mutations_do_not_travel_over_the_websocket(served, robin, document):
    payload = {"query": document}
    if "subscription S" in document:
        payload["operationName"] = "Q"
    async with socket(served, robin) as ws:
        message = await subscribe(ws, payload)
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    # The mutation did not run: the session still works over HTTP.
    assert (await gql(robin, "{ me { username } }"))["data"]["me"]["username"] == "robin"


async def forget_sessions_without_notice(database_url: str) -> None:
    """Remove every session behind the server's back, as if a notice were missed."""
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as db:
            db.execute("DELETE FROM auth_session")
        return
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("DELETE FROM auth_session")
    finally:
        await connection.close()


async def test_a_subscription_is_checked_against_the_session_again(
    served, empty_database_url, robin
):
    async with socket(served, robin) as ws:
        await forget_sessions_without_notice(empty_database_url)
        message = await subscribe(ws, CHANGES)
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert await closed_with(ws) == 4401


async def test_a_socket_without_a_session_is_closed(served):
    async with socket(served, None, ack=False) as ws:
        assert await closed_with(ws) == 4401


async def sign_out(robin, _phone):
    assert (await gql(robin, "mutation { signOut }"))["data"]["signOut"] is True


async def revoke(_robin, phone):
    await revoke_other(phone)


async def change_password(robin, phone):
    result = await gql(
        phone,
        "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }",
        {"i": await change_password_input(phone, "another quiet harbour")},
    )
    assert "errors" not in result, result


async def delete_account(robin, phone):
    key = await auth_key(phone, "robin")
    result = await gql(phone, "mutation($k: String!) { deleteAccount(authKey: $k) }", {"k": key})
    assert "errors" not in result, result


@pytest.mark.parametrize("ending", [sign_out, revoke, change_password, delete_account])
async def test_a_session_that_ends_has_its_socket_closed(served, robin, robin_phone, ending):
    """`robin` holds the socket; the session ends by its own hand or from the phone."""
    async with socket(served, robin) as ws:
        assert (await subscribe(ws, CHANGES))["type"] == "next"
        await ending(robin, robin_phone)
        assert await closed_with(ws) == 4401


async def test_a_session_ended_on_another_process_closes_its_socket(postgres_scratch_url, tmp_path):
    with (
        start_server(postgres_scratch_url, tmp_path / "a") as first,
        start_server(postgres_scratch_url, tmp_path / "b") as second,
    ):
        async with (
            httpx.AsyncClient(base_url=first) as laptop,
            httpx.AsyncClient(base_url=second) as phone,
        ):
            await register(laptop)
            assert "errors" not in await sign_in(phone, "robin")
            async with socket(second, phone) as ws:
                assert (await subscribe(ws, CHANGES))["type"] == "next"
                # The laptop signs the phone out through the other server process.
                await revoke_other(laptop)
                assert await closed_with(ws) == 4401


async def revoke_other(client: httpx.AsyncClient) -> None:
    sessions = (await gql(client, "{ mySessions { id current } }"))["data"]["mySessions"]
    other = next(s["id"] for s in sessions if not s["current"])
    result = await gql(client, "mutation($id: ID!) { revokeSession(id: $id) }", {"id": other})
    assert result["data"]["revokeSession"] is True


async def test_a_message_over_the_limit_closes_the_socket(served, robin):
    async with socket(served, robin) as ws:
        padding = " " * (MAX_MESSAGE_BYTES + 1)
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": padding + "{ x }"}})
        )
        assert await closed_with(ws) == 1009


async def test_one_session_opens_a_bounded_number_of_sockets(served, robin):
    async with AsyncExitStack() as stack:
        for _ in range(MAX_SOCKETS_PER_SESSION):
            await stack.enter_async_context(socket(served, robin))
        async with socket(served, robin, ack=False) as extra:
            assert await closed_with(extra) == 4429


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("subscription { nothingHere }", None, "BAD_REQUEST"),
        ("subscription($n: Int!) { changes }", {"n": "five"}, "BAD_REQUEST"),
        ("subscription { changes } #" + "x" * 20_000, None, "QUERY_TOO_COMPLEX"),
        (
            "subscription { changes " + " ".join(f"a{i}: changes" for i in range(40)) + " }",
            None,
            "QUERY_TOO_COMPLEX",
        ),
    ],
)
async def test_errors_on_the_websocket_carry_codes(served, robin, document, variables, code):
    async with socket(served, robin) as ws:
        message = await subscribe(ws, {"query": document, "variables": variables})
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == code


async def test_the_older_protocol_is_not_offered(served, robin):
    with pytest.raises((websockets.exceptions.InvalidStatus, ConnectionClosed)):
        async with websockets.connect(
            ws_url(served),
            subprotocols=["graphql-ws"],
            additional_headers={"Cookie": cookie_of(robin)},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            await receive(ws)
