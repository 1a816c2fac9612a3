"""Fair use of the password-hashing pool: no one address can take all of it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import httpx
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from limits import parse

from server.app import create_app
from server.auth.passwords import Hasher
from server.auth.throttle import GuessLimits
from server.errors import AppError, ErrorCode
from tests.conftest import FAST_ARGON2
from tests.graphql_client import REGENERATE, error_code, gql, regenerate_input, register, sign_in


class GatedArgon2:
    """Real (cheap) argon2 that waits at a gate, so a test decides when hashing happens."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self._argon2 = PasswordHasher(**FAST_ARGON2)

    def hash(self, secret: str) -> str:
        self.gate.wait(timeout=30)
        return self._argon2.hash(secret)

    def verify(self, stored: str, secret: str) -> bool:
        self.gate.wait(timeout=30)
        return self._argon2.verify(stored, secret)

    def check_needs_rehash(self, stored: str) -> bool:
        return False


async def until(condition, seconds: float = 10) -> None:
    """Wait for `condition` to hold, failing rather than hanging if it never does."""
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def from_address(app, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_one_address_cannot_take_the_whole_queue():
    argon2 = GatedArgon2()
    hasher = Hasher(2, 14, argon2)
    try:
        argon2.gate.clear()
        flood = [asyncio.ensure_future(hasher.hash("x", source="flood")) for _ in range(20)]
        await asyncio.sleep(0)
        refused = [t for t in flood if t.done() and isinstance(t.exception(), AppError)]
        assert all(t.exception().code is ErrorCode.BUSY for t in refused)
        admitted = [t for t in flood if t not in refused]
        # An eighth of the 16 places is the most one address can hold.
        assert len(admitted) == 2
        other = asyncio.ensure_future(hasher.hash("y", source="someone else"))
        await asyncio.sleep(0)
        assert not other.done()
        argon2.gate.set()
        assert (await other).startswith("$argon2id$")
        await asyncio.gather(*admitted)
    finally:
        argon2.gate.set()
        hasher.close()


@pytest.fixture
async def gated_app(settings):
    argon2 = GatedArgon2()
    # One worker and seven waiting: eight places, one of which an address may hold.
    application = create_app(
        replace(settings, password_hash_workers=1, password_hash_queue=7), password_hasher=argon2
    )
    async with LifespanManager(application):
        application.state.argon2 = argon2
        yield application
    argon2.gate.set()


async def test_a_flood_of_right_passwords_does_not_make_others_busy(gated_app):
    app, argon2 = gated_app, gated_app.state.argon2
    async with (
        from_address(app, "203.0.113.66") as attacker,
        from_address(app, "198.51.100.7") as person,
    ):
        await register(attacker, username="mallory")
        await register(person, username="robin")
        argon2.gate.clear()
        flood = [asyncio.ensure_future(sign_in(attacker, "mallory")) for _ in range(8)]
        hasher = app.state.accounts.hasher
        await until(lambda: sum(t.done() for t in flood) + hasher.in_flight == len(flood))
        held = hasher.in_flight
        mine = asyncio.ensure_future(sign_in(person, "robin"))
        # Until the person's check is refused or takes its place in the queue.
        await until(lambda: mine.done() or hasher.in_flight > held)
        argon2.gate.set()
        assert "errors" not in await mine
        answers = [error_code(r) for r in await asyncio.gather(*flood)]
        assert None in answers and "BUSY" in answers


async def test_every_hash_an_address_asks_for_counts_right_or_wrong(app):
    app.state.accounts.throttle.limits = GuessLimits(hashes_per_ip=parse("13/10 minutes"))
    async with from_address(app, "203.0.113.66") as busy, from_address(app, "198.51.100.7") as calm:
        await register(busy, username="mallory")  # held by the registration budget instead
        assert "errors" not in await sign_in(busy, "mallory")  # 1
        codes = await regenerate_input(busy, username="mallory")
        assert "errors" not in await gql(busy, REGENERATE, codes)  # 12
        assert "errors" not in await sign_in(busy, "mallory")  # 13
        # Right passwords, and not one account too often: only the hashing budget is spent.
        assert error_code(await sign_in(busy, "mallory")) == "RATE_LIMITED"
        assert error_code(await gql(busy, REGENERATE, codes)) == "RATE_LIMITED"
        # Another address has its own budget.
        await register(calm, username="robin")
        assert "errors" not in await sign_in(calm, "robin")
