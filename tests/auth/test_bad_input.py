"""Every account mutation against bad input: a typed error each time, and nothing written.

Each case runs against a registered, signed-in account ("robin"); `signed_in=False`
cases run from a second device that never signed in.
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import row_counts
from tests.graphql_client import ME, auth_key, error_code, gql, new_account, register
from tests.sealed import device
from tests.sealed.reference import b64url

REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { id } }"
SIGN_OUT = "mutation { signOut }"
CHANGE = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
REGENERATE = """
mutation($k: String!, $c: [RecoveryCodeInput!]!) {
  regenerateRecoveryCodes(authKey: $k, recoveryCodes: $c)
}
"""
OPEN = "mutation($i: OpenRecoveryInput!) { openRecovery(input: $i) }"
RECOVER = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
DELETE = "mutation($k: String!) { deleteAccount(authKey: $k) }"

LONG = "x" * 10_000
# Well-formed values that open nothing: each case spoils one field of an otherwise good input.
KEY = "ab" * 32
SEALED = b64url(bytes([1]) + bytes(76))
KEYS = {"seed": "cd" * 16, "params": device.PARAMS, "sealedAccountKey": SEALED}
CODES = [{"lookup": f"{n}bcde", "verifier": KEY, "sealedAccountKey": SEALED} for n in range(10)]


def alex(**changes) -> dict:
    base = new_account(username="alex", password="another gentle password", display_name="Alex")
    return {"i": {**base, **changes}}


def keys(**changes) -> dict:
    return {**KEYS, **changes}


def params(**changes) -> dict:
    return keys(params={**device.PARAMS, **changes})


def codes(index: int = 0, count: int = 10, **changes) -> list[dict]:
    made = [dict(code) for code in CODES[:count]] + [dict(CODES[0])] * max(0, count - 10)
    if made:
        made[index].update(changes)
    return made


def change(**changes) -> dict:
    return {"i": {"currentAuthKey": KEY, "newAuthKey": KEY, "keys": KEYS, **changes}}


def opening(**changes) -> dict:
    return {"i": {"username": "robin", "lookup": "abcde", "verifier": KEY, **changes}}


def recover(**changes) -> dict:
    return {"i": {**opening()["i"], "newAuthKey": KEY, "keys": KEYS, **changes}}


# Sealed keys that are not one: each is refused with the field named.
BAD_SEALED = [
    ("not base64url", "!" * 103),
    ("padded", SEALED + "="),
    ("one byte short", b64url(bytes([1]) + bytes(75))),
    ("one byte long", b64url(bytes([1]) + bytes(77))),
    ("another version", b64url(bytes([2]) + bytes(76))),
    ("empty", ""),
    ("oversized", "A" * 10_000),
]
BAD_HEX = [
    ("empty", ""),
    ("short", KEY[:-1]),
    ("long", KEY + "a"),
    ("upper case", KEY.upper()),
    ("not hex", "g" * 64),
    ("oversized", LONG),
]
BAD_PARAMS = [
    ("less memory", {"memoryKiB": 65535}),
    ("no pass", {"iterations": 0}),
    ("no lane", {"parallelism": 0}),
    ("another version", {"version": 2}),
    ("absurd memory", {"memoryKiB": 1048577}),
    ("absurd passes", {"iterations": 65}),
    ("absurd lanes", {"parallelism": 17}),
]
BAD_CODES = [
    ("nine codes", codes(count=9), "recoveryCodes"),
    ("eleven codes", codes(count=11), "recoveryCodes"),
    ("no codes", [], "recoveryCodes"),
    ("same lookups", codes(3, lookup="0bcde"), "recoveryCodes"),
    ("short lookup", codes(3, lookup="abcd"), "recoveryCodes.3.lookup"),
    ("lookup not base32", codes(3, lookup="abcdu"), "recoveryCodes.3.lookup"),
    ("upper case lookup", codes(3, lookup="ABCDE"), "recoveryCodes.3.lookup"),
    ("short verifier", codes(4, verifier=KEY[:-2]), "recoveryCodes.4.verifier"),
    ("verifier not hex", codes(4, verifier="z" * 64), "recoveryCodes.4.verifier"),
    ("bad sealed key", codes(5, sealedAccountKey="@@@"), "recoveryCodes.5.sealedAccountKey"),
]


def spoiled(what: str, signed_in: bool, query: str, make, bad: list, field: str | None):
    """One BAD_INPUT case for each bad value, put into an otherwise good input by `make`."""
    return [
        (f"{what} {name}", signed_in, query, make(value), "BAD_INPUT", field) for name, value in bad
    ]


CASES = [
    # (case id, signed in?, query, variables, expected code, expected field)
    ("register wrong type", False, REGISTER, alex(username=42), "BAD_REQUEST", None),
    ("register empty username", False, REGISTER, alex(username=""), "BAD_INPUT", "username"),
    ("register oversized username", False, REGISTER, alex(username=LONG), "BAD_INPUT", "username"),
    ("register bad characters", False, REGISTER, alex(username="a b/c"), "BAD_INPUT", "username"),
    ("register empty name", False, REGISTER, alex(displayName="   "), "BAD_INPUT", "displayName"),
    (
        "register oversized name",
        False,
        REGISTER,
        alex(displayName="n" * 101),
        "BAD_INPUT",
        "displayName",
    ),
    ("register control chars", False, REGISTER, alex(displayName="a\x00b"), "BAD_INPUT", None),
    *spoiled("register auth key", False, REGISTER, lambda v: alex(authKey=v), BAD_HEX, "authKey"),
    *spoiled(
        "register seed", False, REGISTER, lambda v: alex(keys=keys(seed=v[:40])), BAD_HEX, None
    ),
    *spoiled(
        "register params", False, REGISTER, lambda v: alex(keys=params(**v)), BAD_PARAMS, None
    ),
    *spoiled(
        "register sealed key",
        False,
        REGISTER,
        lambda v: alex(keys=keys(sealedAccountKey=v)),
        BAD_SEALED,
        None,
    ),
    *[
        (f"register {name}", False, REGISTER, alex(recoveryCodes=v), "BAD_INPUT", field)
        for name, v, field in BAD_CODES
    ],
    ("register replay", False, REGISTER, alex(username="ROBIN"), "USERNAME_TAKEN", "username"),
    ("register unknown role", False, REGISTER, alex(role="ADMIN"), "BAD_REQUEST", None),
    ("register a password", False, REGISTER, alex(password="hi"), "BAD_REQUEST", None),
    (
        "sign in wrong type",
        False,
        SIGN_IN,
        {"i": {"username": ["robin"], "authKey": KEY}},
        "BAD_REQUEST",
        None,
    ),
    *spoiled(
        "sign in auth key",
        False,
        SIGN_IN,
        lambda v: {"i": {"username": "robin", "authKey": v}},
        BAD_HEX,
        "authKey",
    ),
    (
        "sign in a password",
        False,
        SIGN_IN,
        {"i": {"username": "robin", "password": "a calm and quiet river"}},
        "BAD_REQUEST",
        None,
    ),
    (
        "sign in empty username",
        False,
        SIGN_IN,
        {"i": {"username": "", "authKey": KEY}},
        "INVALID_CREDENTIALS",
        None,
    ),
    (
        "sign in oversized username",
        False,
        SIGN_IN,
        {"i": {"username": LONG, "authKey": KEY}},
        "INVALID_CREDENTIALS",
        None,
    ),
    ("sign out signed out", False, SIGN_OUT, None, "UNAUTHENTICATED", None),
    ("change signed out", False, CHANGE, change(), "UNAUTHENTICATED", None),
    ("change wrong type", True, CHANGE, change(currentAuthKey=1), "BAD_REQUEST", None),
    *spoiled("change new key", True, CHANGE, lambda v: change(newAuthKey=v), BAD_HEX, "newAuthKey"),
    *spoiled(
        "change current key", True, CHANGE, lambda v: change(currentAuthKey=v), BAD_HEX, "authKey"
    ),
    *spoiled("change params", True, CHANGE, lambda v: change(keys=params(**v)), BAD_PARAMS, None),
    *spoiled(
        "change sealed key",
        True,
        CHANGE,
        lambda v: change(keys=keys(sealedAccountKey=v)),
        BAD_SEALED,
        "keys.sealedAccountKey",
    ),
    ("change wrong current", True, CHANGE, change(), "INVALID_CREDENTIALS", "authKey"),
    ("revoke signed out", False, REVOKE, {"id": str(uuid.uuid4())}, "UNAUTHENTICATED", None),
    ("revoke wrong type", True, REVOKE, {"id": {"a": 1}}, "BAD_REQUEST", None),
    ("revoke empty id", True, REVOKE, {"id": ""}, "BAD_INPUT", None),
    ("revoke oversized id", True, REVOKE, {"id": LONG}, "BAD_INPUT", None),
    ("revoke unknown id", True, REVOKE, {"id": str(uuid.uuid4())}, "NOT_FOUND", None),
    (
        "regenerate signed out",
        False,
        REGENERATE,
        {"k": KEY, "c": CODES},
        "UNAUTHENTICATED",
        None,
    ),
    ("regenerate wrong type", True, REGENERATE, {"k": 7, "c": CODES}, "BAD_REQUEST", None),
    *spoiled(
        "regenerate key", True, REGENERATE, lambda v: {"k": v, "c": CODES}, BAD_HEX, "authKey"
    ),
    *[
        (f"regenerate {name}", True, REGENERATE, {"k": KEY, "c": v}, "BAD_INPUT", field)
        for name, v, field in BAD_CODES
    ],
    (
        "regenerate wrong key",
        True,
        REGENERATE,
        {"k": KEY, "c": CODES},
        "INVALID_CREDENTIALS",
        "authKey",
    ),
    ("open wrong type", False, OPEN, opening(lookup=5), "BAD_REQUEST", None),
    ("open short lookup", False, OPEN, opening(lookup="abcd"), "BAD_INPUT", "lookup"),
    ("open oversized lookup", False, OPEN, opening(lookup=LONG), "BAD_INPUT", "lookup"),
    *spoiled("open verifier", False, OPEN, lambda v: opening(verifier=v), BAD_HEX, "verifier"),
    ("open unknown user", False, OPEN, opening(username="nobody"), "INVALID_CREDENTIALS", None),
    ("open wrong code", False, OPEN, opening(), "INVALID_CREDENTIALS", None),
    ("recover wrong type", False, RECOVER, {"i": {"username": 1}}, "BAD_REQUEST", None),
    ("recover a code", False, RECOVER, recover(recoveryCode="abcde"), "BAD_REQUEST", None),
    ("recover bad lookup", False, RECOVER, recover(lookup="i0000"), "BAD_INPUT", "lookup"),
    *spoiled(
        "recover verifier", False, RECOVER, lambda v: recover(verifier=v), BAD_HEX, "verifier"
    ),
    *spoiled(
        "recover new key", False, RECOVER, lambda v: recover(newAuthKey=v), BAD_HEX, "newAuthKey"
    ),
    *spoiled(
        "recover sealed key",
        False,
        RECOVER,
        lambda v: recover(keys=keys(sealedAccountKey=v)),
        BAD_SEALED,
        "keys.sealedAccountKey",
    ),
    (
        "recover unknown user",
        False,
        RECOVER,
        recover(username="nobody"),
        "INVALID_CREDENTIALS",
        None,
    ),
    ("recover wrong code", False, RECOVER, recover(), "INVALID_CREDENTIALS", None),
    ("delete signed out", False, DELETE, {"k": KEY}, "UNAUTHENTICATED", None),
    ("delete wrong type", True, DELETE, {"k": None}, "BAD_REQUEST", None),
    *spoiled("delete key", True, DELETE, lambda v: {"k": v}, BAD_HEX, "authKey"),
    ("delete wrong key", True, DELETE, {"k": KEY}, "INVALID_CREDENTIALS", "authKey"),
]


@pytest.mark.parametrize(
    ("signed_in", "query", "variables", "expected", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_bad_input_is_refused_with_a_code_and_writes_nothing(
    client, other_client, signed_in, query, variables, expected, field
):
    await register(client)
    caller = client if signed_in else other_client
    before = await row_counts()
    result = await gql(caller, query, variables)
    assert error_code(result) == expected, result
    assert result["errors"][0]["message"]
    if field is not None:
        assert result["errors"][0]["extensions"]["field"] == field, result
    assert result.get("data") is None
    assert await row_counts() == before
    # The account still works exactly as before.
    assert (await gql(client, ME))["data"]["me"]["username"] == "robin"


@pytest.mark.parametrize(
    "query",
    [
        "{ mySessions { id } }",
        "{ recoveryCodesLeft }",
        "{ exportMyData }",
    ],
)
async def test_private_queries_need_a_session(client, query):
    assert error_code(await gql(client, query)) == "UNAUTHENTICATED"


async def test_deleting_twice_is_refused_the_second_time(client):
    await register(client)
    key = await auth_key(client, "robin")
    assert (await gql(client, DELETE, {"k": key}))["data"]["deleteAccount"] is True
    assert error_code(await gql(client, DELETE, {"k": key})) == "UNAUTHENTICATED"


async def test_a_stale_cookie_after_deletion_is_just_signed_out(client):
    await register(client)
    token = client.cookies["between_session"]
    await gql(client, DELETE, {"k": await auth_key(client, "robin")})
    client.cookies.set("between_session", token)
    assert (await gql(client, ME))["data"]["me"] is None
