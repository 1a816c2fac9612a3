"""Pure account rules: password policy, recovery codes, session expiry, device names."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st

from server.auth import recovery
from server.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Hasher,
    common_passwords,
    password_problem,
)
from server.auth.sessions import Expiry, describe_device
from server.errors import AppError, ErrorCode

COMMON = sorted(common_passwords())


@given(st.text(min_size=MIN_PASSWORD_LENGTH, max_size=200))
def test_any_long_enough_uncommon_password_is_accepted(password):
    if password.strip().lower() in common_passwords():
        return
    assert password_problem(password) is None


@given(st.text(max_size=MIN_PASSWORD_LENGTH - 1))
def test_short_passwords_are_refused(password):
    assert "at least" in password_problem(password)


@given(st.integers(min_value=MAX_PASSWORD_LENGTH + 1, max_value=5000))
def test_oversized_passwords_are_refused(length):
    assert "at most" in password_problem("z" * length)


@given(st.sampled_from(COMMON), st.sampled_from([str.upper, str.title, str.lower]))
def test_common_passwords_are_refused_in_any_case(password, case):
    assert "common" in password_problem(case(password))


def test_the_common_list_is_real():
    assert len(COMMON) > 5000
    assert {"password", "12345678", "iloveyou"} <= set(COMMON)


def test_no_composition_rules():
    assert password_problem("all lower case words only") is None
    assert password_problem("ünïcödé and spaces fine") is None


@given(st.integers(min_value=1, max_value=30))
def test_generated_codes_are_distinct_and_normalize_to_themselves(count):
    codes = recovery.generate_codes(count)
    assert len(set(codes)) == count
    normalized = [recovery.normalize_code(code) for code in codes]
    assert all(n is not None and len(n) == 16 for n in normalized)
    assert len({recovery.lookup_of(n) for n in normalized}) == count


@given(st.data())
def test_codes_survive_being_retyped_carelessly(data):
    code = recovery.generate_codes(1)[0]
    retyped = code.upper() if data.draw(st.booleans()) else code
    if data.draw(st.booleans()):
        retyped = retyped.replace("-", " ")
    retyped = retyped.replace("1", data.draw(st.sampled_from(["1", "i", "I", "l", "L"])))
    retyped = retyped.replace("0", data.draw(st.sampled_from(["0", "o", "O"])))
    assert recovery.normalize_code(retyped) == recovery.normalize_code(code)


@given(st.text(max_size=40))
def test_normalized_codes_only_use_the_alphabet(text):
    normalized = recovery.normalize_code(text)
    assert normalized is None or (
        len(normalized) == 16 and set(normalized) <= set(recovery.ALPHABET)
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


@pytest.mark.parametrize(
    ("password", "username", "display_name"),
    [
        ("robin.k.", "robin.k", "Someone"),
        ("ROBIN.K is me", "robin.k", "Someone"),
        ("my name is robin k", "someone", "Robin K"),
        ("i am \uff32\uff2f\uff22\uff29\uff2e\uff2b really", "someone", "Robin K"),  # full-width
        ("iamrobinkreally", "someone", "Robin  K"),
    ],
)
def test_a_password_holding_the_username_or_name_is_refused(password, username, display_name):
    problem = password_problem(password, username=username, display_name=display_name)
    assert problem and "name" in problem


@given(st.text(min_size=MIN_PASSWORD_LENGTH, max_size=60), st.text(max_size=2))
def test_very_short_names_do_not_refuse_passwords(password, name):
    if password_problem(password) is not None:
        return
    assert password_problem(password, username=name, display_name=name) is None
