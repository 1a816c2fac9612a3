"""Password and recovery-code hashing with argon2id, and the password policy.

Hashing is deliberately slow, so it runs in a small dedicated thread pool: that
caps how many hashes run at once, and a long queue is refused with BUSY rather
than letting sign-in storms starve the server. Each address gets only a share of
the queue, so one address's storm cannot make BUSY everyone's answer.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.errors import AppError, ErrorCode
from server.metrics import ARGON2_IN_FLIGHT, ARGON2_REFUSED, ARGON2_WAIT

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
# Names shorter than this are ignored, or a name like "Jo" would refuse half of all passwords.
MIN_NAME_IN_PASSWORD = 3


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of the 20,000 most common passwords, those of 8+ characters."""
    data = resources.files("server.auth").joinpath("data/common-passwords.txt.gz").read_bytes()
    # One password a line; a few hold spaces ("joan of arc").
    return frozenset(filter(None, map(str.strip, gzip.decompress(data).decode().splitlines())))


def _comparable(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def password_problem(
    password: str, *, username: str | None = None, display_name: str | None = None
) -> str | None:
    """Why a new password is not acceptable, or None. No composition rules."""
    length = len(password)
    if length < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if length > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if unicodedata.normalize("NFKC", password).strip().lower() in common_passwords():
        return "That password is one of the most common ones. Please choose another."
    # The username is public to anyone who links with the person, and a name is the
    # first thing someone guessing would try. Spaces are ignored on both sides.
    guessable = _comparable(password)
    for name in (username, display_name):
        name = _comparable(name or "")
        if len(name) >= MIN_NAME_IN_PASSWORD and name in guessable:
            return "Please choose a password that does not contain your username or name."
    return None


def check_new_password(
    password: str,
    field: str = "password",
    *,
    username: str | None = None,
    display_name: str | None = None,
) -> None:
    problem = password_problem(password, username=username, display_name=display_name)
    if problem:
        raise AppError(ErrorCode.WEAK_PASSWORD, problem, field=field)


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
        self._dummy = self._argon2.hash("not a real password")

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
