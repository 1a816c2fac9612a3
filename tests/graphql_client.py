"""A tiny GraphQL client over httpx, for tests that go through the real ASGI app."""

from __future__ import annotations

import httpx

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { account { id username displayName role } recoveryCodes }
}
"""
SIGN_IN = """
mutation SignIn($input: SignInInput!) { signIn(input: $input) { id username } }
"""
ME = "{ me { id username displayName role } }"

PASSWORD = "a calm and quiet river"


async def gql(client: httpx.AsyncClient, query: str, variables: dict | None = None, **kw) -> dict:
    response = await client.post("/graphql", json={"query": query, "variables": variables}, **kw)
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()


def error_code(result: dict) -> str | None:
    errors = result.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def new_account(username="robin", password=PASSWORD, role="CLIENT", display_name="Robin"):
    return {"username": username, "password": password, "displayName": display_name, "role": role}


async def register_response(client: httpx.AsyncClient, **account) -> httpx.Response:
    """The raw HTTP response to a registration, for tests that look at headers."""
    return await client.post(
        "/graphql", json={"query": REGISTER, "variables": {"input": new_account(**account)}}
    )


async def register(client: httpx.AsyncClient, **account) -> dict:
    result = (await register_response(client, **account)).json()
    assert "errors" not in result, result
    return result["data"]["register"]


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict:
    return await gql(client, SIGN_IN, {"input": {"username": username, "password": password}})
