"""GraphQL for sharing: connect codes, links, shares, and the therapist's reading view.

The therapist's list of shared letters is their own feed (`pull`, kind `shared_letter`);
`openSharedLetter` is what the reading view calls, and what the access log records.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

import strawberry
from strawberry.types import Info

from server.auth import key_pairs
from server.auth.models import Account
from server.auth.schema import PublicKeys
from server.context import Context
from server.sharing import links, models, shares
from server.sharing.openings import Openings
from server.sync.models import SyncRecord

# The model's own enum, made a GraphQL enum in place.
Delivery = models.Delivery
strawberry.enum(Delivery, description="When a shared letter reaches the therapist.")


@strawberry.enum(description="Where a share is. There is deliberately no 'read'.")
class ShareStatus(Enum):
    HELD = models.ShareStatus.HELD.value
    DELIVERED = models.ShareStatus.DELIVERED.value
    WITHDRAWN = models.ShareStatus.WITHDRAWN.value
    CANCELLED = models.ShareStatus.CANCELLED.value


@strawberry.type(description="A new connect code: shown this once, for one client.")
class NewConnectCode:
    code: str
    expires_at: datetime


@strawberry.type(description="Whose connect code this is, before the client confirms.")
class ConnectCodeMatch:
    therapist_name: str
    expires_at: datetime
    already_linked: bool


@strawberry.type(description="A current link between a client and a therapist.")
class SharingLink:
    id: strawberry.ID
    person_id: strawberry.ID = strawberry.field(description="The other person's account id.")
    person_name: str = strawberry.field(description="The other person's display name.")
    linked_at: datetime
    compared_safety_number: str | None = strawberry.field(
        description="The safety number (60 digits) this side said they compared, or null. "
        "The link is compared only while it equals the number of the keys as they are now."
    )
    person_keys: PublicKeys | None = strawberry.field(
        description="The other person's public keys, or null until they have made them."
    )

    @classmethod
    def from_model(cls, link: models.SharingLink, viewer: Account) -> SharingLink:
        other = link.therapist if link.client_id == viewer.id else link.client
        return cls(
            id=strawberry.ID(str(link.id)),
            person_id=strawberry.ID(str(other.id)),
            person_name=other.display_name,
            linked_at=link.created_at,
            compared_safety_number=links.compared_by(link, viewer),
            person_keys=PublicKeys.from_model(other) if key_pairs.has_pairs(other) else None,
        )


@strawberry.type(description="One letter the client shared, as the client sees it.")
class Share:
    id: strawberry.ID
    letter_id: strawberry.ID
    link_id: strawberry.ID
    therapist_name: str
    title: str = strawberry.field(description="The letter's title as it was shared.")
    body: str = strawberry.field(description="The letter's words as they were shared.")
    note: str
    delivery: Delivery
    deliver_at: datetime
    status: ShareStatus
    edition: int = strawberry.field(description="1, then one more for each resend.")
    shared_at: datetime = strawberry.field(description="When these words were taken.")
    created_at: datetime
    delivered_at: datetime | None
    withdrawn_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def from_model(cls, share: models.LetterShare) -> Share:
        """`share.therapist` must be loaded."""
        return cls(
            id=strawberry.ID(str(share.id)),
            letter_id=strawberry.ID(str(share.letter_id)),
            link_id=strawberry.ID(str(share.link_id)),
            therapist_name=share.therapist.display_name,
            title=share.title,
            body=share.body,
            note=share.note,
            delivery=share.delivery,
            deliver_at=share.deliver_at,
            status=ShareStatus(share.status.value),
            edition=share.edition,
            shared_at=share.shared_at,
            created_at=share.created_at,
            delivered_at=share.delivered_at,
            withdrawn_at=share.withdrawn_at,
            cancelled_at=share.cancelled_at,
        )


@strawberry.type(description="A shared letter in the therapist's reading view.")
class SharedLetter:
    id: strawberry.ID
    client_id: strawberry.ID
    client_name: str
    title: str
    body: str
    note: str
    shared_at: datetime
    delivered_at: datetime
    edition: int
    discussed_in_session: bool

    @classmethod
    def from_record(cls, record: SyncRecord) -> SharedLetter:
        data = record.data
        return cls(
            id=strawberry.ID(str(record.id)),
            client_id=strawberry.ID(data["clientId"]),
            client_name=data["clientName"],
            title=data["title"],
            body=data["body"],
            note=data["note"],
            shared_at=datetime.fromisoformat(data["sharedAt"]),
            delivered_at=datetime.fromisoformat(data["deliveredAt"]),
            edition=data["edition"],
            discussed_in_session=data.get("discussedInSession", False),
        )


@strawberry.input(description="What to share, with whom, and when.")
class ShareLetterInput:
    letter_id: strawberry.ID
    link_id: strawberry.ID
    delivery: Delivery
    id: strawberry.ID | None = strawberry.field(
        default=None, description="A UUID made by the device, so that a retry is harmless."
    )
    note: str | None = strawberry.field(default=None, description="At most 2,000 characters.")
    deliver_at: str | None = strawberry.field(
        default=None,
        description="AT_TIME, and NEXT_SESSION (from the device's plans): an ISO 8601 time "
        "with its UTC offset.",
    )
    time_zone: str | None = strawberry.field(
        default=None, description="TOMORROW_MORNING: the client's IANA time zone."
    )
    letter_version: int | None = strawberry.field(
        default=None,
        description="The letter version the preview showed; refused if the letter changed.",
    )
    title: str | None = strawberry.field(
        default=None, description="The letter's title as the preview showed it."
    )
    body: str | None = strawberry.field(
        default=None, description="The letter's words as the preview showed them."
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="Therapists: when the current connect code expires, or null if none."
    )
    async def connect_code_expires_at(self, info: Info[Context, None]) -> datetime | None:
        return await links.current_code_expiry(info.context.require_account())

    @strawberry.field(description="Clients: whose connect code this is. Counts as an attempt.")
    async def look_up_connect_code(self, info: Info[Context, None], code: str) -> ConnectCodeMatch:
        ctx = info.context
        match = await links.look_up_code(ctx.accounts.throttle, ctx.require_account(), code, ctx.ip)
        return ConnectCodeMatch(
            therapist_name=match.therapist.display_name,
            expires_at=match.expires_at,
            already_linked=match.already_linked,
        )

    @strawberry.field(description="The current links of the signed-in account.")
    async def sharing_links(self, info: Info[Context, None]) -> list[SharingLink]:
        account = info.context.require_account()
        return [SharingLink.from_model(link, account) for link in await links.my_links(account)]

    @strawberry.field(
        description="The public keys of someone linked with you now; null until they have "
        "made them. Anyone else is NOT_FOUND."
    )
    async def public_keys(
        self, info: Info[Context, None], account_id: strawberry.ID
    ) -> PublicKeys | None:
        other = await links.partner_keys(info.context.require_account(), str(account_id))
        return None if other is None else PublicKeys.from_model(other)

    @strawberry.field(description="Clients: their shares, newest first.")
    async def my_shares(
        self, info: Info[Context, None], letter_id: strawberry.ID | None = None
    ) -> list[Share]:
        found = await shares.my_shares(
            info.context.require_account(), None if letter_id is None else str(letter_id)
        )
        return [Share.from_model(s) for s in found]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Therapists: a new connect code; the old one stops working.")
    async def new_connect_code(self, info: Info[Context, None]) -> NewConnectCode:
        ctx = info.context
        lifetime = timedelta(hours=ctx.settings.connect_code_hours)
        made = await links.new_connect_code(ctx.require_account(), lifetime)
        return NewConnectCode(code=made.code, expires_at=made.expires_at)

    @strawberry.mutation(description="Clients: link with the therapist whose code this is.")
    async def link_with_therapist(self, info: Info[Context, None], code: str) -> SharingLink:
        ctx = info.context
        account = ctx.require_account()
        link = await links.link_with_code(ctx.accounts.throttle, ctx.pokes, account, code, ctx.ip)
        return SharingLink.from_model(link, account)

    @strawberry.mutation(
        description="Either side: end a link. Held shares are cancelled, delivered ones withdrawn."
    )
    async def unlink(self, info: Info[Context, None], link_id: strawberry.ID) -> bool:
        ctx = info.context
        await links.unlink(ctx.require_account(), str(link_id), ctx.pokes)
        return True

    @strawberry.mutation(
        description="Either side: say you compared this link's safety number (60 digits) "
        "with the other person."
    )
    async def mark_safety_number_compared(
        self, info: Info[Context, None], link_id: strawberry.ID, safety_number: str
    ) -> SharingLink:
        account = info.context.require_account()
        link = await links.mark_compared(account, str(link_id), safety_number)
        return SharingLink.from_model(link, account)

    @strawberry.mutation(description="Clients: share one letter through one link.")
    async def share_letter(self, info: Info[Context, None], input: ShareLetterInput) -> Share:
        ctx = info.context
        share = await shares.share_letter(
            ctx.require_account(),
            ctx.pokes,
            letter_id=str(input.letter_id),
            link_id=str(input.link_id),
            delivery=models.Delivery(input.delivery),
            note=input.note,
            share_id=None if input.id is None else str(input.id),
            deliver_at=input.deliver_at,
            time_zone=input.time_zone,
            letter_version=input.letter_version,
            title=input.title,
            body=input.body,
        )
        return Share.from_model(share)

    @strawberry.mutation(description="Clients: cancel a held share; no trace reaches anyone.")
    async def cancel_share(self, info: Info[Context, None], id: strawberry.ID) -> Share:
        ctx = info.context
        return Share.from_model(
            await shares.cancel_share(ctx.require_account(), str(id), ctx.pokes)
        )

    @strawberry.mutation(description="Clients: withdraw a delivered share from the therapist.")
    async def withdraw_share(self, info: Info[Context, None], id: strawberry.ID) -> Share:
        ctx = info.context
        return Share.from_model(
            await shares.withdraw_share(ctx.require_account(), str(id), ctx.pokes)
        )

    @strawberry.mutation(
        description="Clients: send the letter's current words (as the device holds it at "
        "`letterVersion`) instead. Null note keeps it."
    )
    async def resend_share(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        note: str | None = None,
        letter_version: int | None = None,
        title: str | None = None,
        body: str | None = None,
    ) -> Share:
        ctx = info.context
        words = (letter_version, title, body)
        share = await shares.resend_share(ctx.require_account(), str(id), ctx.pokes, words, note)
        return Share.from_model(share)

    @strawberry.mutation(
        description="Therapists: the words for the reading view. Each call is recorded in the "
        "access log; `openedAt` (with offset) reports an opening made offline."
    )
    async def open_shared_letter(
        self, info: Info[Context, None], id: strawberry.ID, opened_at: str | None = None
    ) -> SharedLetter:
        ctx = info.context
        openings = Openings(ctx.accounts.throttle.budgets)
        record = await shares.open_shared_letter(
            ctx.require_account(), str(id), openings, opened_at
        )
        return SharedLetter.from_record(record)

    @strawberry.mutation(
        description="Therapists: record an opening a device made offline, at `openedAt` "
        "(with offset), even if the letter was withdrawn since. Returns no words."
    )
    async def report_opening(
        self, info: Info[Context, None], id: strawberry.ID, opened_at: str
    ) -> bool:
        ctx = info.context
        openings = Openings(ctx.accounts.throttle.budgets)
        await shares.report_opening(ctx.require_account(), str(id), opened_at, openings)
        return True
