"""Signed-in sessions: opaque cookie tokens of which only a hash is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.auth.models import Account, Session
from server.clock import now

# last_seen_at is refreshed at most this often, so reads do not turn into writes.
TOUCH_INTERVAL = timedelta(minutes=5)


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


async def start_session(account: Account, device_label: str, expiry: Expiry) -> str:
    """Create a session for `account` and return the cookie token."""
    token = new_token()
    moment = now()
    await Session.create(
        account=account,
        token_hash=token_hash(token),
        device_label=device_label,
        last_seen_at=moment,
        expires_at=moment + expiry.absolute,
    )
    return token


async def find_session(token: str | None, expiry: Expiry) -> Session | None:
    """The live session for a cookie token, with its account; expired ones are removed."""
    if not token or len(token) > 128:
        return None
    session = await Session.get_or_none(token_hash=token_hash(token)).select_related("account")
    if session is None:
        return None
    moment = now()
    if not expiry.is_live(session.last_seen_at, session.expires_at, moment):
        await session.delete()
        return None
    if moment - session.last_seen_at > TOUCH_INTERVAL:
        session.last_seen_at = moment
        await Session.filter(id=session.id).update(last_seen_at=moment)
    return session


async def end_session(session: Session) -> None:
    await Session.filter(id=session.id).delete()


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
