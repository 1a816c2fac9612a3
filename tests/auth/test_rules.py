"""Pure account rules: typed codes, session expiry, device names, the hasher."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st

from server.auth import recovery
from server.auth.passwords import Hasher
from server.auth.sessions import Expiry, describe_device
from server.errors import AppError, ErrorCode

CODE_LENGTH = 16


@given(st.data())
def test_codes_survive_being_retyped_carelessly(data):
    code = recovery.random_code(CODE_LENGTH, 4)
    retyped = code.upper() if data.draw(st.booleans()) else code
    if data.draw(st.booleans()):
        retyped = retyped.replace("-", " ")
    retyped = retyped.replace("1", data.draw(st.sampled_from(["1", "i", "I", "l", "L"])))
    retyped = retyped.replace("0", data.draw(st.sampled_from(["0", "o", "O"])))
    assert recovery.normalize_code(retyped, CODE_LENGTH) == code.replace("-", "")


@given(st.text(max_size=40))
def test_normalized_codes_only_use_the_alphabet(text):
    normalized = recovery.normalize_code(text, CODE_LENGTH)
    assert normalized is None or (
        len(normalized) == CODE_LENGTH and set(normalized) <= set(recovery.ALPHABET)
    )


BASE = datetime(2026, 1, 1, tzinfo=UTC)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))


@given(idle=durations, absolute=durations, seen_after=durations, check_after=durations)
def test_session_lives_until_idle_or_absolute_expiry(idle, absolute, seen_after, check_after):
    expiry = Expiry(idle=idle, absolute=absolute)
    created = BASE
    last_seen = created + seen_after
    expires = created + absolute
    at = last_seen + check_after
    live = expiry.is_live(last_seen, expires, at)
    assert live == (at < expires and check_after < idle)
    # Once dead, a session never comes back by waiting.
    if not live:
        assert not expiry.is_live(last_seen, expires, at + timedelta(seconds=1))


@pytest.mark.parametrize(
    ("label", "agent", "expected"),
    [
        ("  My   phone ", None, "My phone"),
        (
            None,
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 Safari/604.1",
            "Safari on iPhone",
        ),
        (None, "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko Firefox/130.0", "Firefox on Linux"),
        (None, "Mozilla/5.0 (Windows NT 10.0) Chrome/130 Safari/537 Edg/130", "Edge on Windows"),
        (None, "curl/8.0", "Unknown device"),
        ("x" * 500, None, "x" * 100),
    ],
)
def test_device_names(label, agent, expected):
    assert describe_device(label, agent) == expected


async def test_hasher_verifies_and_refuses_when_the_queue_is_full():
    hasher = Hasher(1, 0, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    try:
        stored = await hasher.hash("a gentle password", source="here")
        assert await hasher.verify(stored, "a gentle password", source="here")
        assert not await hasher.verify(stored, "another password", source="here")
        assert not await hasher.verify(None, "not a real password", source="here")
        assert not await hasher.verify("garbage", "anything", source="here")
        # One worker and no queue: a second hash while one runs is refused, not queued.
        results = await asyncio.gather(
            hasher.hash("first", source="a"),
            hasher.hash("second", source="b"),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, AppError)]
        assert len(errors) == 1 and errors[0].code is ErrorCode.BUSY
    finally:
        hasher.close()
