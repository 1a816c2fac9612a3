"""Accounts through the real ASGI app: the whole life of an account, on both databases."""

from __future__ import annotations

from server.auth.models import Account, RecoveryCode, Session
from tests.conftest import row_counts
from tests.graphql_client import (
    ME,
    PASSWORD,
    REGENERATE,
    auth_key,
    change_password_input,
    error_code,
    gql,
    new_codes,
    recovery_input,
    register,
    register_response,
    sign_in,
)
from tests.sealed import device

SESSIONS = "{ mySessions { id deviceLabel current } }"
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) }
"""
RECOVER = """
mutation Recover($input: RecoverAccountInput!) { recoverAccount(input: $input) { username } }
"""
OPEN_RECOVERY = "mutation Open($input: OpenRecoveryInput!) { openRecovery(input: $input) }"
REVOKE = "mutation Revoke($id: ID!) { revokeSession(id: $id) }"
DELETE = "mutation Delete($key: String!) { deleteAccount(authKey: $key) }"
EXPORT = "{ exportMyData }"


async def test_register_signs_in_and_keeps_only_hashes_and_sealed_keys(client):
    registered = await register(client, username="Robin.K", display_name="  Robin  K ")
    assert registered["account"]["username"] == "robin.k"
    assert registered["account"]["displayName"] == "Robin K"
    assert registered["account"]["role"] == "CLIENT"
    me = await gql(client, ME)
    assert me["data"]["me"]["username"] == "robin.k"
    codes = registered["recoveryCodes"]
    stored = await RecoveryCode.all().values_list("code_hash", "lookup", "sealed_account_key")
    assert len(stored) == 10
    assert {lookup for _h, lookup, _s in stored} == {code[:5] for code in codes}
    # Nothing the server keeps is a code, a verifier or an account key.
    verifiers = [device.reference.recovery_keys(code).verifier for code in codes]
    text = str(stored)
    assert not any(secret in text for secret in codes + verifiers)
    assert registered["accountKey"].hex() not in text
    assert all(h.startswith("$argon2id$") for h, _l, _s in stored)
    account = await Account.get(username="robin.k")
    assert account.password_hash.startswith("$argon2id$")
    assert account.sealed_account_key == registered["account"]["sealedAccountKey"]


async def test_session_cookie_is_httponly_strict_and_only_its_hash_is_stored(client):
    response = await register_response(client, username="sam", role="THERAPIST")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("between_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    token = response.cookies["between_session"]
    hashes = await Session.all().values_list("token_hash", flat=True)
    assert token not in hashes and len(hashes) == 1


async def test_sign_in_is_case_insensitive_and_rotates_the_session(client):
    await register(client, username="robin")
    first = client.cookies["between_session"]
    result = await sign_in(client, "ROBIN")
    assert result["data"]["signIn"]["username"] == "robin"
    assert client.cookies["between_session"] != first
    # The session the device had before signing in again is gone from the server.
    assert await Session.all().count() == 1


async def test_unknown_user_and_wrong_password_get_the_same_answer(client, other_client):
    await register(client, username="robin")
    wrong = await sign_in(other_client, "robin", "not the password at all")
    unknown = await sign_in(other_client, "nobody-here", "not the password at all")
    assert error_code(wrong) == error_code(unknown) == "INVALID_CREDENTIALS"
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert wrong["data"] == unknown["data"] is None


async def test_sign_out_ends_the_session_on_the_server(client):
    await register(client)
    token = client.cookies["between_session"]
    result = await gql(client, "mutation { signOut }")
    assert result["data"]["signOut"] is True
    assert await Session.all().count() == 0
    # Replaying the old cookie gets nothing.
    client.cookies.set("between_session", token)
    assert (await gql(client, ME))["data"]["me"] is None
    again = await gql(client, "mutation { signOut }")
    assert error_code(again) == "UNAUTHENTICATED"


async def test_change_password_signs_out_other_sessions(client, other_client):
    await register(client)
    await sign_in(other_client, "robin")
    new = "another long gentle sentence"
    result = await gql(client, CHANGE_PASSWORD, {"input": await change_password_input(client, new)})
    assert result["data"]["changePassword"] is True
    assert (await gql(client, ME))["data"]["me"]["username"] == "robin"
    assert (await gql(other_client, ME))["data"]["me"] is None
    assert error_code(await sign_in(other_client, "robin", PASSWORD)) == "INVALID_CREDENTIALS"
    assert "errors" not in await sign_in(other_client, "robin", new)


async def test_change_password_refuses_a_wrong_current_key_or_the_same_seed(client):
    await register(client)
    before = await row_counts()
    variables = {"input": await change_password_input(client, "fine new password")}
    variables["input"]["currentAuthKey"] = await auth_key(client, "robin", "wrong wrong wrong")
    wrong = await gql(client, CHANGE_PASSWORD, variables)
    assert error_code(wrong) == "INVALID_CREDENTIALS"
    variables = {"input": await change_password_input(client, "fine new password")}
    variables["input"]["keys"]["seed"] = (await Account.get()).key_seed
    same_seed = await gql(client, CHANGE_PASSWORD, variables)
    assert error_code(same_seed) == "BAD_INPUT"
    assert same_seed["errors"][0]["extensions"]["field"] == "keys.seed"
    assert await row_counts() == before
    assert "errors" not in await sign_in(client, "robin", PASSWORD)


async def test_sessions_are_listed_and_one_can_be_revoked(client, other_client):
    await register(client)
    await other_client.post(
        "/graphql",
        json={
            "query": "mutation($i: SignInInput!) { signIn(input: $i) { id } }",
            "variables": {
                "i": {"username": "robin", "authKey": await auth_key(other_client, "robin")}
            },
        },
        headers={"user-agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537"},
    )
    sessions = (await gql(client, SESSIONS))["data"]["mySessions"]
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    assert other["deviceLabel"] == "Chrome on Android"
    result = await gql(client, REVOKE, {"id": other["id"]})
    assert result["data"]["revokeSession"] is True
    assert (await gql(other_client, ME))["data"]["me"] is None
    replay = await gql(client, REVOKE, {"id": other["id"]})
    assert error_code(replay) == "NOT_FOUND"


async def test_revoking_someone_elses_session_looks_like_an_unknown_one(client, other_client):
    await register(client, username="robin")
    await register(other_client, username="alex")
    alex_session = (await gql(other_client, SESSIONS))["data"]["mySessions"][0]["id"]
    result = await gql(client, REVOKE, {"id": alex_session})
    assert error_code(result) == "NOT_FOUND"
    assert (await gql(other_client, ME))["data"]["me"]["username"] == "alex"
    bad = await gql(client, REVOKE, {"id": "not-a-uuid"})
    assert error_code(bad) == "BAD_INPUT"


async def test_recovery_code_recovers_the_account_and_its_key_once(client, other_client):
    registered = await register(client)
    codes, account_key = registered["recoveryCodes"], registered["accountKey"]
    new = "a brand new long password"
    keys = device.reference.recovery_keys(codes[3].upper())
    opened = await gql(
        other_client,
        OPEN_RECOVERY,
        {"input": {"username": "robin", "lookup": keys.lookup, "verifier": keys.verifier}},
    )
    assert device.open_with_code(codes[3], opened["data"]["openRecovery"]) == account_key
    # Opening uses nothing up.
    assert (await gql(client, "{ recoveryCodesLeft }"))["data"]["recoveryCodesLeft"] == 10
    variables = {"input": recovery_input(codes[3].upper(), new, account_key)}
    result = await gql(other_client, RECOVER, variables)
    assert result["data"]["recoverAccount"]["username"] == "robin"
    # Every old session is signed out; the recovering device is signed in.
    assert (await gql(client, ME))["data"]["me"] is None
    assert (await gql(other_client, ME))["data"]["me"]["username"] == "robin"
    assert (await gql(other_client, "{ recoveryCodesLeft }"))["data"]["recoveryCodesLeft"] == 9
    # The same code a second time is refused, and changes nothing.
    before = await row_counts()
    replay = await gql(
        client, RECOVER, {"input": recovery_input(codes[3], "yet another one", account_key)}
    )
    assert error_code(replay) == "INVALID_CREDENTIALS"
    reopen = await gql(
        client,
        OPEN_RECOVERY,
        {"input": {"username": "robin", "lookup": keys.lookup, "verifier": keys.verifier}},
    )
    assert error_code(reopen) == "INVALID_CREDENTIALS"
    assert await row_counts() == before
    assert "errors" not in await sign_in(client, "robin", new)


async def test_recovery_with_a_wrong_code_or_user_gets_the_same_answer(client, other_client):
    registered = await register(client)
    codes, account_key = registered["recoveryCodes"], registered["accountKey"]
    attempts = [
        # The right lookup with another secret, a code of no one's, a stranger's name.
        ("robin", codes[0][:5] + "-00000-00000-00000-00000"),
        ("robin", device.new_code()),
        ("nobody", codes[0]),
    ]
    answers = set()
    for username, code in attempts:
        keys = device.reference.recovery_keys(code)
        opening = {"username": username, "lookup": keys.lookup, "verifier": keys.verifier}
        for query, variables in (
            (OPEN_RECOVERY, {"input": opening}),
            (RECOVER, {"input": recovery_input(code, "a fine password", account_key, username)}),
        ):
            result = await gql(other_client, query, variables)
            answers.add((error_code(result), result["errors"][0]["message"]))
    assert answers == {
        ("INVALID_CREDENTIALS", "That username and recovery code don't match an account.")
    }
    assert "errors" not in await sign_in(other_client, "robin")


async def test_regenerating_codes_replaces_the_old_ones(client, other_client):
    registered = await register(client)
    old, account_key = registered["recoveryCodes"], registered["accountKey"]
    new, inputs = new_codes(account_key)
    wrong_key = await auth_key(client, "robin", "not my password")
    wrong = await gql(client, REGENERATE, {"key": wrong_key, "codes": inputs})
    assert error_code(wrong) == "INVALID_CREDENTIALS"
    right = await gql(client, REGENERATE, {"key": await auth_key(client, "robin"), "codes": inputs})
    assert right["data"]["regenerateRecoveryCodes"] is True
    result = await gql(
        other_client, RECOVER, {"input": recovery_input(old[0], "a fine password", account_key)}
    )
    assert error_code(result) == "INVALID_CREDENTIALS"
    result = await gql(
        other_client, RECOVER, {"input": recovery_input(new[0], "a fine password", account_key)}
    )
    assert "errors" not in result


async def test_export_has_the_account_and_no_secrets(client):
    await register(client)
    document = (await gql(client, EXPORT))["data"]["exportMyData"]
    assert document["format"] == "between-export"
    assert document["account"]["username"] == "robin"
    assert len(document["sessions"]) == 1
    assert len(document["recoveryCodes"]) == 10
    text = str(document)
    assert "argon2" not in text and client.cookies["between_session"] not in text
    hashes = await Session.all().values_list("token_hash", flat=True)
    assert hashes[0] not in text


async def test_delete_account_removes_everything_of_theirs_only(client, other_client):
    await register(client, username="robin")
    await register(other_client, username="alex")
    wrong = await gql(client, DELETE, {"key": await auth_key(client, "robin", "not my password")})
    assert error_code(wrong) == "INVALID_CREDENTIALS"
    assert await Account.all().count() == 2
    result = await gql(client, DELETE, {"key": await auth_key(client, "robin")})
    assert result["data"]["deleteAccount"] is True
    assert await Account.filter(username="robin").count() == 0
    robin_left = await row_counts()
    # Alex's account, one session and ten codes remain; nothing of Robin's does.
    expected = {"Account": 1, "Session": 1, "RecoveryCode": 10}
    assert robin_left == {name: expected.get(name, 0) for name in robin_left}
    assert (await gql(client, ME))["data"]["me"] is None
    assert error_code(await sign_in(client, "robin")) == "INVALID_CREDENTIALS"


async def test_password_hash_is_upgraded_on_sign_in_when_parameters_change(client, app):
    from argon2 import PasswordHasher

    await register(client)
    key = await auth_key(client, "robin")
    weak_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(key)
    await Account.filter(username="robin").update(password_hash=weak_hash)
    assert "errors" not in await sign_in(client, "robin")
    upgraded = (await Account.get(username="robin")).password_hash
    assert upgraded != weak_hash
    assert not app.state.accounts.hasher.needs_rehash(upgraded)


async def test_idle_and_absolute_expiry_sign_the_device_out(client, other_client):
    from datetime import timedelta

    from server.clock import now

    await register(client, username="robin")
    await register(other_client, username="alex")
    idle_days = 30
    await Session.filter(account__username="robin").update(
        last_seen_at=now() - timedelta(days=idle_days, minutes=1)
    )
    await Session.filter(account__username="alex").update(expires_at=now() - timedelta(seconds=1))
    assert (await gql(client, ME))["data"]["me"] is None
    assert (await gql(other_client, ME))["data"]["me"] is None
    # Expired sessions are removed, not just ignored.
    assert await Session.all().count() == 0


async def test_a_used_session_stays_alive_past_the_idle_time(client):
    from datetime import timedelta

    from server.clock import now

    await register(client)
    await Session.all().update(last_seen_at=now() - timedelta(days=29))
    assert (await gql(client, ME))["data"]["me"]["username"] == "robin"
    session = await Session.get()
    assert now() - session.last_seen_at < timedelta(minutes=1)


async def test_replaying_a_password_change_is_refused(client):
    await register(client)
    variables = {"input": await change_password_input(client, "the second password")}
    assert (await gql(client, CHANGE_PASSWORD, variables))["data"]["changePassword"] is True
    before = await row_counts()
    # The seed it carries is the account's now: refused before any key is checked.
    assert error_code(await gql(client, CHANGE_PASSWORD, variables)) == "BAD_INPUT"
    variables["input"]["keys"]["seed"] = "0" * 32
    assert error_code(await gql(client, CHANGE_PASSWORD, variables)) == "INVALID_CREDENTIALS"
    assert await row_counts() == before


async def test_changing_the_password_gives_this_device_a_new_session(client):
    await register(client)
    old_token = client.cookies["between_session"]
    variables = {"input": await change_password_input(client, "the second password")}
    body = {"query": CHANGE_PASSWORD, "variables": variables}
    response = await client.post("/graphql", json=body)
    assert response.json()["data"]["changePassword"] is True
    new_token = response.cookies["between_session"]
    assert new_token != old_token
    assert (await gql(client, ME))["data"]["me"]["username"] == "robin"
    client.cookies.set("between_session", old_token)
    assert (await gql(client, ME))["data"]["me"] is None
