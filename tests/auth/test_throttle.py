"""Rate limits on guesses: per account, per address, and no long lock-out of the real user."""

from __future__ import annotations

import asyncio

import pytest
from limits import parse

from server.auth.throttle import GuessLimits, GuessThrottle
from server.errors import AppError, ErrorCode
from server.settings import Settings
from tests.graphql_client import (
    PASSWORD,
    REGENERATE,
    error_code,
    gql,
    recovery_input,
    regenerate_input,
    register,
    sign_in,
)
from tests.sealed import device


@pytest.fixture
def settings(database_url) -> Settings:
    # Room in the hashing pool for every guess one address may make at once (an eighth
    # of the places each), so that only the guess limits decide here.
    return Settings(database_url=database_url, password_hash_queue=62)


async def test_repeated_failures_are_rate_limited_through_the_api(client, other_client):
    await register(client, username="robin")
    await register(client, username="alex")
    limit = GuessLimits().per_account_and_ip.amount
    for _ in range(limit):
        result = await sign_in(other_client, "robin", "wrong password here")
        assert error_code(result) == "INVALID_CREDENTIALS"
    # Even the right password is refused now, and the answer says when to come back.
    blocked = await sign_in(other_client, "robin", PASSWORD)
    assert error_code(blocked) == "RATE_LIMITED"
    assert blocked["errors"][0]["extensions"]["retryAfterSeconds"] >= 1
    # An unknown name gets the same treatment, so the limit reveals nothing either.
    for _ in range(limit):
        await sign_in(other_client, "nobody", "wrong password here")
    assert error_code(await sign_in(other_client, "nobody", PASSWORD)) == "RATE_LIMITED"
    # Another account from the same address is unaffected.
    assert "errors" not in await sign_in(other_client, "alex")


async def test_recovery_guesses_are_rate_limited(client, other_client):
    await register(client)
    query = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
    guess = {"i": recovery_input(device.new_code(), "a long new password", bytes(32))}
    codes = [
        error_code(await gql(other_client, query, guess))
        for _ in range(GuessLimits().per_account_and_ip.amount + 1)
    ]
    assert codes[:-1] == ["INVALID_CREDENTIALS"] * (len(codes) - 1)
    assert codes[-1] == "RATE_LIMITED"


def short_limits() -> GuessLimits:
    return GuessLimits(
        per_ip=parse("100/2 seconds"),
        per_account_and_ip=parse("3/2 seconds"),
        per_account=parse("5/2 seconds"),
    )


async def refused(throttle: GuessThrottle, account: str, ip: str, scope: str = "sign-in") -> bool:
    """Whether one more try is refused (the try itself counts)."""
    try:
        await throttle.attempt(scope, account, ip)
    except AppError as error:
        assert error.code is ErrorCode.RATE_LIMITED
        return True
    return False


@pytest.fixture
def budgets(app):
    """The app's budgets: in the database on PostgreSQL, in memory on SQLite."""
    return app.state.accounts.throttle.budgets


async def test_a_lockout_ends_when_the_window_passes(budgets):
    throttle = GuessThrottle(budgets, limits=short_limits())
    for _ in range(3):
        assert not await refused(throttle, "robin", "192.0.2.1")
    assert await refused(throttle, "robin", "192.0.2.1")
    await asyncio.sleep(2.2)
    assert not await refused(throttle, "robin", "192.0.2.1")


async def test_a_flood_from_elsewhere_does_not_lock_out_a_known_address(budgets):
    throttle = GuessThrottle(budgets, limits=short_limits())
    await throttle.succeeded("sign-in", "robin", "198.51.100.7")
    for n in range(10):
        await refused(throttle, "robin", f"203.0.113.{n}")
    # A new address is held back by the account-wide budget...
    assert await refused(throttle, "robin", "203.0.113.200")
    # ...but the address the person signed in from before still gets through.
    assert not await refused(throttle, "robin", "198.51.100.7")


async def test_one_address_spraying_many_accounts_is_limited(budgets):
    throttle = GuessThrottle(
        budgets, limits=GuessLimits(per_ip=parse("5/minute"), per_account_and_ip=parse("5/minute"))
    )
    for n in range(5):
        assert not await refused(throttle, f"user{n}", "192.0.2.9")
    assert await refused(throttle, "someone-else", "192.0.2.9")
    assert not await refused(throttle, "someone-else", "192.0.2.10")


@pytest.mark.parametrize("scope", ["sign-in", "recover", "confirm-password"])
async def test_scopes_are_counted_apart(scope, budgets):
    throttle = GuessThrottle(budgets, limits=short_limits())
    for _ in range(3):
        assert not await refused(throttle, "robin", "192.0.2.1", scope)
    others = {"sign-in", "recover", "confirm-password"} - {scope}
    assert await refused(throttle, "robin", "192.0.2.1", scope)
    for other in others:
        assert not await refused(throttle, "robin", "192.0.2.1", other)


async def test_concurrent_tries_never_take_more_than_the_budget(budgets):
    item = parse("8/minute")
    waits = await asyncio.gather(*(budgets.spend(item, "robin") for _ in range(30)))
    assert waits.count(None) == 8
    assert all(0 < wait <= 60 for wait in waits if wait is not None)
    # A refused try is not counted: another key is untouched, and a cost larger than
    # the whole budget is refused without spending anything.
    assert await budgets.spend(item, "alex", cost=9) is not None
    assert await budgets.spend(item, "alex", cost=8) is None


async def test_concurrent_wrong_passwords_are_each_counted_before_checking(client, other_client):
    await register(client)
    budget = GuessLimits().per_account_and_ip.amount
    results = await asyncio.gather(
        *(sign_in(other_client, "robin", f"wrong password {n}") for n in range(budget + 12))
    )
    codes = sorted(error_code(r) for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * budget + ["RATE_LIMITED"] * 12


async def test_concurrent_recovery_guesses_are_each_counted_before_checking(client, other_client):
    await register(client)
    budget = GuessLimits().per_account_and_ip.amount
    query = "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { id } }"
    guess = {"i": recovery_input(device.new_code(), "a long new password", bytes(32))}
    results = await asyncio.gather(*(gql(other_client, query, guess) for _ in range(budget + 6)))
    codes = sorted(error_code(r) for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * budget + ["RATE_LIMITED"] * 6


async def test_concurrent_confirm_password_guesses_are_each_counted_before_checking(client):
    await register(client)
    budget = GuessLimits().per_account_and_ip.amount
    guesses = [await regenerate_input(client, f"not my password {n}") for n in range(budget + 6)]
    results = await asyncio.gather(*(gql(client, REGENERATE, guess) for guess in guesses))
    codes = sorted(error_code(r) for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * budget + ["RATE_LIMITED"] * 6


async def test_a_right_password_counts_as_a_try_too(client, other_client):
    await register(client)
    budget = GuessLimits().per_account_and_ip.amount
    for _ in range(budget):
        assert "errors" not in await sign_in(other_client, "robin")
    # Counting every try, right or wrong, is what makes concurrent guesses countable.
    assert error_code(await sign_in(other_client, "robin")) == "RATE_LIMITED"
