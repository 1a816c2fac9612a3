"""What other domains may ask about a letter: whether words may be shared from it, at a version."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from server.errors import AppError, ErrorCode, bad_input, not_found
from server.letters.kind import BODY, LETTER, TITLE
from server.sync.fields import Number, checked
from server.sync.models import SyncRecord


@dataclass(frozen=True)
class Words:
    version: int
    title: str
    body: str


async def words_to_share(
    owner_id: uuid.UUID, letter_id: uuid.UUID, version: object, title: object, body: object
) -> Words:
    """The words a device sends to share, as it holds the letter at `version`. The
    server checks what it can see: the letter is the owner's, is not in the trash, and
    is still at that version; the words are the device's, within a letter's limits.
    Whether the letter is marked never to send is sealed with it: the device checks."""
    expected = checked(Number(0, 10**18), version, "letterVersion")
    words = Words(
        expected,
        checked(TITLE, title, "title"),
        checked(BODY, body, "body"),
    )
    letter = await SyncRecord.get_or_none(id=letter_id, owner_id=owner_id, kind=LETTER.name)
    if letter is None:
        raise not_found("letter")
    if letter.deleted:
        raise bad_input("letterId", "A letter in the trash cannot be shared.")
    if letter.version != words.version:
        raise AppError(
            ErrorCode.LETTER_CHANGED,
            "The letter changed since the preview. Please look at it again.",
            field="letterVersion",
        )
    return words
