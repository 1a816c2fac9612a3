"""Rate-limit state is stored under an HMAC keyed with BETWEEN_RATE_LIMIT_SECRET, so a copy
of the database cannot give back the addresses and usernames it counted."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import pytest
from limits import parse
from tortoise import connections

from server.auth.throttle import GuessThrottle
from server.ratelimits import KeyedDigest, budgets_for
from server.ratelimits.models import TrustedAddress
from server.settings import PROJECT_ROOT, load_settings

SIGN_IN = ("sign-in", "robin", "198.51.100.7")


def plain_digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


async def test_trusted_addresses_are_stored_under_the_keyed_digest(app, settings):
    throttle = app.state.accounts.throttle
    await throttle.succeeded(*SIGN_IN)
    [key] = await TrustedAddress.all().values_list("key", flat=True)
    assert key == KeyedDigest(settings.rate_limit_secret)(*SIGN_IN)
    assert key != plain_digest(*SIGN_IN)
    # Another secret finds nothing: the row means nothing without the one it was made with.
    assert await throttle._trusted.trusted(*SIGN_IN)
    other = replace(settings, rate_limit_secret="another secret, " + "x" * 32)
    elsewhere = GuessThrottle(
        budgets_for(other.database_url, other.rate_limit_storage, other.rate_limit_secret)
    )
    assert not await elsewhere._trusted.trusted(*SIGN_IN)


async def test_counts_in_postgres_name_no_address(app, settings):
    if not settings.database_url.startswith("postgres"):
        pytest.skip("counts live in the database on PostgreSQL only")
    budgets = app.state.accounts.throttle.budgets
    item = parse("5/minute")
    assert await budgets.spend(item, "hash", "192.0.2.44") is None
    _, rows = await connections.get("default").execute_query("SELECT key FROM rate_limit_window")
    [key] = [row["key"] for row in rows]
    assert key == KeyedDigest(settings.rate_limit_secret)(item.key_for("hash", "192.0.2.44"))
    assert key != plain_digest(item.key_for("hash", "192.0.2.44"))


@pytest.mark.parametrize(
    "secret", [None, "short", "CHANGE-ME-to-a-long-random-value", "development only: not a secret"]
)
def test_production_needs_a_real_secret(monkeypatch, secret):
    monkeypatch.setenv("BETWEEN_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/between")
    if secret is None:
        monkeypatch.delenv("BETWEEN_RATE_LIMIT_SECRET", raising=False)
    else:
        monkeypatch.setenv("BETWEEN_RATE_LIMIT_SECRET", secret)
    with pytest.raises(ValueError, match="BETWEEN_RATE_LIMIT_SECRET"):
        load_settings(env_file=None)
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_SECRET", "k" * 32)
    assert load_settings(env_file=None).rate_limit_secret == "k" * 32


def test_the_environment_example_placeholder_is_refused():
    example = (PROJECT_ROOT / "deploy" / "between.env.example").read_text(encoding="utf-8")
    [placeholder] = re.findall(r"^BETWEEN_RATE_LIMIT_SECRET=(.*)$", example, re.M)
    assert "CHANGE-ME" in placeholder


def test_an_unknown_log_format_is_refused(monkeypatch):
    monkeypatch.setenv("BETWEEN_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="BETWEEN_LOG_FORMAT"):
        load_settings(env_file=None)
