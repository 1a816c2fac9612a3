"""Connect codes and links: how a client comes to share with a therapist, and stops.

A therapist asks for a connect code: ten Crockford base32 characters (50 bits), shown
once, stored only as a SHA-256 hash, valid for BETWEEN_CONNECT_CODE_HOURS and for one
client. Asking again replaces it. Every attempt to use a code counts against the
guess budgets per account, per address and per both, so guessing one is hopeless.
Either side can end a link; that cancels what is held and withdraws what was delivered.
A code that stopped working is kept for CODE_MEMORY_DAYS, so that someone typing it
hears why ("used", "expired") rather than "wrong"; then its hash is deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import clock
from server.auth import key_pairs, recovery
from server.auth.models import Account, Role
from server.auth.sessions import token_hash
from server.auth.throttle import GuessThrottle
from server.errors import AppError, ErrorCode, bad_input, not_found
from server.inputs import parse_id
from server.sharing.models import CodeState, ConnectCode, LetterShare, SharingLink
from server.sharing.shares import OPEN, end_share, require_role
from server.sync.changes import counted_writes
from server.sync.pokes import Pokes

CODE_LENGTH = 10
CODE_GROUP = 5
MAX_CODE_INPUT = 64
GUESS_SCOPE = "connect-code"
CODE_MEMORY_DAYS = 30
# A safety number: 12 groups of 5 digits, sent without the spaces (docs/crypto.md).
SAFETY_NUMBER = re.compile(r"[0-9]{60}")


@dataclass(frozen=True)
class NewCode:
    code: str
    expires_at: datetime


async def new_connect_code(therapist: Account, lifetime: timedelta) -> NewCode:
    """A fresh code for the therapist to give one client; the previous one stops working."""
    require_role(therapist, Role.THERAPIST)
    code = recovery.random_code(CODE_LENGTH, CODE_GROUP)
    moment = clock.now()
    expires_at = moment + lifetime
    async with in_transaction():
        await ConnectCode.filter(therapist_id=therapist.id, state=CodeState.ACTIVE).update(
            state=CodeState.REPLACED, ended_at=moment
        )
        await ConnectCode.create(
            therapist_id=therapist.id,
            code_hash=token_hash(recovery.normalize_made_code(code, CODE_LENGTH)),
            expires_at=expires_at,
        )
    return NewCode(code, expires_at)


async def forget_old_codes(days: int = CODE_MEMORY_DAYS) -> int:
    """Delete codes that were used, replaced or expired more than `days` ago."""
    cutoff = clock.now() - timedelta(days=days)
    return await ConnectCode.filter(
        Q(state=CodeState.ACTIVE, expires_at__lt=cutoff)
        | Q(state__in=[CodeState.USED, CodeState.REPLACED], ended_at__lt=cutoff)
    ).delete()


async def current_code_expiry(therapist: Account) -> datetime | None:
    """When the therapist's code expires, if one is still usable. The code itself is not
    kept, so it cannot be shown again."""
    require_role(therapist, Role.THERAPIST)
    code = await ConnectCode.filter(
        therapist_id=therapist.id, state=CodeState.ACTIVE, expires_at__gt=clock.now()
    ).first()
    return code.expires_at if code else None


async def _usable_code(throttle: GuessThrottle, client: Account, code: str, ip: str):
    require_role(client, Role.CLIENT)
    await throttle.attempt(GUESS_SCOPE, str(client.id), ip)
    normalized = recovery.normalize_code(code[:MAX_CODE_INPUT], CODE_LENGTH)
    found = None
    if normalized is not None:
        found = await ConnectCode.get_or_none(code_hash=token_hash(normalized)).select_related(
            "therapist"
        )
    if found is None:
        raise AppError(
            ErrorCode.CONNECT_CODE_INVALID, "That code is not right. Please check it.", field="code"
        )
    if found.state is not CodeState.ACTIVE:
        raise AppError(
            ErrorCode.CONNECT_CODE_USED,
            "That code has already been used or replaced. Please ask for a new one.",
            field="code",
        )
    if found.expires_at <= clock.now():
        raise AppError(
            ErrorCode.CONNECT_CODE_EXPIRED,
            "That code has expired. Please ask for a new one.",
            field="code",
        )
    return found


async def _active_link(client_id, therapist_id) -> SharingLink | None:
    return await SharingLink.filter(
        client_id=client_id, therapist_id=therapist_id, ended_at=None
    ).first()


@dataclass(frozen=True)
class CodeMatch:
    therapist: Account
    expires_at: datetime
    already_linked: bool


async def look_up_code(throttle: GuessThrottle, client: Account, code: str, ip: str) -> CodeMatch:
    """Whose code this is, so the client can see the name before confirming."""
    found = await _usable_code(throttle, client, code, ip)
    linked = await _active_link(client.id, found.therapist_id)
    return CodeMatch(found.therapist, found.expires_at, linked is not None)


async def link_with_code(
    throttle: GuessThrottle, pokes: Pokes, client: Account, code: str, ip: str
) -> SharingLink:
    """Confirm: link the client with the code's therapist, using the code up."""
    found = await _usable_code(throttle, client, code, ip)
    async with counted_writes(pokes) as writes:
        # The client's counter lock orders two confirmations by the same client.
        await writes.lock(client.id)
        if await _active_link(client.id, found.therapist_id) is not None:
            raise AppError(
                ErrorCode.ALREADY_LINKED, "You are already linked with them.", field="code"
            )
        claimed = await ConnectCode.filter(id=found.id, state=CodeState.ACTIVE).update(
            state=CodeState.USED, ended_at=clock.now()
        )
        if not claimed:
            raise AppError(
                ErrorCode.CONNECT_CODE_USED, "That code has just been used.", field="code"
            )
        link = await SharingLink.create(client_id=client.id, therapist_id=found.therapist_id)
    link.therapist = found.therapist
    return link


async def my_links(account: Account) -> list[SharingLink]:
    """The account's current links, with both people loaded."""
    return (
        await SharingLink.filter(
            Q(client_id=account.id) | Q(therapist_id=account.id), ended_at=None
        )
        .order_by("created_at")
        .select_related("client", "therapist")
    )


async def partner_keys(viewer: Account, account_id: str) -> Account | None:
    """The public keys of someone the viewer is linked with now, or None if they have not
    made their pairs yet. An unknown account, or one not linked with the viewer (any
    longer), is NOT_FOUND, exactly alike: keys say nothing about who else has an account."""
    key = parse_id(account_id, "accountId")
    linked = await SharingLink.filter(
        Q(client_id=viewer.id, therapist_id=key) | Q(therapist_id=viewer.id, client_id=key),
        ended_at=None,
    ).select_related("client", "therapist")
    if not linked:
        raise not_found("person")
    link = linked[0]
    other = link.therapist if link.client_id == viewer.id else link.client
    return other if key_pairs.has_pairs(other) else None


def compared_by(link: SharingLink, viewer: Account) -> str | None:
    """The safety number the viewer's side said they compared, if any."""
    mark = link.client_compared if link.client_id == viewer.id else link.therapist_compared
    return mark or None


async def mark_compared(viewer: Account, link_id: str, safety_number: str) -> SharingLink:
    """The viewer compared this safety number with the other person. The server cannot
    tell whether the number is right; each device checks it against the keys as they are
    (a number that no longer matches shows the link as not compared)."""
    key = parse_id(link_id, "linkId")
    digits = safety_number.replace(" ", "")
    if not SAFETY_NUMBER.fullmatch(digits):
        raise bad_input("safetyNumber", "A safety number is 60 digits, in 12 groups of 5.")
    found = await SharingLink.get_or_none(
        Q(client_id=viewer.id) | Q(therapist_id=viewer.id), id=key
    ).select_related("client", "therapist")
    if found is None:
        raise not_found("link")
    if found.ended_at is not None:
        raise AppError(ErrorCode.NOT_LINKED, "This link has already ended.", field="linkId")
    if found.client_id == viewer.id:
        found.client_compared = digits
        await found.save(update_fields=["client_compared"])
    else:
        found.therapist_compared = digits
        await found.save(update_fields=["therapist_compared"])
    return found


async def _end_link(writes, link: SharingLink, moment: datetime) -> None:
    """The link's row is locked: close every open share made through it, then end it."""
    shares = await LetterShare.filter(link_id=link.id, status__in=list(OPEN)).select_for_update()
    for share in shares:
        await end_share(writes, share, moment)
    link.ended_at = moment
    await link.save(update_fields=["ended_at"])


async def unlink(account: Account, link_id: str, pokes: Pokes) -> None:
    """End a link from either side."""
    key = parse_id(link_id, "linkId")
    async with counted_writes(pokes) as writes:
        found = await SharingLink.filter(
            Q(client_id=account.id) | Q(therapist_id=account.id), id=key
        ).select_for_update()
        if not found:
            raise not_found("link")
        if found[0].ended_at is not None:
            raise AppError(ErrorCode.NOT_LINKED, "This link has already ended.", field="linkId")
        await _end_link(writes, found[0], clock.now())


async def account_leaving(account: Account, pokes: Pokes) -> None:
    """Before an account is deleted: end its links, so that a client's delivered letters
    leave their therapists' feeds as tombstones rather than lingering there."""
    async with counted_writes(pokes) as writes:
        links = await SharingLink.filter(
            Q(client_id=account.id) | Q(therapist_id=account.id), ended_at=None
        ).select_for_update()
        moment = clock.now()
        for link in links:
            await _end_link(writes, link, moment)
