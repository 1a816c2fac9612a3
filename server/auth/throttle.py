"""Rate limits on password guesses, built on the `limits` library.

Every try is counted before it is checked, right or wrong: requests that arrive
together would otherwise all pass a check made before any of them failed. Three
budgets apply to each guess:

- per IP address, across all accounts, which stops one source spraying many accounts;
- per account and IP address, which stops one source guessing one account;
- per account from any address, which stops a guessing botnet. An address that
  signed in to the account successfully before is exempt from this one, so a flood
  from elsewhere cannot lock the real user out; the others recover when the moving
  window passes (minutes, not hours).

Apart from guesses, every password hash an address asks for is counted, because
even right passwords cost the server an argon2 hash each.

Counts live in the storage named by BETWEEN_RATE_LIMIT_STORAGE: in process memory
by default, or in Redis (`async+redis://…`) when several server processes share the
work.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from server.errors import AppError, ErrorCode


class GuessLimits(NamedTuple):
    per_ip: RateLimitItem = parse("60/10 minutes")
    per_account_and_ip: RateLimitItem = parse("8/5 minutes")
    per_account: RateLimitItem = parse("30/10 minutes")
    registrations_per_ip: RateLimitItem = parse("20/hour")
    # Every argon2 hash an address asks for, right password or wrong: a sign-in costs
    # 1, new recovery codes 11 (the password and ten codes). Registrations (11 each)
    # are held by their own budget above.
    hashes_per_ip: RateLimitItem = parse("200/10 minutes")
    # How long a successful sign-in keeps an address exempt from the account budget.
    trusted_seconds: int = 30 * 24 * 3600


class GuessThrottle:
    def __init__(self, storage_uri: str = "async+memory://", limits: GuessLimits | None = None):
        self.limits = limits or GuessLimits()
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        # (scope, account key, ip) -> when the address last succeeded.
        self._trusted: dict[tuple[str, str, str], float] = {}

    def _budgets(self, scope: str, account_key: str, ip: str):
        yield self.limits.per_ip, (scope, "ip", ip)
        yield self.limits.per_account_and_ip, (scope, "account-ip", account_key, ip)
        trusted_at = self._trusted.get((scope, account_key, ip))
        if trusted_at is None or time.time() - trusted_at > self.limits.trusted_seconds:
            yield self.limits.per_account, (scope, "account", account_key)

    async def attempt(self, scope: str, account_key: str, ip: str) -> None:
        """Count one guess against every budget, refusing it past any of them."""
        waits = []
        for item, keys in self._budgets(scope, account_key, ip):
            if not await self._limiter.hit(item, *keys):
                stats = await self._limiter.get_window_stats(item, *keys)
                waits.append(stats.reset_time - time.time())
        if waits:
            raise rate_limited("Too many attempts. Please wait a little and try again.", max(waits))

    def succeeded(self, scope: str, account_key: str, ip: str) -> None:
        self._trusted[(scope, account_key, ip)] = time.time()

    async def registration(self, ip: str) -> None:
        """Count a registration attempt from this address, refusing past the budget."""
        item = self.limits.registrations_per_ip
        if not await self._limiter.hit(item, "register", ip):
            stats = await self._limiter.get_window_stats(item, "register", ip)
            raise rate_limited(
                "Too many new accounts from here. Please try again later.",
                stats.reset_time - time.time(),
            )

    async def hashing(self, ip: str, cost: int = 1) -> None:
        """Count `cost` password hashes for this address, refusing past its budget."""
        item = self.limits.hashes_per_ip
        if not await self._limiter.hit(item, "hash", ip, cost=cost):
            stats = await self._limiter.get_window_stats(item, "hash", ip)
            raise rate_limited(
                "Too many attempts from here. Please wait a little and try again.",
                stats.reset_time - time.time(),
            )


def rate_limited(message: str, wait_seconds: float) -> AppError:
    return AppError(ErrorCode.RATE_LIMITED, message, retry_after=max(1, math.ceil(wait_seconds)))
