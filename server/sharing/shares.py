"""Sharing one letter: hold, deliver, cancel, withdraw, resend, and the therapist opening it.

Rules and authorization live here; resolvers only translate. Every change to a share
happens with its row locked (`SELECT … FOR UPDATE`), always before the therapist's
change counter, so a client cancelling, the delivery job and an unlink can race in
any order and the share still ends in exactly one state.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from tortoise.transactions import in_transaction

from server import clock
from server.auth.models import Account, Role
from server.errors import AppError, ErrorCode, bad_input, not_found
from server.inputs import parse_id
from server.letters.words import Words, words_to_share
from server.metrics import DELIVERY_LAG
from server.sharing import access_log
from server.sharing.feed import put_snapshot, remove_snapshot
from server.sharing.models import Delivery, LetterShare, ShareStatus, SharingLink
from server.sharing.openings import Openings, check_device_time
from server.sharing.when import delivery_time
from server.sync.changes import Counters, counted_writes
from server.sync.fields import Moment, Text, checked
from server.sync.models import SyncRecord
from server.sync.pokes import Pokes

log = logging.getLogger("between.sharing")
MAX_NOTE = 2000

# Why a share in each state cannot take an action meant for another state.
_REFUSALS = {
    ShareStatus.HELD: (
        ErrorCode.NOT_DELIVERED,
        "This letter has not been delivered yet. You can cancel it instead.",
    ),
    ShareStatus.DELIVERED: (
        ErrorCode.ALREADY_DELIVERED,
        "This letter has already been delivered. You can withdraw it instead.",
    ),
    ShareStatus.WITHDRAWN: (ErrorCode.ALREADY_WITHDRAWN, "This letter was already withdrawn."),
    ShareStatus.CANCELLED: (ErrorCode.ALREADY_CANCELLED, "This share was already cancelled."),
}
OPEN = (ShareStatus.HELD, ShareStatus.DELIVERED)


def require_role(account: Account, role: Role) -> None:
    if account.role != role:
        who = "clients" if role is Role.CLIENT else "therapists"
        raise AppError(ErrorCode.FORBIDDEN, f"Only {who} can do this.")


def _require_status(share: LetterShare, *allowed: ShareStatus) -> None:
    if share.status not in allowed:
        code, message = _REFUSALS[share.status]
        raise AppError(code, message)


def _take_words(share: LetterShare, words: Words, moment: datetime) -> None:
    share.letter_version = words.version
    share.title = words.title
    share.body = words.body
    share.shared_at = moment


async def deliver(writes: Counters, share: LetterShare, moment: datetime) -> None:
    """Put a held share's snapshot into the therapist's feed. The share row is locked."""
    share.status = ShareStatus.DELIVERED
    share.delivered_at = moment
    await put_snapshot(writes, share)
    await share.save()


async def end_share(writes: Counters, share: LetterShare, moment: datetime) -> None:
    """Cancel a held share, or withdraw a delivered one. The share row is locked."""
    if share.status is ShareStatus.HELD:
        share.status = ShareStatus.CANCELLED
        share.cancelled_at = moment
    elif share.status is ShareStatus.DELIVERED:
        await remove_snapshot(writes, share, moment)
        share.status = ShareStatus.WITHDRAWN
        share.withdrawn_at = moment
    else:
        return
    await share.save()


async def share_letter(
    client: Account,
    pokes: Pokes,
    *,
    letter_id: str,
    link_id: str,
    delivery: Delivery,
    note: str | None = None,
    share_id: str | None = None,
    deliver_at: str | None = None,
    time_zone: str | None = None,
    letter_version: int | None = None,
    title: str | None = None,
    body: str | None = None,
) -> LetterShare:
    """Share one letter through one of the client's links: the words the device showed
    in its preview, of the letter at `letter_version`. A repeat with the same `share_id`
    returns the first share, so a retry after a lost answer is harmless."""
    require_role(client, Role.CLIENT)
    letter = parse_id(letter_id, "letterId")
    link_key = parse_id(link_id, "linkId")
    key = parse_id(share_id) if share_id is not None else uuid.uuid4()
    note = checked(Text(MAX_NOTE), note or "", "note")
    moment = clock.now()
    if share_id is not None:
        earlier = await LetterShare.get_or_none(id=key)
        if earlier is not None:
            if earlier.client_id != client.id or earlier.letter_id != letter:
                raise bad_input("id", "That share id is already in use.")
            await earlier.fetch_related("therapist")
            return earlier
    deliver_time = delivery_time(delivery, moment, deliver_at=deliver_at, time_zone=time_zone)
    words = await words_to_share(client.id, letter, letter_version, title, body)
    async with counted_writes(pokes) as writes:
        # The link's row lock orders this share behind an unlink running at the same time.
        link = await SharingLink.filter(id=link_key, client_id=client.id).select_for_update()
        if not link:
            raise not_found("link")
        if link[0].ended_at is not None:
            raise AppError(
                ErrorCode.NOT_LINKED,
                "You are no longer linked with this therapist.",
                field="linkId",
            )
        share = LetterShare(
            id=key,
            client_id=client.id,
            therapist_id=link[0].therapist_id,
            link_id=link_key,
            letter_id=letter,
            note=note,
            client_name=client.display_name,
            delivery=delivery,
            deliver_at=deliver_time,
        )
        _take_words(share, words, moment)
        await share.save(force_create=True)
        if delivery is Delivery.NOW:
            await deliver(writes, share, moment)
    await share.fetch_related("therapist")
    return share


async def _change_own_share(client: Account, share_id: str, pokes: Pokes, change) -> LetterShare:
    """Run `change(writes, share, moment)` on one of the client's shares, row locked;
    returns the share with its therapist loaded."""
    require_role(client, Role.CLIENT)
    key = parse_id(share_id)
    async with counted_writes(pokes) as writes:
        found = await LetterShare.filter(id=key, client_id=client.id).select_for_update()
        if not found:
            raise not_found("share")
        share = found[0]
        await change(writes, share, clock.now())
    await share.fetch_related("therapist")
    return share


async def _end_own_share(
    client: Account, share_id: str, pokes: Pokes, status: ShareStatus
) -> LetterShare:
    async def end(writes, share, moment):
        _require_status(share, status)
        await end_share(writes, share, moment)

    return await _change_own_share(client, share_id, pokes, end)


async def cancel_share(client: Account, share_id: str, pokes: Pokes) -> LetterShare:
    """Cancel a held share. The therapist never learns it existed."""
    return await _end_own_share(client, share_id, pokes, ShareStatus.HELD)


async def withdraw_share(client: Account, share_id: str, pokes: Pokes) -> LetterShare:
    """Withdraw a delivered share: it leaves the therapist's feed and devices."""
    return await _end_own_share(client, share_id, pokes, ShareStatus.DELIVERED)


async def resend_share(
    client: Account,
    share_id: str,
    pokes: Pokes,
    words: tuple[object, object, object],
    note: str | None = None,
) -> LetterShare:
    """Send the letter's current words, (version, title, body) as the device holds it,
    in place of the ones shared. A held share stays held with the new words; a delivered
    one has its snapshot replaced now (its edition goes up). `note=None` keeps the note;
    an empty note removes it."""
    new_note = None if note is None else checked(Text(MAX_NOTE), note, "note")

    async def resend(writes, share, moment):
        _require_status(share, *OPEN)
        _take_words(share, await words_to_share(client.id, share.letter_id, *words), moment)
        if new_note is not None:
            share.note = new_note
        if share.status is ShareStatus.DELIVERED:
            share.edition += 1
            share.delivered_at = moment
            await put_snapshot(writes, share)
        await share.save()

    return await _change_own_share(client, share_id, pokes, resend)


async def my_shares(client: Account, letter_id: str | None = None) -> list[LetterShare]:
    require_role(client, Role.CLIENT)
    shares = LetterShare.filter(client_id=client.id)
    if letter_id is not None:
        shares = shares.filter(letter_id=parse_id(letter_id, "letterId"))
    return await shares.order_by("-created_at").select_related("therapist")


async def open_shared_letter(
    therapist: Account, snapshot_id: str, openings: Openings, opened_at: str | None = None
) -> SyncRecord:
    """The snapshot's words for the reading view, and an entry in the access log. An
    opening a device made offline is reported later with the device's own `opened_at`."""
    require_role(therapist, Role.THERAPIST)
    key = parse_id(snapshot_id)
    device_time = None if opened_at is None else checked(Moment(), opened_at, "openedAt")
    await openings.count_open(therapist.id)
    async with in_transaction() as connection:
        found = await LetterShare.filter(
            snapshot_id=key, therapist_id=therapist.id, status=ShareStatus.DELIVERED
        ).select_for_update()
        if not found:
            raise not_found("letter")
        moment = clock.now()
        if device_time is not None:
            await check_device_time(found[0], datetime.fromisoformat(device_time), moment)
        record = await SyncRecord.get(id=key)
        await access_log.append_opened(connection, found[0], moment, device_time)
    return record


async def report_opening(
    therapist: Account, snapshot_id: str, opened_at: str, openings: Openings
) -> None:
    """An opening a device made offline, reported when it is back online. The client may
    have withdrawn the letter meanwhile: the device held the words until its next pull,
    so any share ever delivered to this therapist is logged. No words are returned.
    Counted against the therapist's budget before anything is looked up."""
    require_role(therapist, Role.THERAPIST)
    key = parse_id(snapshot_id)
    device_time = checked(Moment(), opened_at, "openedAt")
    await openings.count_report(therapist.id)
    async with in_transaction() as connection:
        found = await LetterShare.filter(
            snapshot_id=key, therapist_id=therapist.id, delivered_at__isnull=False
        ).select_for_update()
        if not found:
            raise not_found("letter")
        moment = clock.now()
        await check_device_time(found[0], datetime.fromisoformat(device_time), moment)
        await access_log.append_opened(connection, found[0], moment, device_time)


async def deliver_due(pokes: Pokes, moment: datetime | None = None) -> list[uuid.UUID]:
    """Deliver every held share that is due, one transaction each. Safe to run in several
    processes at once: each claims a share with `FOR UPDATE SKIP LOCKED` (on PostgreSQL),
    so no two deliver the same one, and a delivered share is no longer held."""
    moment = moment or clock.now()
    delivered: list[uuid.UUID] = []
    failed: list[uuid.UUID] = []
    while True:
        share = None
        try:
            async with counted_writes(pokes) as writes:
                share = (
                    await LetterShare.filter(status=ShareStatus.HELD, deliver_at__lte=moment)
                    .exclude(id__in=failed)
                    .order_by("deliver_at")
                    .select_for_update(skip_locked=True)
                    .first()
                )
                if share is None:
                    return delivered
                await deliver(writes, share, moment)
            delivered.append(share.id)
            DELIVERY_LAG.observe(max(0.0, (clock.now() - share.deliver_at).total_seconds()))
        except Exception:
            if share is None:
                raise
            # One share that cannot be delivered must not hold back all the others.
            log.exception("Could not deliver share %s", share.id)
            failed.append(share.id)
