"""Account rules: register, sign in and out, passwords, sessions, recovery, deletion.

Functions here take plain values and raise `AppError` for expected failures; the
GraphQL resolvers only translate. Every change happens inside one transaction, so a
failure never leaves half an account behind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.auth import recovery
from server.auth.models import Account, RecoveryCode, Role, Session
from server.auth.passwords import MAX_PASSWORD_LENGTH, Hasher, check_new_password
from server.auth.sessions import (
    MAX_SESSIONS,
    Ending,
    Expiry,
    SessionsEnded,
    now,
    start_session,
)
from server.auth.sessions import end_sessions as _end_sessions
from server.auth.sessions import ending_sessions as _ending_sessions
from server.auth.throttle import GuessThrottle
from server.errors import AppError, ErrorCode, bad_input, not_found
from server.inputs import parse_id

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MAX_DISPLAY_NAME = 100
MAX_CODE_INPUT = 64
SIGN_IN, RECOVER, CONFIRM = "sign-in", "recover", "confirm-password"


@dataclass
class Accounts:
    """The collaborators account rules need; one per running app."""

    hasher: Hasher
    throttle: GuessThrottle
    expiry: Expiry
    # What other domains must do before an account is deleted, such as taking a client's
    # shared letters back out of their therapists' feeds (other accounts' records).
    leaving: list[Callable[[Account], Awaitable[None]]] = field(default_factory=list)
    # Told the ids of sessions that ended, after the deletion commits, on every path
    # (sign-out, revocation, password change, recovery, deletion, expiry, the cap), so
    # that their open websockets can be closed.
    sessions_ended: list[SessionsEnded] = field(default_factory=list)
    # The most sessions an account keeps; see `start_session`.
    max_sessions: int = MAX_SESSIONS


@dataclass(frozen=True)
class SignedIn:
    account: Account
    session: Session
    token: str


@dataclass(frozen=True)
class Registered(SignedIn):
    recovery_codes: list[str]


def normalize_username(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def valid_username(text: str) -> str:
    username = normalize_username(text)
    if not USERNAME_PATTERN.fullmatch(username):
        raise bad_input(
            "username",
            "Use 3 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit.",
        )
    return username


def valid_display_name(text: str) -> str:
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    if not name:
        raise bad_input("displayName", "Please enter a name to show.")
    if len(name) > MAX_DISPLAY_NAME:
        raise bad_input("displayName", f"Use at most {MAX_DISPLAY_NAME} characters.")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise bad_input("displayName", "The name contains characters that cannot be shown.")
    return name


def ending_sessions(accounts: Accounts):
    """A transaction that may end sessions, reported to `sessions_ended` once committed."""
    return _ending_sessions(accounts.sessions_ended)


async def end_sessions(accounts: Accounts, sessions: QuerySet[Session]) -> None:
    await _end_sessions(accounts.sessions_ended, sessions)


async def _start_session(
    accounts: Accounts, ending: Ending, account: Account, device_label: str
) -> tuple[Session, str]:
    return await start_session(
        ending, account, device_label, accounts.expiry, cap=accounts.max_sessions
    )


def _invalid_credentials(what: str = "password") -> AppError:
    return AppError(
        ErrorCode.INVALID_CREDENTIALS, f"That username and {what} don't match an account."
    )


async def _new_recovery_codes(
    accounts: Accounts, account: Account, ip: str
) -> tuple[list, list[str]]:
    """Fresh codes and their unsaved rows; hashing happens before any transaction opens.
    The caller has counted the hashes."""
    codes = recovery.generate_codes()
    rows = []
    for code in codes:
        normalized = recovery.normalize_made_code(code)
        rows.append(
            RecoveryCode(
                account_id=account.id,
                lookup=recovery.lookup_of(normalized),
                code_hash=await accounts.hasher.hash(normalized, source=ip),
            )
        )
    return rows, codes


async def register(
    accounts: Accounts,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    device_label: str,
    ip: str,
) -> Registered:
    username = valid_username(username)
    display_name = valid_display_name(display_name)
    check_new_password(password, username=username, display_name=display_name)
    await accounts.throttle.registration(ip)
    if await Account.exists(username=username):
        raise AppError(ErrorCode.USERNAME_TAKEN, "That username is taken.", field="username")
    # Not counted against the address's hashing budget too: at 20 an hour, registrations
    # are held below it by their own.
    account = Account(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=await accounts.hasher.hash(password, source=ip),
    )
    rows, codes = await _new_recovery_codes(accounts, account, ip)
    try:
        async with ending_sessions(accounts) as ending:
            await account.save()
            await RecoveryCode.bulk_create(rows)
            session, token = await _start_session(accounts, ending, account, device_label)
    except IntegrityError as error:
        # Two registrations raced for the same name; the unique index decided.
        raise AppError(
            ErrorCode.USERNAME_TAKEN, "That username is taken.", field="username"
        ) from error
    return Registered(account=account, session=session, token=token, recovery_codes=codes)


async def sign_in(
    accounts: Accounts, *, username: str, password: str, device_label: str, ip: str
) -> SignedIn:
    key = normalize_username(username)[:128]
    await accounts.throttle.attempt(SIGN_IN, key, ip)
    await accounts.throttle.hashing(ip)
    account = None
    if len(password) <= MAX_PASSWORD_LENGTH:
        account = await Account.get_or_none(username=key)
    # Verify even when there is no account, so both failures take the same time.
    ok = await accounts.hasher.verify(
        account.password_hash if account else None, password, source=ip
    )
    if not ok or account is None:
        raise _invalid_credentials()
    await accounts.throttle.succeeded(SIGN_IN, key, ip)
    if accounts.hasher.needs_rehash(account.password_hash):
        # Rare (only when the parameters change), so not counted against the address.
        account.password_hash = await accounts.hasher.hash(password, source=ip)
        await account.save(update_fields=["password_hash", "updated_at"])
    async with ending_sessions(accounts) as ending:
        session, token = await _start_session(accounts, ending, account, device_label)
    return SignedIn(account=account, session=session, token=token)


async def confirm_password(accounts: Accounts, account: Account, password: str, ip: str) -> None:
    """Check the signed-in user's password before a sensitive change; throttled like sign-in."""
    key = str(account.id)
    await accounts.throttle.attempt(CONFIRM, key, ip)
    await accounts.throttle.hashing(ip)
    if len(password) > MAX_PASSWORD_LENGTH or not await accounts.hasher.verify(
        account.password_hash, password, source=ip
    ):
        raise AppError(
            ErrorCode.INVALID_CREDENTIALS, "That password is not right.", field="password"
        )


async def change_password(
    accounts: Accounts, session: Session, *, current: str, new: str, ip: str
) -> SignedIn:
    """Set a new password and sign out every session, this device's too: it goes on
    with a new session, so its old token (perhaps the one that leaked) stops working."""
    account = session.account
    check_new_password(
        new, field="newPassword", username=account.username, display_name=account.display_name
    )
    await confirm_password(accounts, account, current, ip)
    await accounts.throttle.hashing(ip)
    account.password_hash = await accounts.hasher.hash(new, source=ip)
    async with ending_sessions(accounts) as ending:
        await account.save(update_fields=["password_hash", "updated_at"])
        await ending.end(Session.filter(account_id=account.id))
        renewed, token = await _start_session(accounts, ending, account, session.device_label)
    return SignedIn(account=account, session=renewed, token=token)


async def list_sessions(account: Account, expiry: Expiry) -> list[Session]:
    moment = now()
    sessions = await Session.filter(account_id=account.id).order_by("-last_seen_at", "-id")
    return [s for s in sessions if expiry.is_live(s.last_seen_at, s.expires_at, moment)]


async def sign_out(accounts: Accounts, session: Session) -> None:
    await end_sessions(accounts, Session.filter(id=session.id))


async def revoke_session(accounts: Accounts, account: Account, session_id: str) -> Session:
    """Sign out one of the user's own sessions; another account's looks just like a missing one."""
    target = await Session.get_or_none(id=parse_id(session_id), account_id=account.id)
    if target is None:
        raise not_found("session")
    await end_sessions(accounts, Session.filter(id=target.id))
    return target


async def regenerate_recovery_codes(
    accounts: Accounts, account: Account, *, password: str, ip: str
) -> list[str]:
    await confirm_password(accounts, account, password, ip)
    await accounts.throttle.hashing(ip, recovery.CODE_COUNT)
    rows, codes = await _new_recovery_codes(accounts, account, ip)
    async with in_transaction():
        await RecoveryCode.filter(account_id=account.id).delete()
        await RecoveryCode.bulk_create(rows)
    return codes


async def recoverable_codes(account: Account) -> int:
    return await RecoveryCode.filter(account_id=account.id, used_at=None).count()


async def recover_account(
    accounts: Accounts,
    *,
    username: str,
    code: str,
    new_password: str,
    device_label: str,
    ip: str,
) -> SignedIn:
    """Use one recovery code to set a new password; every old session is signed out."""
    key = normalize_username(username)[:128]
    # The display name is checked only once the code is right, so that a refusal
    # cannot tell a stranger anything about the account's name.
    check_new_password(new_password, field="newPassword", username=key)
    await accounts.throttle.attempt(RECOVER, key, ip)
    await accounts.throttle.hashing(ip)
    normalized = recovery.normalize_code(code[:MAX_CODE_INPUT])
    account = await Account.get_or_none(username=key)
    stored = None
    if account is not None and normalized is not None:
        stored = await RecoveryCode.get_or_none(
            account_id=account.id, lookup=recovery.lookup_of(normalized), used_at=None
        )
    ok = await accounts.hasher.verify(
        stored.code_hash if stored else None, normalized or code, source=ip
    )
    if not ok or stored is None or account is None:
        raise _invalid_credentials("recovery code")
    check_new_password(
        new_password, field="newPassword", username=key, display_name=account.display_name
    )
    await accounts.throttle.hashing(ip)
    password_hash = await accounts.hasher.hash(new_password, source=ip)
    async with ending_sessions(accounts) as ending:
        # The used_at filter makes the code single-use even when two requests race.
        claimed = await RecoveryCode.filter(id=stored.id, used_at=None).update(used_at=now())
        if not claimed:
            raise _invalid_credentials("recovery code")
        account.password_hash = password_hash
        await account.save(update_fields=["password_hash", "updated_at"])
        await ending.end(Session.filter(account_id=account.id))
        session, token = await _start_session(accounts, ending, account, device_label)
    await accounts.throttle.succeeded(RECOVER, key, ip)
    return SignedIn(account=account, session=session, token=token)


async def delete_account(accounts: Accounts, account: Account, *, password: str, ip: str) -> None:
    """Delete the account and, through ON DELETE CASCADE, everything that belongs to it."""
    await confirm_password(accounts, account, password, ip)
    for before in accounts.leaving:
        await before(account)
    async with ending_sessions(accounts) as ending:
        # The lock keeps a sign-in from adding a session between listing and deleting.
        await Account.filter(id=account.id).select_for_update().values_list("id", flat=True)
        await ending.end(Session.filter(account_id=account.id))
        await Account.filter(id=account.id).delete()
