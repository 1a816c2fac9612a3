"""The websocket side of `/graphql`: subscriptions only, each bound to a live session.

A socket is opened with the session cookie, but a session can end at any moment and on
any server process: sign-out, revoking a device, a password change, a recovery, account
deletion, expiry. So the session is looked up again for every operation, each socket
wakes when its session would expire, and every process hears about ended sessions
(`Pokes.on_sessions_ended`) and closes their sockets here. Queries and mutations go
over HTTP, where each request is checked on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncGenerator, Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from graphql import GraphQLError, GraphQLFormattedError, OperationType, get_operation_ast, parse
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)

from server.clock import now
from server.context import Context
from server.errors import ErrorCode
from server.graphql.guards import MAX_TOKENS, TOO_LONG_MESSAGE, ErrorPolicy, query_too_long
from server.metrics import OPEN_SUBSCRIPTIONS, OPEN_WEBSOCKETS

if TYPE_CHECKING:
    from server.graphql.view import GraphQLEndpoint

log = logging.getLogger("between.websocket")

# Only subscription documents and protocol messages travel here, all of them small.
MAX_MESSAGE_BYTES = 64 * 1024
# A device keeps one socket; a few more cover tabs and reconnects that overlap.
MAX_SOCKETS_PER_SESSION = 5
MAX_SUBSCRIPTIONS_PER_SOCKET = 5
# graphql-ws clients treat 4401 as final: they stop retrying and the person signs in again.
SESSION_ENDED = 4401
TOO_MANY_SOCKETS = 4429
MESSAGE_TOO_BIG = 1009
# A socket whose session lives on re-checks at least this often, so a missed notice
# (a listener that reconnected, a clock that jumped) is caught in the end.
LONGEST_WATCH = timedelta(hours=1)


class SizedWebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's adapter, refusing messages larger than MAX_MESSAGE_BYTES."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text) > MAX_MESSAGE_BYTES or len(text.encode()) > MAX_MESSAGE_BYTES:
                    await self.close(MESSAGE_TOO_BIG, "That message is too large.")
                    return
                try:
                    yield self.view.decode_json(text)
                except ValueError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass


class OpenSockets:
    """This process's sockets, by the session that opened them."""

    def __init__(self) -> None:
        self._by_session: dict[uuid.UUID, set[SessionBoundHandler]] = defaultdict(set)

    def add(self, session_id: uuid.UUID, socket: SessionBoundHandler) -> bool:
        sockets = self._by_session[session_id]
        if len(sockets) >= MAX_SOCKETS_PER_SESSION:
            return False
        sockets.add(socket)
        OPEN_WEBSOCKETS.inc()
        return True

    def remove(self, session_id: uuid.UUID, socket: SessionBoundHandler) -> None:
        sockets = self._by_session.get(session_id)
        if sockets is not None and socket in sockets:
            sockets.discard(socket)
            OPEN_WEBSOCKETS.dec()
            if not sockets:
                del self._by_session[session_id]

    def count(self) -> int:
        return sum(len(sockets) for sockets in self._by_session.values())

    def sessions_ended(self, session_ids: Iterable[uuid.UUID] | None) -> None:
        """Close the sockets of these sessions; None means "not known": check them all."""
        if session_ids is None:
            for socket in self._all():
                socket.recheck_soon()
            return
        for session_id in session_ids:
            for socket in list(self._by_session.get(session_id, ())):
                socket.end_soon()

    def _all(self) -> list[SessionBoundHandler]:
        return [socket for sockets in self._by_session.values() for socket in sockets]


def _error(message: str, code: ErrorCode) -> GraphQLFormattedError:
    return GraphQLError(message, extensions={"code": code.value}).formatted


class SessionBoundHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws for subscriptions only, on a session that is still live."""

    view: GraphQLEndpoint

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sockets: OpenSockets = self.view.sockets
        self.session_id: uuid.UUID | None = None
        self.watch: asyncio.TimerHandle | None = None
        self.checking: asyncio.Task | None = None
        self.ending: asyncio.Task | None = None
        self.errors = ErrorPolicy(mask_unexpected=self.view.settings.production)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_init_received or self.connection_timed_out:
            await super().handle_connection_init(message)
            return
        session = self.context.session
        if session is None:
            await self.websocket.close(SESSION_ENDED, "Please sign in first.")
            return
        if not self.sockets.add(session.id, self):
            await self.websocket.close(TOO_MANY_SOCKETS, "Too many open connections.")
            return
        self.session_id = session.id
        self._watch_expiry()
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not self.connection_acknowledged:
            await super().handle_subscribe(message)
            return
        refusal = self._not_a_subscription(message.get("payload") or {})
        if refusal is not None:
            await self.send_message({"id": message["id"], "type": "error", "payload": [refusal]})
            return
        if not await self._session_is_live():
            await self.send_message(
                {
                    "id": message["id"],
                    "type": "error",
                    "payload": [_error("Please sign in first.", ErrorCode.UNAUTHENTICATED)],
                }
            )
            await self.end()
            return
        await super().handle_subscribe(message)

    @staticmethod
    def _not_a_subscription(payload: Mapping[str, object]) -> GraphQLFormattedError | None:
        query = payload.get("query")
        if not isinstance(query, str):
            return _error("A subscription needs a query.", ErrorCode.BAD_REQUEST)
        if query_too_long(query):
            return _error(TOO_LONG_MESSAGE, ErrorCode.QUERY_TOO_COMPLEX)
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            # Strawberry answers a document that does not parse, as the protocol says.
            return None
        name = payload.get("operationName")
        operation = get_operation_ast(document, name if isinstance(name, str) else None)
        if operation is not None and operation.operation is not OperationType.SUBSCRIPTION:
            return _error(
                "Only subscriptions travel over the websocket; "
                "send queries and mutations as an HTTP POST.",
                ErrorCode.BAD_REQUEST,
            )
        return None

    async def run_operation(self, operation) -> None:
        # Runs for as long as the subscription is open; cancelled when it closes.
        OPEN_SUBSCRIPTIONS.inc()
        try:
            await super().run_operation(operation)
        finally:
            OPEN_SUBSCRIPTIONS.dec()

    async def _handle_pre_execution_error(self, operation, result) -> None:
        # Refused before it ran (validation, limits, variables): coded as over HTTP.
        result.errors = [self.errors.coded(error) for error in result.errors or ()]
        await super()._handle_pre_execution_error(operation, result)

    async def _session_is_live(self) -> bool:
        session = await self.view.live_session(self.context.request)
        if session is None or session.id != self.session_id:
            return False
        self.context.session = session
        return True

    def _watch_expiry(self) -> None:
        """Check the session again when it would expire. A timer, not a task asleep on
        every open socket: it costs a tenth of the memory until it is due."""
        expiry = self.view.accounts.expiry
        session = self.context.require_session()
        ends_at = min(session.expires_at, session.last_seen_at + expiry.idle)
        wait = min(ends_at - now(), LONGEST_WATCH).total_seconds()
        self.watch = asyncio.get_running_loop().call_later(max(wait, 0) + 1, self._expiry_due)

    def _expiry_due(self) -> None:
        self.watch = None
        self.checking = asyncio.create_task(self._check_expiry())

    async def _check_expiry(self) -> None:
        try:
            live = await self._session_is_live()
        except Exception:
            log.exception("Could not check a socket's session; trying again later")
            live = True
        self.checking = None
        if live:
            self._watch_expiry()
        else:
            await self.end()

    def end_soon(self) -> None:
        if self.ending is None:
            self.ending = asyncio.create_task(self.end())

    def recheck_soon(self) -> None:
        if self.ending is None:
            self.ending = asyncio.create_task(self._recheck())

    async def _recheck(self) -> None:
        if not await self._session_is_live():
            await self.end()
        else:
            self.ending = None

    async def end(self) -> None:
        """The session is over: stop every subscription and close the socket."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(Exception):
            await self.websocket.close(SESSION_ENDED, "Signed out.")

    async def shutdown(self) -> None:
        if self.session_id is not None:
            self.sockets.remove(self.session_id, self)
        if self.watch is not None:
            self.watch.cancel()
        if self.checking is not None and self.checking is not asyncio.current_task():
            self.checking.cancel()
        await super().shutdown()
