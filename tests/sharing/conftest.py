"""A client and a therapist on the real app, and a clock the tests can move."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server import clock
from tests.sharing.people import Person, connect, sign_up


class FakeClock:
    """The server's clock for sharing rules (held deliveries, code expiry), moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    fake = FakeClock(clock.now())
    monkeypatch.setattr(clock, "source", fake)
    return fake


@pytest.fixture
async def robin(app) -> Person:
    person = await sign_up(app, "robin", "CLIENT", "Robin")
    yield person
    await person.http.aclose()


@pytest.fixture
async def dana(app) -> Person:
    person = await sign_up(app, "dana", "THERAPIST", "Dr Dana")
    yield person
    await person.http.aclose()


@pytest.fixture
async def link(robin, dana) -> str:
    return await connect(robin, dana)
