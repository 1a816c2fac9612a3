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

Counts and trusted addresses are shared by every server process (server/ratelimits):
counts in PostgreSQL, or in Redis when BETWEEN_RATE_LIMIT_STORAGE names one, or in
process memory on SQLite (one process); trusted addresses in the database.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import NamedTuple

from limits import RateLimitItem, parse

from server.errors import AppError, ErrorCode
from server.ratelimits import Budgets, TrustedAddresses


class GuessLimits(NamedTuple):
    per_ip: RateLimitItem = parse("60/10 minutes")
    per_account_and_ip: RateLimitItem = parse("8/5 minutes")
    per_account: RateLimitItem = parse("30/10 minutes")
    registrations_per_ip: RateLimitItem = parse("20/hour")
    # Asking for a username's key parameters comes before every sign-in and recovery;
    # limited so that nobody can walk a list of names, even though every answer looks alike.
    key_params_per_ip: RateLimitItem = parse("60/10 minutes")
    # Every argon2 hash an address asks for, right password or wrong: a sign-in costs
    # 1, new recovery codes 11 (the password and ten codes). Registrations (11 each)
    # are held by their own budget above.
    hashes_per_ip: RateLimitItem = parse("200/10 minutes")
    # How long a successful sign-in keeps an address exempt from the account budget.
    trusted_seconds: int = 30 * 24 * 3600


class GuessThrottle:
    def __init__(self, budgets: Budgets, limits: GuessLimits | None = None):
        self.limits = limits or GuessLimits()
        self.budgets = budgets

    @property
    def _trusted(self) -> TrustedAddresses:
        return TrustedAddresses(timedelta(seconds=self.limits.trusted_seconds), self.budgets.digest)

    async def _budgets(
        self, scope: str, account_key: str, ip: str
    ) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        budgets: list[tuple[RateLimitItem, tuple[str, ...]]] = [
            (self.limits.per_ip, (scope, "ip", ip)),
            (self.limits.per_account_and_ip, (scope, "account-ip", account_key, ip)),
        ]
        if not await self._trusted.trusted(scope, account_key, ip):
            budgets.append((self.limits.per_account, (scope, "account", account_key)))
        return budgets

    async def attempt(self, scope: str, account_key: str, ip: str) -> None:
        """Count one guess against every budget, refusing it past any of them."""
        waits: list[float] = []
        for item, keys in await self._budgets(scope, account_key, ip):
            wait = await self.budgets.spend(item, *keys)
            if wait is not None:
                waits.append(wait)
        if waits:
            raise rate_limited("Too many attempts. Please wait a little and try again.", max(waits))

    async def succeeded(self, scope: str, account_key: str, ip: str) -> None:
        await self._trusted.trust(scope, account_key, ip)

    async def registration(self, ip: str) -> None:
        """Count a registration attempt from this address, refusing past the budget."""
        wait = await self.budgets.spend(self.limits.registrations_per_ip, "register", ip)
        if wait is not None:
            raise rate_limited("Too many new accounts from here. Please try again later.", wait)

    async def lookup(self, ip: str) -> None:
        """Count one request for key parameters from this address, refusing past the budget."""
        wait = await self.budgets.spend(self.limits.key_params_per_ip, "key-params", ip)
        if wait is not None:
            raise rate_limited("Too many attempts. Please wait a little and try again.", wait)

    async def hashing(self, ip: str, cost: int = 1) -> None:
        """Count `cost` password hashes for this address, refusing past its budget."""
        wait = await self.budgets.spend(self.limits.hashes_per_ip, "hash", ip, cost=cost)
        if wait is not None:
            raise rate_limited(
                "Too many attempts from here. Please wait a little and try again.", wait
            )


def rate_limited(message: str, wait_seconds: float) -> AppError:
    return AppError(ErrorCode.RATE_LIMITED, message, retry_after=max(1, math.ceil(wait_seconds)))
