"""Sharing's part of a person's export: links, their own shares, and the access log.

For a client, the access log lists every time a therapist opened one of their shared
letters. This is the only place the API ever says so.
"""

from __future__ import annotations

from tortoise.expressions import Q

from server.auth.models import Account
from server.clock import iso
from server.sharing.models import AccessLogEntry, LetterShare, SharingLink


async def sharing_export(account: Account) -> dict:
    either_side = Q(client_id=account.id) | Q(therapist_id=account.id)
    links = await SharingLink.filter(either_side).order_by("created_at")
    shares = await LetterShare.filter(client_id=account.id).order_by("created_at")
    entries = await AccessLogEntry.filter(either_side).order_by("position")
    return {
        "sharingLinks": [
            {
                "id": str(link.id),
                "clientId": str(link.client_id),
                "therapistId": str(link.therapist_id),
                "linkedAt": iso(link.created_at),
                "endedAt": iso(link.ended_at),
            }
            for link in links
        ],
        "shares": [
            {
                "id": str(share.id),
                "letterId": str(share.letter_id),
                "therapistId": str(share.therapist_id),
                "title": share.title,
                "body": share.body,
                "note": share.note,
                "delivery": share.delivery.value,
                "deliverAt": iso(share.deliver_at),
                "status": share.status.value,
                "edition": share.edition,
                "sharedAt": iso(share.shared_at),
                "deliveredAt": iso(share.delivered_at),
                "withdrawnAt": iso(share.withdrawn_at),
                "cancelledAt": iso(share.cancelled_at),
            }
            for share in shares
        ],
        "accessLog": [
            {
                "position": entry.position,
                "at": iso(entry.at),
                "event": entry.event,
                "clientId": str(entry.client_id),
                "therapistId": str(entry.therapist_id),
                "shareId": str(entry.share_id),
                "deviceOpenedAt": entry.device_opened_at,
                "hash": entry.hash,
            }
            for entry in entries
        ],
    }
