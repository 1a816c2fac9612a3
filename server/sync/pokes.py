"""Live pokes: "account A is now at version V", with no data in them; and notices
that sessions ended, so that every process closes those sessions' sockets.

On PostgreSQL a poke is a NOTIFY sent inside the write transaction, so it goes out
only if the write commits, and every server process LISTENing hears it. On SQLite
(one process) pokes go straight to this process's subscribers after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncGenerator, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import connections

from server.database_url import is_sqlite

CHANNEL = "between_changes"
SESSIONS_CHANNEL = "between_sessions_ended"
# A NOTIFY payload holds under 8000 bytes: this many ids (36 characters and a comma) fit.
SESSIONS_PER_NOTICE = 200

# Told which sessions ended; None when some notices may have been missed.
SessionsEnded = Callable[[list[uuid.UUID] | None], None]
log = logging.getLogger("between.pokes")


class Pokes:
    def __init__(self, database_url: str) -> None:
        self.shared = not is_sqlite(database_url)
        # asyncpg takes the same URL as Tortoise, without Tortoise's own options.
        self._dsn = urlunsplit(urlsplit(database_url)._replace(query=""))
        self._subscribers: dict[str, set[Listener]] = defaultdict(set)
        self._listener: asyncpg.Connection | None = None
        self._reconnect: asyncio.Task | None = None
        self._closing = False
        self._session_listeners: list[SessionsEnded] = []

    async def start(self) -> None:
        if self.shared:
            await self._listen()

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        await connection.add_listener(CHANNEL, self._heard)
        await connection.add_listener(SESSIONS_CHANNEL, self._heard_sessions)
        connection.add_termination_listener(self._lost)
        self._listener = connection

    def _lost(self, _connection) -> None:
        if not self._closing:
            self._reconnect = asyncio.get_running_loop().create_task(self._listen_again())

    async def _listen_again(self) -> None:
        delay = 0.5
        while not self._closing:
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError):
                log.warning("Lost the pokes listener; retrying in %.1fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
            else:
                # Anything missed while away: subscribers pull on every poke, so one
                # poke to everyone here catches them up.
                for account_id in list(self._subscribers):
                    self._deliver(account_id, -1)
                self._tell_sessions_ended(None)
                return

    async def stop(self) -> None:
        self._closing = True
        if self._reconnect is not None:
            self._reconnect.cancel()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()

    def _heard(self, _connection, _pid, _channel, payload: str) -> None:
        account_id, _, version = payload.partition(":")
        if version.isdigit():
            self._deliver(account_id, int(version))

    async def announce(self, connection, account_id: str, version: int) -> None:
        """Call inside the write transaction."""
        if self.shared:
            await connection.execute_query(
                "SELECT pg_notify($1, $2)", [CHANNEL, f"{account_id}:{version}"]
            )

    def committed(self, account_id: str, version: int) -> None:
        """Call after the write transaction commits."""
        if not self.shared:
            self._deliver(account_id, version)

    def _deliver(self, account_id: str, version: int) -> None:
        for listener in self._subscribers.get(account_id, ()):
            listener.tell(version)

    def on_sessions_ended(self, listener: SessionsEnded) -> None:
        self._session_listeners.append(listener)

    async def sessions_ended(self, session_ids: Iterable[uuid.UUID]) -> None:
        """Tell every server process that these sessions ended. Call after the commit."""
        ids = list(session_ids)
        if not ids:
            return
        if not self.shared:
            self._tell_sessions_ended(ids)
            return
        # This process hears its own NOTIFY too, so it learns the news the same way.
        database = connections.get("default")
        for start in range(0, len(ids), SESSIONS_PER_NOTICE):
            chunk = ",".join(str(i) for i in ids[start : start + SESSIONS_PER_NOTICE])
            await database.execute_query("SELECT pg_notify($1, $2)", [SESSIONS_CHANNEL, chunk])

    def _heard_sessions(self, _connection, _pid, _channel, payload: str) -> None:
        ids = []
        for part in payload.split(","):
            with contextlib.suppress(ValueError):
                ids.append(uuid.UUID(part))
        self._tell_sessions_ended(ids)

    def _tell_sessions_ended(self, ids: list[uuid.UUID] | None) -> None:
        for listener in self._session_listeners:
            try:
                listener(ids)
            except Exception:
                log.exception("A listener for ended sessions failed")

    async def subscribe(self, account_id: str) -> AsyncGenerator[int, None]:
        listener = Listener()
        self._subscribers[account_id].add(listener)
        try:
            while True:
                yield await listener.next()
        finally:
            self._subscribers[account_id].discard(listener)
            if not self._subscribers[account_id]:
                del self._subscribers[account_id]


class Listener:
    """One open subscription's pokes. Only the newest matters, so a slow subscriber is
    given the latest version and nothing queues up. It lives as long as the socket, on
    every socket: a future made only while waiting is a tenth of the memory of an
    asyncio.Queue of one."""

    __slots__ = ("_version", "_woken")

    def __init__(self) -> None:
        self._version: int | None = None
        self._woken: asyncio.Future[None] | None = None

    def tell(self, version: int) -> None:
        self._version = version
        if self._woken is not None and not self._woken.done():
            self._woken.set_result(None)

    async def next(self) -> int:
        while self._version is None:
            self._woken = asyncio.get_running_loop().create_future()
            try:
                await self._woken
            finally:
                self._woken = None
        version, self._version = self._version, None
        return version
