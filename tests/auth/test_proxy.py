"""Client addresses behind a reverse proxy: X-Forwarded-For counts only from trusted proxies."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
import uvicorn
from limits import parse

from server import cli
from server.auth.throttle import GuessLimits
from server.settings import load_settings
from tests.graphql_client import error_code, register, sign_in

PROXY = "10.0.0.5"


def served(app, settings) -> uvicorn.Config:
    """The app as `between serve` hands it to uvicorn, with uvicorn's own middleware."""
    config = uvicorn.Config(app, **{**cli.uvicorn_options(settings), "log_config": None})
    config.load()
    return config


def peer(config: uvicorn.Config, address: str, forwarded_for: str | None = None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    transport = httpx.ASGITransport(app=config.loaded_app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


async def test_people_behind_a_trusted_proxy_have_their_own_budgets(app, settings, monkeypatch):
    app.state.accounts.throttle.limits = GuessLimits(per_ip=parse("3/10 minutes"))
    config = served(app, replace(settings, forwarded_allow_ips=(PROXY,)))
    async with (
        peer(config, PROXY, "198.51.100.1") as first,
        peer(config, PROXY, "198.51.100.2") as second,
    ):
        await register(first, username="robin")
        await register(second, username="alex")
        for _ in range(3):
            await sign_in(first, "someone", "not a password at all")
        assert error_code(await sign_in(first, "robin")) == "RATE_LIMITED"
        # Another person behind the same proxy is not held back by the first one's tries.
        assert "errors" not in await sign_in(second, "alex")


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(app, settings):
    app.state.accounts.throttle.limits = GuessLimits(per_ip=parse("3/10 minutes"))
    config = served(app, settings)
    for n in range(3):
        async with peer(config, "203.0.113.9", f"198.51.100.{n}") as spoofing:
            await sign_in(spoofing, "someone", "not a password at all")
    async with peer(config, "203.0.113.9", "198.51.100.77") as spoofing:
        assert error_code(await sign_in(spoofing, "someone")) == "RATE_LIMITED"


def test_serve_trusts_only_the_configured_proxies(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli.DrainingServer, "run", lambda server: seen.update(vars(server.config)))
    monkeypatch.setattr("server.db.migrate", lambda url: None)
    monkeypatch.setenv("BETWEEN_FORWARDED_ALLOW_IPS", "10.0.0.5, 10.1.0.0/16")
    cli.main(["serve"])
    assert seen["proxy_headers"] is True
    assert seen["forwarded_allow_ips"] == ["10.0.0.5", "10.1.0.0/16"]


def test_only_loopback_is_trusted_by_default(monkeypatch):
    monkeypatch.delenv("BETWEEN_FORWARDED_ALLOW_IPS", raising=False)
    assert set(load_settings(env_file=None).forwarded_allow_ips) == {"127.0.0.1", "::1"}


@pytest.mark.parametrize("value", ["not-an-address", "10.0.0.5, example.com"])
def test_a_proxy_that_is_not_an_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("BETWEEN_FORWARDED_ALLOW_IPS", value)
    with pytest.raises(ValueError, match="BETWEEN_FORWARDED_ALLOW_IPS"):
        load_settings(env_file=None)
