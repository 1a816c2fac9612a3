"""Every account mutation against bad input: a typed error each time, and nothing written.

Each case runs against a registered, signed-in account ("robin"); `signed_in=False`
cases run from a second device that never signed in.
"""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import row_counts
from tests.graphql_client import ME, PASSWORD, error_code, gql, new_account, register

REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { recoveryCodes } }"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { id } }"
SIGN_OUT = "mutation { signOut }"
CHANGE = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
REGENERATE = "mutation($p: String!) { regenerateRecoveryCodes(password: $p) }"
RECOVER = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
DELETE = "mutation($p: String!) { deleteAccount(password: $p) }"

LONG = "x" * 10_000


def alex(**changes) -> dict:
    base = new_account("alex", "another gentle password", display_name="Alex")
    return {"i": {**base, **changes}}


def change(current=PASSWORD, new="a different long password") -> dict:
    return {"i": {"currentPassword": current, "newPassword": new}}


def recover(code="0000-0000-0000-0000", new="a different long password", username="robin"):
    return {"i": {"username": username, "recoveryCode": code, "newPassword": new}}


CASES = [
    # (case id, signed in?, query, variables, expected code)
    ("register wrong type", False, REGISTER, alex(username=42), "BAD_REQUEST"),
    ("register empty username", False, REGISTER, alex(username=""), "BAD_INPUT"),
    ("register oversized username", False, REGISTER, alex(username=LONG), "BAD_INPUT"),
    ("register bad characters", False, REGISTER, alex(username="a b/c"), "BAD_INPUT"),
    ("register empty name", False, REGISTER, alex(displayName="   "), "BAD_INPUT"),
    ("register oversized name", False, REGISTER, alex(displayName="n" * 101), "BAD_INPUT"),
    ("register control chars", False, REGISTER, alex(displayName="a\x00b"), "BAD_INPUT"),
    ("register empty password", False, REGISTER, alex(password=""), "WEAK_PASSWORD"),
    ("register short password", False, REGISTER, alex(password="short"), "WEAK_PASSWORD"),
    (
        "register common password",
        False,
        REGISTER,
        alex(password="iloveyou2"),
        "WEAK_PASSWORD",
    ),
    ("register oversized password", False, REGISTER, alex(password=LONG), "WEAK_PASSWORD"),
    ("register replay", False, REGISTER, alex(username="ROBIN"), "USERNAME_TAKEN"),
    ("register unknown role", False, REGISTER, alex(role="ADMIN"), "BAD_REQUEST"),
    (
        "sign in wrong type",
        False,
        SIGN_IN,
        {"i": {"username": ["robin"], "password": PASSWORD}},
        "BAD_REQUEST",
    ),
    (
        "sign in empty",
        False,
        SIGN_IN,
        {"i": {"username": "", "password": ""}},
        "INVALID_CREDENTIALS",
    ),
    (
        "sign in oversized",
        False,
        SIGN_IN,
        {"i": {"username": LONG, "password": LONG * 20}},
        "INVALID_CREDENTIALS",
    ),
    ("sign out signed out", False, SIGN_OUT, None, "UNAUTHENTICATED"),
    ("change signed out", False, CHANGE, change(), "UNAUTHENTICATED"),
    (
        "change wrong type",
        True,
        CHANGE,
        {"i": {"currentPassword": 1, "newPassword": 2}},
        "BAD_REQUEST",
    ),
    ("change empty new", True, CHANGE, change(new=""), "WEAK_PASSWORD"),
    ("change oversized new", True, CHANGE, change(new=LONG), "WEAK_PASSWORD"),
    ("change empty current", True, CHANGE, change(current=""), "INVALID_CREDENTIALS"),
    ("change oversized current", True, CHANGE, change(current=LONG), "INVALID_CREDENTIALS"),
    ("revoke signed out", False, REVOKE, {"id": str(uuid.uuid4())}, "UNAUTHENTICATED"),
    ("revoke wrong type", True, REVOKE, {"id": {"a": 1}}, "BAD_REQUEST"),
    ("revoke empty id", True, REVOKE, {"id": ""}, "BAD_INPUT"),
    ("revoke oversized id", True, REVOKE, {"id": LONG}, "BAD_INPUT"),
    ("revoke unknown id", True, REVOKE, {"id": str(uuid.uuid4())}, "NOT_FOUND"),
    ("regenerate signed out", False, REGENERATE, {"p": PASSWORD}, "UNAUTHENTICATED"),
    ("regenerate wrong type", True, REGENERATE, {"p": 7}, "BAD_REQUEST"),
    ("regenerate empty", True, REGENERATE, {"p": ""}, "INVALID_CREDENTIALS"),
    ("regenerate oversized", True, REGENERATE, {"p": LONG}, "INVALID_CREDENTIALS"),
    ("recover wrong type", False, RECOVER, {"i": {"username": 1}}, "BAD_REQUEST"),
    ("recover empty code", False, RECOVER, recover(code=""), "INVALID_CREDENTIALS"),
    ("recover oversized code", False, RECOVER, recover(code=LONG), "INVALID_CREDENTIALS"),
    ("recover unknown user", False, RECOVER, recover(username="nobody"), "INVALID_CREDENTIALS"),
    ("recover empty new", False, RECOVER, recover(new=""), "WEAK_PASSWORD"),
    ("recover oversized new", False, RECOVER, recover(new=LONG), "WEAK_PASSWORD"),
    ("delete signed out", False, DELETE, {"p": PASSWORD}, "UNAUTHENTICATED"),
    ("delete wrong type", True, DELETE, {"p": None}, "BAD_REQUEST"),
    ("delete empty", True, DELETE, {"p": ""}, "INVALID_CREDENTIALS"),
    ("delete oversized", True, DELETE, {"p": LONG}, "INVALID_CREDENTIALS"),
]


@pytest.mark.parametrize(
    ("signed_in", "query", "variables", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_bad_input_is_refused_with_a_code_and_writes_nothing(
    client, other_client, signed_in, query, variables, expected
):
    await register(client)
    caller = client if signed_in else other_client
    before = await row_counts()
    result = await gql(caller, query, variables)
    assert error_code(result) == expected, result
    assert result["errors"][0]["message"]
    assert result.get("data") is None
    assert await row_counts() == before
    # The account still works exactly as before.
    assert (await gql(client, ME))["data"]["me"]["username"] == "robin"


@pytest.mark.parametrize(
    "query",
    ["{ mySessions { id } }", "{ recoveryCodesLeft }", "{ exportMyData }"],
)
async def test_private_queries_need_a_session(client, query):
    assert error_code(await gql(client, query)) == "UNAUTHENTICATED"


async def test_deleting_twice_is_refused_the_second_time(client):
    await register(client)
    assert (await gql(client, DELETE, {"p": PASSWORD}))["data"]["deleteAccount"] is True
    assert error_code(await gql(client, DELETE, {"p": PASSWORD})) == "UNAUTHENTICATED"


async def test_a_stale_cookie_after_deletion_is_just_signed_out(client):
    await register(client)
    token = client.cookies["between_session"]
    await gql(client, DELETE, {"p": PASSWORD})
    client.cookies.set("between_session", token)
    assert (await gql(client, ME))["data"]["me"] is None
