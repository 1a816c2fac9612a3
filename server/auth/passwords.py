"""Hashing of authentication keys and recovery verifiers with argon2id.

What the device sends instead of a password (docs/crypto.md) is hashed again here, so
a stolen database gives neither the key nor the password. The password rules live on
the device, which alone sees the password (pwa/src/password-rules.js).

Hashing is deliberately slow, so it runs in a small dedicated thread pool: that
caps how many hashes run at once, and a long queue is refused with BUSY rather
than letting sign-in storms starve the server. Each address gets only a share of
the queue, so one address's storm cannot make BUSY everyone's answer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.errors import AppError, ErrorCode
from server.metrics import ARGON2_IN_FLIGHT, ARGON2_REFUSED, ARGON2_WAIT


class Hasher:
    """argon2id with argon2-cffi's defaults, behind a bounded worker pool.

    Every hash names its source (the client address). One source may hold at most
    an eighth of the places (running or waiting), so a flood from one address,
    even of right passwords, cannot leave everyone else with BUSY.
    """

    SHARE = 8

    def __init__(self, workers: int, queue_limit: int, argon2: PasswordHasher) -> None:
        self._argon2 = argon2
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")
        self._limit = workers + queue_limit
        self._per_source = max(1, self._limit // self.SHARE)
        self._pending = 0
        self._by_source: dict[str, int] = {}
        self._lock = threading.Lock()
        # A real hash to verify against when the account does not exist, so that an
        # unknown username costs the same time as a wrong password.
        self._dummy = self._argon2.hash("0" * 64)

    @property
    def in_flight(self) -> int:
        """Hashes running or waiting now."""
        return self._pending

    async def _run(self, source: str, fn, *args):
        with self._lock:
            held = self._by_source.get(source, 0)
            if self._pending >= self._limit or held >= self._per_source:
                ARGON2_REFUSED.inc()
                raise AppError(ErrorCode.BUSY, "The server is busy. Please try again shortly.")
            self._pending += 1
            self._by_source[source] = held + 1
        ARGON2_IN_FLIGHT.inc()
        queued = time.perf_counter()

        def timed(*args):
            ARGON2_WAIT.observe(time.perf_counter() - queued)
            return fn(*args)

        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, timed, *args)
        finally:
            ARGON2_IN_FLIGHT.dec()
            with self._lock:
                self._pending -= 1
                if self._by_source[source] == 1:
                    del self._by_source[source]
                else:
                    self._by_source[source] -= 1

    async def hash(self, secret: str, *, source: str) -> str:
        return await self._run(source, self._argon2.hash, secret)

    async def verify(self, stored_hash: str | None, secret: str, *, source: str) -> bool:
        return await self._run(source, self._verify, stored_hash, secret)

    def _verify(self, stored_hash: str | None, secret: str) -> bool:
        try:
            return self._argon2.verify(stored_hash or self._dummy, secret) and bool(stored_hash)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._argon2.check_needs_rehash(stored_hash)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
