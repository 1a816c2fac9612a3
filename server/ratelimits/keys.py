"""The names rate-limit state is stored under: HMAC-SHA-256 under a server secret.

What a budget counts (an address, a username) comes from a small space: every IPv4
address, or every likely username, can be tried in minutes. A plain hash would let
anyone holding a copy of the database (a backup, a dump) recover them by trying all;
keyed with BETWEEN_RATE_LIMIT_SECRET, which the database never holds, it cannot.
"""

from __future__ import annotations

import hashlib
import hmac


class KeyedDigest:
    """Turns the parts of a key into 64 hex characters that reveal none of them."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def __call__(self, *parts: str) -> str:
        return hmac.new(self._key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
