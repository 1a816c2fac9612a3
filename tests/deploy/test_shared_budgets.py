"""Two server processes on one PostgreSQL spend one rate-limit budget, and an address
trusted by a sign-in on one is trusted by the other."""

from __future__ import annotations

import itertools

import httpx
import pytest

from server.auth.throttle import GuessLimits
from server.db import migrate
from tests.conftest import scratch_postgres
from tests.graphql_client import error_code, register, sign_in
from tests.serving import start_server

LIMITS = GuessLimits()


@pytest.fixture
def two_servers(tmp_path):
    with scratch_postgres() as url:
        migrate(url)
        with (
            start_server(url, tmp_path / "a") as first,
            start_server(url, tmp_path / "b") as second,
        ):
            yield first, second


def from_address(base: str, address: str) -> httpx.AsyncClient:
    # Both servers trust loopback as their proxy, so X-Forwarded-For names the client.
    return httpx.AsyncClient(
        base_url=base, headers={"x-forwarded-for": address, "origin": base}, timeout=30
    )


@pytest.mark.postgres_only
async def test_guesses_spend_one_budget_across_processes(two_servers):
    first, _ = two_servers
    async with from_address(first, "198.51.100.7") as robin:
        await register(robin, username="robin")

    # One address guessing one account: the budget is one budget, whichever process.
    servers = itertools.cycle(two_servers)
    codes = []
    for _ in range(LIMITS.per_account_and_ip.amount + 1):
        async with from_address(next(servers), "203.0.113.1") as guesser:
            codes.append(error_code(await sign_in(guesser, "robin", "not the password")))
    assert codes == ["INVALID_CREDENTIALS"] * LIMITS.per_account_and_ip.amount + ["RATE_LIMITED"]


@pytest.mark.postgres_only
async def test_the_account_budget_and_its_exemption_are_shared(two_servers):
    first, second = two_servers
    async with from_address(first, "198.51.100.7") as robin:
        await register(robin, username="robin")
        # Robin signs in on the first process: that address is now trusted.
        assert "errors" not in await sign_in(robin, "robin")

    # A botnet: one guess from each of many addresses, spread over both processes.
    servers = itertools.cycle(two_servers)
    for n in range(LIMITS.per_account.amount):
        async with from_address(next(servers), f"203.0.113.{n + 10}") as guesser:
            await sign_in(guesser, "robin", "not the password")

    # The account budget is spent everywhere, for a new address...
    for base in two_servers:
        async with from_address(base, "203.0.113.250") as stranger:
            assert error_code(await sign_in(stranger, "robin")) == "RATE_LIMITED"
    # ...but Robin's own address gets through on the other process too.
    async with from_address(second, "198.51.100.7") as robin:
        assert "errors" not in await sign_in(robin, "robin")
