"""A tiny GraphQL client over httpx, for tests that go through the real ASGI app.

Accounts are made and signed in to as the device does (tests/sealed/device.py): the
password stays here, and the server is sent keys derived from it.
"""

from __future__ import annotations

import httpx

from tests.sealed import device

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { account { id username displayName role sealedAccountKey } }
}
"""
SIGN_IN = """
mutation SignIn($input: SignInInput!) { signIn(input: $input) { id username sealedAccountKey } }
"""
KEY_PARAMS = """
query KeyParams($username: String!) {
  keyParams(username: $username) { seed version memoryKiB iterations parallelism }
}
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


def made_account(
    username="robin", password=PASSWORD, role="CLIENT", display_name="Robin", derive=None
) -> device.NewAccount:
    return device.new_account(
        username,
        password,
        display_name=display_name,
        role=role,
        derive=derive or device.stand_in_keys,
    )


def new_account(**account) -> dict:
    """A registration's input, as a device makes it."""
    return made_account(**account).input


async def register_response(client: httpx.AsyncClient, **account) -> httpx.Response:
    """The raw HTTP response to a registration, for tests that look at headers."""
    return await client.post(
        "/graphql", json={"query": REGISTER, "variables": {"input": new_account(**account)}}
    )


async def register(client: httpx.AsyncClient, **account) -> dict:
    """Register; the answer, with the codes and account key the device kept beside it."""
    made = made_account(**account)
    result = await gql(client, REGISTER, {"input": made.input})
    assert "errors" not in result, result
    return {
        **result["data"]["register"],
        "recoveryCodes": made.codes,
        "accountKey": made.account_key,
    }


async def key_params(client: httpx.AsyncClient, username: str) -> dict:
    result = await gql(client, KEY_PARAMS, {"username": username})
    assert "errors" not in result, result
    return result["data"]["keyParams"]


async def password_keys(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, derive=None
) -> tuple[bytes, str]:
    """(master key, authentication key) as a device derives them for this username."""
    params = await key_params(client, username)
    derive = derive or device.stand_in_keys
    return derive(password, username.strip().lower(), params["seed"])


async def auth_key(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    return (await password_keys(client, username, password))[1]


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, derive=None, **kw
) -> dict:
    _master, key = await password_keys(client, username, password, derive)
    return await gql(client, SIGN_IN, {"input": {"username": username, "authKey": key}}, **kw)


async def change_password_input(
    client: httpx.AsyncClient, new: str, current: str = PASSWORD, username: str = "robin"
) -> dict:
    """A password change as the device makes it: the account key re-sealed for `new`."""
    master_key, current_key = await password_keys(client, username, current)
    me = await gql(client, "{ me { sealedAccountKey } }")
    account_key = device.open_account_key(me["data"]["me"]["sealedAccountKey"], master_key)
    made = device.keys_for(new, username, account_key)
    return {"currentAuthKey": current_key, "newAuthKey": made.auth_key, "keys": made.keys}


def opening_input(code: str, username: str = "robin") -> dict:
    """What a device sends to open the account key with a recovery code."""
    keys = device.reference.recovery_keys(code)
    return {"username": username, "lookup": keys.lookup, "verifier": keys.verifier}


def recovery_input(code: str, new: str, account_key: bytes, username: str = "robin") -> dict:
    """A recovery as the device makes it, once it has opened the account key with the code."""
    made = device.keys_for(new, username, account_key)
    return {**opening_input(code, username), "newAuthKey": made.auth_key, "keys": made.keys}


REGENERATE = """
mutation Regenerate($key: String!, $codes: [RecoveryCodeInput!]!) {
  regenerateRecoveryCodes(authKey: $key, recoveryCodes: $codes)
}
"""


def new_codes(account_key: bytes) -> tuple[list[str], list[dict]]:
    """Ten new recovery codes, and what the server is sent for them."""
    codes = device.new_codes()
    return codes, [device.code_input(code, account_key) for code in codes]


async def regenerate_input(
    client: httpx.AsyncClient, password: str = PASSWORD, username: str = "robin"
) -> dict:
    """New codes for the signed-in account, sealing the key it opens with `password`
    (a wrong password seals a random key: the server refuses it before it matters)."""
    master_key, key = await password_keys(client, username, password)
    me = await gql(client, "{ me { sealedAccountKey } }")
    try:
        account_key = device.open_account_key(me["data"]["me"]["sealedAccountKey"], master_key)
    except device.reference.SealError:
        account_key = bytes(32)
    return {"key": key, "codes": new_codes(account_key)[1]}


def sign_in_sync(http: httpx.Client, username: str, password: str = PASSWORD, derive=None) -> dict:
    """Sign in over a blocking client (tests beside a running server), as the device does.
    Accounts the PWA made need `device.reference_keys`, the real derivation."""
    params = http.post("/graphql", json={"query": KEY_PARAMS, "variables": {"username": username}})
    seed = params.json()["data"]["keyParams"]["seed"]
    derive = derive or device.stand_in_keys
    _master, key = derive(password, username.strip().lower(), seed)
    variables = {"input": {"username": username, "authKey": key}}
    return http.post("/graphql", json={"query": SIGN_IN, "variables": variables}).json()


def register_sync(http: httpx.Client, **account) -> dict:
    """Register over a blocking client; the answer as `register` gives it."""
    made = made_account(**account)
    result = http.post("/graphql", json={"query": REGISTER, "variables": {"input": made.input}})
    body = result.json()
    assert "errors" not in body, body
    return {**body["data"]["register"], "recoveryCodes": made.codes, "accountKey": made.account_key}
