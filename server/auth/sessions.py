"""Signed-in sessions: opaque cookie tokens of which only a hash is stored.

Sessions end only through `ending_sessions` (or `end_sessions`), which reports the
ids of ended sessions to hooks once the deletion has committed, so that anything
holding a session open elsewhere, such as a websocket, can close it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.auth.models import Account, Session
from server.clock import now
from server.columns import column

log = logging.getLogger("between.sessions")

# last_seen_at is refreshed at most this often, so reads do not turn into writes.
TOUCH_INTERVAL = timedelta(minutes=5)
# The most sessions one account keeps; a new one past it signs out the least recently seen.
MAX_SESSIONS = 50

SessionsEnded = Callable[[list[uuid.UUID]], Awaitable[None]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Expiry:
    idle: timedelta
    absolute: timedelta

    def is_live(self, last_seen_at: datetime, expires_at: datetime, at: datetime) -> bool:
        """A session lives until its absolute expiry, unless left idle too long first."""
        return at < expires_at and at - last_seen_at < self.idle


class Ending:
    """The sessions one transaction ends, to be reported once it has committed."""

    def __init__(self) -> None:
        self.ids: list[uuid.UUID] = []

    async def end(self, sessions: QuerySet[Session]) -> None:
        ids: list[uuid.UUID] = await column(sessions, "id")
        if ids:
            # By id, so that exactly the sessions reported are the ones deleted.
            await Session.filter(id__in=ids).delete()
            self.ids.extend(ids)


@asynccontextmanager
async def ending_sessions(hooks: Sequence[SessionsEnded]) -> AsyncIterator[Ending]:
    """A transaction in which sessions may end; the hooks hear of them after the commit,
    and not at all if it rolls back. Never open it inside another transaction: the
    hooks would hear of an ending that could still be undone."""
    ending = Ending()
    async with in_transaction():
        yield ending
    await report_ended(hooks, ending.ids)


async def end_sessions(hooks: Sequence[SessionsEnded], sessions: QuerySet[Session]) -> None:
    async with ending_sessions(hooks) as ending:
        await ending.end(sessions)


async def report_ended(hooks: Sequence[SessionsEnded], ids: list[uuid.UUID]) -> None:
    if not ids:
        return
    for hook in hooks:
        try:
            await hook(list(ids))
        except Exception:
            # The sessions are gone whatever a hook does; one failing must not stop the
            # others, nor turn a sign-out into an error.
            log.exception("A sessions-ended hook failed")


async def start_session(
    ending: Ending, account: Account, device_label: str, expiry: Expiry, cap: int = MAX_SESSIONS
) -> tuple[Session, str]:
    """Create a session for `account` within `ending`'s transaction; returns it and the
    cookie token. Past `cap`, the least recently seen sessions are signed out."""
    # Concurrent sign-ins to one account wait for each other here, so each counts the
    # other's session against the cap.
    await Account.filter(id=account.id).select_for_update().values_list("id", flat=True)
    token = new_token()
    moment = now()
    session = await Session.create(
        account=account,
        token_hash=token_hash(token),
        device_label=device_label,
        last_seen_at=moment,
        expires_at=moment + expiry.absolute,
    )
    others = await (
        Session.filter(account_id=account.id)
        .exclude(id=session.id)
        .order_by("-last_seen_at", "-created_at")
        .values_list("id", flat=True)
    )
    surplus = others[max(0, cap - 1) :]
    if surplus:
        await ending.end(Session.filter(id__in=surplus))
    return session, token


async def find_session(
    token: str | None, expiry: Expiry, *, sessions_ended: Sequence[SessionsEnded] = ()
) -> Session | None:
    """The live session for a cookie token, with its account. An expired one is removed,
    and reported to `sessions_ended`."""
    if not token or len(token) > 128:
        return None
    session = await Session.get_or_none(token_hash=token_hash(token)).select_related("account")
    if session is None:
        return None
    moment = now()
    if not expiry.is_live(session.last_seen_at, session.expires_at, moment):
        await end_sessions(sessions_ended, Session.filter(id=session.id))
        return None
    if moment - session.last_seen_at > TOUCH_INTERVAL:
        session.last_seen_at = moment
        await Session.filter(id=session.id).update(last_seen_at=moment)
    return session


_PLATFORMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "Mac"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_BROWSERS = (
    ("Firefox/", "Firefox"),
    ("Edg/", "Edge"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


async def still_signed_in(session_id: uuid.UUID) -> bool:
    """Whether the session has been neither ended nor outlived its absolute expiry."""
    return await Session.filter(id=session_id, expires_at__gt=now()).exists()


def describe_device(label: str | None, user_agent: str | None) -> str:
    """A short, human name for the device: the user's own label, or one read off the UA."""
    if label and label.strip():
        return re.sub(r"\s+", " ", label.strip())[:100]
    ua = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in ua), None)
    platform = next((name for token, name in _PLATFORMS if token in ua), None)
    if browser and platform:
        return f"{browser} on {platform}"
    return browser or platform or "Unknown device"
