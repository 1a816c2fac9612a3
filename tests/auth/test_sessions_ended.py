"""Every way a session ends is reported to `Accounts.sessions_ended`, after it commits.

The hook lets open websockets of ended sessions be closed on every server process, so
each path must report exactly the sessions it ended, and only once they are gone.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.backends.base.client import TransactionalDBClient

from server.auth.models import Session
from server.auth.sessions import find_session
from server.clock import now
from tests.conftest import make_client
from tests.graphql_client import (
    auth_key,
    change_password_input,
    error_code,
    gql,
    recovery_input,
    register,
    sign_in,
)

CHANGE_PASSWORD = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) }"
RECOVER = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
REVOKE = "mutation($id: ID!) { revokeSession(id: $id) }"
DELETE = "mutation($k: String!) { deleteAccount(authKey: $k) }"


class Recorder:
    """A hook that remembers what it was told, and checks it was told after the commit."""

    def __init__(self) -> None:
        self.calls: list[set] = []

    async def __call__(self, ids) -> None:
        assert not isinstance(Session._meta.db, TransactionalDBClient), "told before commit"
        assert await Session.filter(id__in=ids).count() == 0, "told of sessions still there"
        self.calls.append(set(ids))

    @property
    def ended(self) -> set:
        return set().union(*self.calls)


def recorder(app) -> Recorder:
    hook = Recorder()
    app.state.accounts.sessions_ended.append(hook)
    return hook


async def session_ids(username: str) -> set:
    return set(await Session.filter(account__username=username).values_list("id", flat=True))


async def test_sign_out_reports_the_device_session(app, client, other_client):
    await register(client, username="robin")
    await register(other_client, username="alex")
    mine = await session_ids("robin")
    hook = recorder(app)
    assert (await gql(client, "mutation { signOut }"))["data"]["signOut"] is True
    assert hook.calls == [mine]


async def test_signing_in_again_reports_the_replaced_session(app, client):
    await register(client, username="robin")
    before = await session_ids("robin")
    hook = recorder(app)
    assert "errors" not in await sign_in(client, "robin")
    assert hook.calls == [before]


async def test_revoking_reports_the_revoked_session(app, client, other_client):
    await register(client, username="robin")
    mine = await session_ids("robin")
    await sign_in(other_client, "robin")
    (theirs,) = await session_ids("robin") - mine
    hook = recorder(app)
    assert (await gql(client, REVOKE, {"id": str(theirs)}))["data"]["revokeSession"] is True
    assert hook.calls == [{theirs}]


async def test_changing_the_password_reports_every_old_session(app, client, other_client):
    await register(client, username="robin")
    await sign_in(other_client, "robin")
    old = await session_ids("robin")
    hook = recorder(app)
    variables = {"i": await change_password_input(client, "another calm sentence")}
    assert (await gql(client, CHANGE_PASSWORD, variables))["data"]["changePassword"] is True
    # The device that changed it goes on with a new session; both old ones ended.
    assert hook.ended == old and len(old) == 2
    assert len(await session_ids("robin")) == 1 and not (await session_ids("robin")) & old


async def test_a_refused_change_reports_nothing(app, client):
    await register(client, username="robin")
    hook = recorder(app)
    variables = {"i": await change_password_input(client, "another one here")}
    variables["i"]["currentAuthKey"] = await auth_key(client, "robin", "not the password")
    assert error_code(await gql(client, CHANGE_PASSWORD, variables)) == "INVALID_CREDENTIALS"
    assert hook.calls == []


async def test_recovering_reports_every_old_session(app, client, other_client):
    registered = await register(client, username="robin")
    codes, account_key = registered["recoveryCodes"], registered["accountKey"]
    async with make_client(app) as third:
        await sign_in(third, "robin")
        old = await session_ids("robin")
        hook = recorder(app)
        guess = recovery_input(codes[0], "a new calm one", account_key)
        assert "errors" not in await gql(other_client, RECOVER, {"i": guess})
    assert hook.ended == old and len(old) == 2
    # A code used twice is refused inside the transaction: nothing ended, nothing told.
    assert error_code(await gql(other_client, RECOVER, {"i": guess})) == "INVALID_CREDENTIALS"
    assert hook.ended == old


async def test_deleting_the_account_reports_all_its_sessions(app, client, other_client):
    await register(client, username="robin")
    await sign_in(other_client, "robin")
    async with make_client(app) as alex:
        await register(alex, username="alex")
    robins = await session_ids("robin")
    hook = recorder(app)
    assert (await gql(client, DELETE, {"k": await auth_key(client, "robin")}))["data"][
        "deleteAccount"
    ] is True
    assert hook.ended == robins and len(robins) == 2


async def test_an_expired_session_is_reported_when_found(app, client):
    await register(client, username="robin")
    (expired,) = await session_ids("robin")
    await Session.filter(id=expired).update(expires_at=now() - timedelta(seconds=1))
    hook = Recorder()
    token = client.cookies["between_session"]
    found = await find_session(token, app.state.accounts.expiry, sessions_ended=[hook])
    assert found is None
    assert hook.calls == [{expired}]


async def test_a_failing_hook_does_not_stop_the_others_or_the_request(app, client):
    await register(client, username="robin")
    mine = await session_ids("robin")

    async def broken(ids):
        raise RuntimeError("a hook that fails")

    app.state.accounts.sessions_ended.append(broken)
    hook = recorder(app)
    assert (await gql(client, "mutation { signOut }"))["data"]["signOut"] is True
    assert hook.calls == [mine]


async def test_a_new_session_past_the_cap_signs_out_the_least_recently_seen(app, client):
    app.state.accounts.max_sessions = 3
    await register(client, username="robin")
    devices = [make_client(app) for _ in range(3)]
    try:
        for device in devices:
            assert "errors" not in await sign_in(device, "robin")
        by_age = await Session.filter(account__username="robin").order_by("created_at")
        assert len(by_age) == 3  # the registering device's session was the first signed out
        # The oldest sign-in was used most recently, so the next oldest is the one to go.
        await Session.filter(id=by_age[0].id).update(last_seen_at=now() + timedelta(seconds=1))
        hook = recorder(app)
        async with make_client(app) as newest:
            assert "errors" not in await sign_in(newest, "robin")
            assert (await gql(newest, "{ me { username } }"))["data"]["me"]
        assert hook.calls == [{by_age[1].id}]
        assert len(await session_ids("robin")) == 3
        assert (await gql(devices[0], "{ me { username } }"))["data"]["me"]
        assert (await gql(devices[1], "{ me { username } }"))["data"]["me"] is None
        assert (await gql(devices[2], "{ me { username } }"))["data"]["me"]
    finally:
        for device in devices:
            await device.aclose()


async def test_the_cap_is_per_account(app, client, other_client):
    app.state.accounts.max_sessions = 1
    await register(client, username="robin")
    await register(other_client, username="alex")
    async with make_client(app) as device:
        await sign_in(device, "robin")
    assert len(await session_ids("robin")) == 1
    assert (await gql(other_client, "{ me { username } }"))["data"]["me"]["username"] == "alex"
