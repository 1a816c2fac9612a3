"""The account protocol of docs/crypto.md, driven with the Python reference of the device.

Every path (registration, a second device, a password change, recovery with a code)
must leave the device holding the same account key, derived with real Argon2id.
"""

from __future__ import annotations

import re

import pytest

from server.auth.models import Account
from tests.graphql_client import (
    KEY_PARAMS,
    error_code,
    gql,
    key_params,
    password_keys,
    register,
    sign_in,
)
from tests.sealed import device
from tests.sealed.reference import SealError

CHANGE = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }"
OPEN = "mutation($i: OpenRecoveryInput!) { openRecovery(input: $i) }"
RECOVER = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { username } }"
FIRST, SECOND, THIRD = "a calm and quiet river", "the second quiet river", "a third river"
REAL = device.reference_keys


async def opened_on(client, password: str) -> bytes:
    """Sign in on `client` as the device does and open the account key with the password."""
    master_key, _ = await password_keys(client, "robin", password, REAL)
    result = await sign_in(client, "robin", password, REAL)
    assert "errors" not in result, result
    return device.open_account_key(result["data"]["signIn"]["sealedAccountKey"], master_key)


def shape(params: dict) -> dict:
    return {name: type(value) for name, value in params.items()} | {
        "seed": bool(re.fullmatch(r"[0-9a-f]{32}", params["seed"]))
    }


async def test_unknown_usernames_get_a_stable_seed_shaped_like_a_real_one(client, other_client):
    await register(client, username="robin")
    real = await key_params(other_client, "robin")
    unknown = await key_params(other_client, "nobody-here")
    assert unknown == await key_params(client, "Nobody-Here ")
    assert unknown["seed"] != (await key_params(other_client, "nobody-else"))["seed"]
    assert shape(unknown) == shape(real)
    assert {k: v for k, v in unknown.items() if k != "seed"} == {
        k: v for k, v in real.items() if k != "seed"
    }
    # The real seed is the one the device chose at registration.
    assert real["seed"] == (await Account.get()).key_seed


async def test_key_params_are_limited_per_address(app, client):
    limit = app.state.accounts.throttle.limits.key_params_per_ip.amount
    for n in range(limit):
        assert "errors" not in await gql(client, KEY_PARAMS, {"username": f"name{n}"})
    refused = await gql(client, KEY_PARAMS, {"username": "one-more"})
    assert error_code(refused) == "RATE_LIMITED"


async def test_every_path_opens_the_same_account_key(client, other_client, app):
    from tests.conftest import make_client

    registered = await register(client, password=FIRST, derive=REAL)
    account_key = registered["accountKey"]

    # A second device signs in and opens the key; a wrong password opens nothing.
    assert await opened_on(other_client, FIRST) == account_key
    wrong_master, _ = await password_keys(other_client, "robin", "not the password", REAL)
    with pytest.raises(SealError) as refused:
        device.open_account_key(registered["account"]["sealedAccountKey"], wrong_master)
    assert refused.value.reason == "unverified"
    assert error_code(await sign_in(other_client, "robin", "not the password")) == (
        "INVALID_CREDENTIALS"
    )

    # A password change re-seals the key under a new seed; the old password opens nothing.
    _master_key, current = await password_keys(client, "robin", FIRST, REAL)
    made = device.keys_for(SECOND, "robin", account_key, REAL)
    variables = {"i": {"currentAuthKey": current, "newAuthKey": made.auth_key, "keys": made.keys}}
    assert (await gql(client, CHANGE, variables))["data"]["changePassword"] is True
    async with make_client(app) as third:
        assert await opened_on(third, SECOND) == account_key
        assert error_code(await sign_in(third, "robin", FIRST, REAL)) == "INVALID_CREDENTIALS"

    # Recovery with a code on a fresh device opens the key, then sets a third password.
    code = registered["recoveryCodes"][6]
    keys = device.reference.recovery_keys(code)
    async with make_client(app) as fresh:
        opening = {"username": "robin", "lookup": keys.lookup, "verifier": keys.verifier}
        sealed = (await gql(fresh, OPEN, {"i": opening}))["data"]["openRecovery"]
        recovered_key = device.open_with_code(code, sealed)
        assert recovered_key == account_key
        made = device.keys_for(THIRD, "robin", recovered_key, REAL)
        recovering = {**opening, "newAuthKey": made.auth_key, "keys": made.keys}
        result = await gql(fresh, RECOVER, {"i": recovering})
        assert result["data"]["recoverAccount"]["username"] == "robin"
    async with make_client(app) as last:
        assert await opened_on(last, THIRD) == account_key
