"""Addresses trusted for an account after a successful sign-in, in the database so that
every replica honours them. Rows name neither address nor account, only a keyed digest."""

from __future__ import annotations

from datetime import timedelta

from server import clock
from server.ratelimits.keys import KeyedDigest
from server.ratelimits.models import TrustedAddress


class TrustedAddresses:
    def __init__(self, lasting: timedelta, digest: KeyedDigest) -> None:
        self.lasting = lasting
        self.digest = digest

    async def trust(self, scope: str, account_key: str, ip: str) -> None:
        # An upsert, so that two sign-ins at once from one address cannot collide.
        row = TrustedAddress(
            key=self.digest(scope, account_key, ip), trusted_until=clock.now() + self.lasting
        )
        await TrustedAddress.bulk_create(
            [row], on_conflict=["key"], update_fields=["trusted_until"]
        )

    async def trusted(self, scope: str, account_key: str, ip: str) -> bool:
        return await TrustedAddress.exists(
            key=self.digest(scope, account_key, ip), trusted_until__gt=clock.now()
        )


async def forget_expired_trust() -> int:
    """Delete trust that has run out (housekeeping)."""
    return await TrustedAddress.filter(trusted_until__lte=clock.now()).delete()
