"""The typed per-request context every resolver receives.

It carries what the app composed (accounts, pokes, the kinds of record, the export)
to the domains' resolvers; the types are named for annotations only, so this module
depends on no domain at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection
from starlette.responses import Response

from server.errors import unauthenticated

if TYPE_CHECKING:
    from server.auth.models import Account, Session
    from server.auth.service import Accounts
    from server.settings import Settings
    from server.sync.pokes import Pokes
    from server.sync.registry import Kinds


@dataclass
class Context:
    request: HTTPConnection
    # The HTTP response being built (for cookies); None on a websocket.
    response: Response | None
    settings: Settings
    accounts: Accounts
    pokes: Pokes
    session: Session | None
    # Every kind of synced record, as the domains described them.
    kinds: Kinds
    # The person's whole data export, every domain's part.
    export: Callable[[Account], Awaitable[dict]]

    @property
    def ip(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")

    def require_session(self) -> Session:
        if self.session is None:
            raise unauthenticated()
        return self.session

    def require_account(self) -> Account:
        return self.require_session().account

    def set_session_cookie(self, token: str) -> None:
        if self.response is None:
            return
        self.response.set_cookie(
            self.settings.cookie_name,
            token,
            max_age=int(self.accounts.expiry.absolute.total_seconds()),
            path="/",
            secure=self.settings.production,
            httponly=True,
            samesite="strict",
        )

    def clear_session_cookie(self) -> None:
        self.session = None
        if self.response is not None:
            self.response.delete_cookie(
                self.settings.cookie_name,
                path="/",
                secure=self.settings.production,
                httponly=True,
                samesite="strict",
            )
