"""The `/graphql` endpoint: Strawberry's ASGI app with our context and our limits."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from server.auth.models import Session
from server.auth.service import Accounts
from server.auth.sessions import find_session
from server.context import Context
from server.domains import KINDS
from server.export import export_everything
from server.graphql.over_http import GraphQLOverHTTP
from server.graphql.schema import build_schema
from server.graphql.websocket import (
    MAX_SUBSCRIPTIONS_PER_SOCKET,
    OpenSockets,
    SessionBoundHandler,
    SizedWebSocketAdapter,
)
from server.settings import Settings
from server.sync.pokes import Pokes


class GraphQLEndpoint(GraphQL[Context, None]):
    # Subscriptions only, on sessions that are still live: see server/graphql/websocket.py.
    websocket_adapter_class = SizedWebSocketAdapter
    graphql_transport_ws_handler_class = SessionBoundHandler

    def __init__(self, settings: Settings, accounts: Accounts, pokes: Pokes) -> None:
        super().__init__(
            build_schema(settings.production),
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
            allowed_origins=settings.allowed_origins,
            # The older subscriptions-transport-ws protocol also runs queries and mutations.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_SOCKET,
        )
        self.settings = settings
        self.accounts = accounts
        self.pokes = pokes
        self.http = GraphQLOverHTTP(
            self.schema, self.get_context, None if settings.production else self.graphql_ide_html
        )
        self.sockets = OpenSockets()
        pokes.on_sessions_ended(self.sockets.sessions_ended)

    async def get_context(self, request: HTTPConnection, response: Response | WebSocket) -> Context:
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            settings=self.settings,
            accounts=self.accounts,
            pokes=self.pokes,
            session=await self.live_session(request),
            kinds=KINDS,
            export=export_everything,
        )

    async def live_session(self, request: HTTPConnection) -> Session | None:
        """The request's session if it is still live; one found expired is ended and
        reported, so its websockets close too."""
        return await find_session(
            request.cookies.get(self.settings.cookie_name),
            self.accounts.expiry,
            sessions_ended=self.accounts.sessions_ended,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # Media types, status codes and coded refusals: see over_http.
        await self.http(scope, receive, send)
