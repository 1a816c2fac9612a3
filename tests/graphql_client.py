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


async def register(
    client: httpx.AsyncClient,
    username: str = "robin",
    password: str = PASSWORD,
    role: str = "CLIENT",
    display_name: str = "Robin",
) -> dict:
    result = await gql(
        client,
        REGISTER,
        {
            "input": {
                "username": username,
                "password": password,
                "displayName": display_name,
                "role": role,
            }
        },
    )
    assert "errors" not in result, result
    return result["data"]["register"]


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict:
    return await gql(client, SIGN_IN, {"input": {"username": username, "password": password}})
