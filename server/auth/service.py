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

from server.auth.keys import (
    CURRENT,
    AccountKeys,
    KdfParams,
    SealedCode,
    fake_seed,
)
from server.auth.keys import account_keys as check_account_keys
from server.auth.keys import auth_key as check_auth_key
from server.auth.keys import lookup as check_lookup
from server.auth.keys import recovery_codes as check_recovery_codes
from server.auth.keys import verifier as check_verifier
from server.auth.models import Account, RecoveryCode, Role, Session
from server.auth.passwords import Hasher
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

USERNAME_MAX = 64
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MAX_DISPLAY_NAME = 100
SIGN_IN, RECOVER, CONFIRM = "sign-in", "recover", "confirm-password"


@dataclass
class Accounts:
    """The collaborators account rules need; one per running app."""

    hasher: Hasher
    throttle: GuessThrottle
    expiry: Expiry
    # Keys the fake seeds of usernames without an account (keys.fake_seed).
    seed_secret: str
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


async def _account_named(key: str) -> Account | None:
    """The account with this normalised username; a name too long for one has none."""
    if len(key) > USERNAME_MAX:
        return None
    return await Account.get_or_none(username=key)


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


def _code_rows(account: Account, codes: list[SealedCode], hashes: list[str]) -> list[RecoveryCode]:
    return [
        RecoveryCode(
            account_id=account.id,
            lookup=code.lookup,
            code_hash=code_hash,
            sealed_account_key=code.sealed_account_key,
        )
        for code, code_hash in zip(codes, hashes, strict=True)
    ]


async def _hash_verifiers(accounts: Accounts, codes: list[SealedCode], ip: str) -> list[str]:
    """The verifiers' hashes, made before any transaction opens. The caller has counted them."""
    return [await accounts.hasher.hash(code.verifier, source=ip) for code in codes]


def _set_keys(account: Account, keys: AccountKeys) -> None:
    account.key_seed = keys.seed
    account.kdf_version = keys.params.version
    account.kdf_memory_kib = keys.params.memory_kib
    account.kdf_iterations = keys.params.iterations
    account.kdf_parallelism = keys.params.parallelism
    account.sealed_account_key = keys.sealed_account_key


KEY_FIELDS = [
    "password_hash",
    "key_seed",
    "kdf_version",
    "kdf_memory_kib",
    "kdf_iterations",
    "kdf_parallelism",
    "sealed_account_key",
    "updated_at",
]


async def key_params(accounts: Accounts, *, username: str, ip: str) -> tuple[str, KdfParams]:
    """The seed and parameters the device derives this username's keys with. A username
    without an account (or made before sealing) gets a stable fake seed and this
    version's parameters: the answer has the same shape, so it tells nobody anything."""
    await accounts.throttle.lookup(ip)
    key = normalize_username(username)[:128]
    account = await _account_named(key)
    if account is None or not account.key_seed:
        return fake_seed(accounts.seed_secret, key), CURRENT
    return account.key_seed, KdfParams(
        version=account.kdf_version,
        memory_kib=account.kdf_memory_kib,
        iterations=account.kdf_iterations,
        parallelism=account.kdf_parallelism,
    )


async def register(
    accounts: Accounts,
    *,
    username: str,
    auth_key: str,
    keys: AccountKeys,
    recovery_codes: list[SealedCode],
    display_name: str,
    role: Role,
    device_label: str,
    ip: str,
) -> SignedIn:
    username = valid_username(username)
    display_name = valid_display_name(display_name)
    check_auth_key(auth_key)
    check_account_keys(keys)
    check_recovery_codes(recovery_codes)
    await accounts.throttle.registration(ip)
    if await Account.exists(username=username):
        raise AppError(ErrorCode.USERNAME_TAKEN, "That username is taken.", field="username")
    # Not counted against the address's hashing budget too: at 20 an hour, registrations
    # are held below it by their own.
    account = Account(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=await accounts.hasher.hash(auth_key, source=ip),
    )
    _set_keys(account, keys)
    rows = _code_rows(account, recovery_codes, await _hash_verifiers(accounts, recovery_codes, ip))
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
    return SignedIn(account=account, session=session, token=token)


async def sign_in(
    accounts: Accounts, *, username: str, auth_key: str, device_label: str, ip: str
) -> SignedIn:
    check_auth_key(auth_key)
    key = normalize_username(username)[:128]
    await accounts.throttle.attempt(SIGN_IN, key, ip)
    await accounts.throttle.hashing(ip)
    account = await _account_named(key)
    # Verify even when there is no account, so both failures take the same time.
    ok = await accounts.hasher.verify(
        account.password_hash if account else None, auth_key, source=ip
    )
    if not ok or account is None:
        raise _invalid_credentials()
    await accounts.throttle.succeeded(SIGN_IN, key, ip)
    if accounts.hasher.needs_rehash(account.password_hash):
        # Rare (only when the parameters change), so not counted against the address.
        account.password_hash = await accounts.hasher.hash(auth_key, source=ip)
        await account.save(update_fields=["password_hash", "updated_at"])
    async with ending_sessions(accounts) as ending:
        session, token = await _start_session(accounts, ending, account, device_label)
    return SignedIn(account=account, session=session, token=token)


async def confirm_password(accounts: Accounts, account: Account, auth_key: str, ip: str) -> None:
    """Check the signed-in user's authentication key before a sensitive change; throttled
    like sign-in."""
    check_auth_key(auth_key)
    key = str(account.id)
    await accounts.throttle.attempt(CONFIRM, key, ip)
    await accounts.throttle.hashing(ip)
    if not await accounts.hasher.verify(account.password_hash, auth_key, source=ip):
        raise AppError(
            ErrorCode.INVALID_CREDENTIALS, "That password is not right.", field="authKey"
        )


async def change_password(
    accounts: Accounts,
    session: Session,
    *,
    current_auth_key: str,
    new_auth_key: str,
    keys: AccountKeys,
    ip: str,
) -> SignedIn:
    """Set a new password and sign out every session, this device's too: it goes on
    with a new session, so its old token (perhaps the one that leaked) stops working."""
    account = session.account
    check_auth_key(new_auth_key, "newAuthKey")
    check_account_keys(keys)
    if keys.seed == account.key_seed:
        # A new seed each time, so the old authentication key says nothing about the new.
        raise bad_input("keys.seed", "A new password needs a new seed.")
    await confirm_password(accounts, account, current_auth_key, ip)
    await accounts.throttle.hashing(ip)
    account.password_hash = await accounts.hasher.hash(new_auth_key, source=ip)
    _set_keys(account, keys)
    async with ending_sessions(accounts) as ending:
        await account.save(update_fields=KEY_FIELDS)
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
    accounts: Accounts, account: Account, *, auth_key: str, codes: list[SealedCode], ip: str
) -> None:
    check_recovery_codes(codes)
    await confirm_password(accounts, account, auth_key, ip)
    await accounts.throttle.hashing(ip, len(codes))
    rows = _code_rows(account, codes, await _hash_verifiers(accounts, codes, ip))
    async with in_transaction():
        await RecoveryCode.filter(account_id=account.id).delete()
        await RecoveryCode.bulk_create(rows)


async def recoverable_codes(account: Account) -> int:
    return await RecoveryCode.filter(account_id=account.id, used_at=None).count()


async def _checked_code(
    accounts: Accounts, *, username: str, lookup: str, verifier: str, ip: str
) -> tuple[Account, RecoveryCode]:
    """The account and its unused code that this lookup and verifier show, counted as a
    guess like a sign-in; an unknown username gets the same answer as a wrong code."""
    check_lookup(lookup)
    check_verifier(verifier)
    key = normalize_username(username)[:128]
    await accounts.throttle.attempt(RECOVER, key, ip)
    await accounts.throttle.hashing(ip)
    account = await _account_named(key)
    stored = None
    if account is not None:
        stored = await RecoveryCode.get_or_none(account_id=account.id, lookup=lookup, used_at=None)
    ok = await accounts.hasher.verify(stored.code_hash if stored else None, verifier, source=ip)
    if not ok or stored is None or account is None:
        raise _invalid_credentials("recovery code")
    return account, stored


async def open_recovery(
    accounts: Accounts, *, username: str, lookup: str, verifier: str, ip: str
) -> str:
    """The account key sealed by this recovery code, for the device to open. Uses nothing up."""
    _account, stored = await _checked_code(
        accounts, username=username, lookup=lookup, verifier=verifier, ip=ip
    )
    return stored.sealed_account_key


async def recover_account(
    accounts: Accounts,
    *,
    username: str,
    lookup: str,
    verifier: str,
    new_auth_key: str,
    keys: AccountKeys,
    device_label: str,
    ip: str,
) -> SignedIn:
    """Use one recovery code to set a new password; every old session is signed out."""
    check_auth_key(new_auth_key, "newAuthKey")
    check_account_keys(keys)
    account, stored = await _checked_code(
        accounts, username=username, lookup=lookup, verifier=verifier, ip=ip
    )
    await accounts.throttle.hashing(ip)
    account.password_hash = await accounts.hasher.hash(new_auth_key, source=ip)
    _set_keys(account, keys)
    async with ending_sessions(accounts) as ending:
        # The used_at filter makes the code single-use even when two requests race.
        claimed = await RecoveryCode.filter(id=stored.id, used_at=None).update(used_at=now())
        if not claimed:
            raise _invalid_credentials("recovery code")
        await account.save(update_fields=KEY_FIELDS)
        await ending.end(Session.filter(account_id=account.id))
        session, token = await _start_session(accounts, ending, account, device_label)
    await accounts.throttle.succeeded(RECOVER, account.username, ip)
    return SignedIn(account=account, session=session, token=token)


async def delete_account(accounts: Accounts, account: Account, *, auth_key: str, ip: str) -> None:
    """Delete the account and, through ON DELETE CASCADE, everything that belongs to it."""
    await confirm_password(accounts, account, auth_key, ip)
    for before in accounts.leaving:
        await before(account)
    async with ending_sessions(accounts) as ending:
        # The lock keeps a sign-in from adding a session between listing and deleting.
        await Account.filter(id=account.id).select_for_update().values_list("id", flat=True)
        await ending.end(Session.filter(account_id=account.id))
        await Account.filter(id=account.id).delete()
