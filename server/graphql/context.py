"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

from server.auth.models import Account, Session
from server.auth.service import Accounts
from server.errors import unauthenticated
from server.settings import Settings
from server.sync.pokes import Pokes


@dataclass
class Context:
    request: HTTPConnection
    # The HTTP response being built (for cookies); None on a websocket.
    response: Response | None
    settings: Settings
    accounts: Accounts
    pokes: Pokes
    session: Session | None

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
