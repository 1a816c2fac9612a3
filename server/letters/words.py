"""What other domains may ask about a letter: its words to share, at a version.

Only letters know which of a letter's states may leave the person's own devices.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from server.errors import AppError, ErrorCode, bad_input, not_found
from server.letters.kind import LETTER
from server.sync.models import SyncRecord


@dataclass(frozen=True)
class Words:
    version: int
    title: str
    body: str


async def words_to_share(
    owner_id: uuid.UUID, letter_id: uuid.UUID, expected_version: int | None
) -> Words:
    """The letter's words as the server has them now, if they may be shared; when
    `expected_version` is given, only if the letter is still at that version."""
    letter = await SyncRecord.get_or_none(id=letter_id, owner_id=owner_id, kind=LETTER.name)
    if letter is None:
        raise not_found("letter")
    if letter.deleted:
        raise bad_input("letterId", "A letter in the trash cannot be shared.")
    if letter.data.get("state") == "never_send":
        raise AppError(
            ErrorCode.NEVER_SEND, "This letter is marked never to send.", field="letterId"
        )
    if expected_version is not None and letter.version != expected_version:
        raise AppError(
            ErrorCode.LETTER_CHANGED,
            "The letter changed since the preview. Please look at it again.",
            field="letterVersion",
        )
    return Words(letter.version, letter.data.get("title", ""), letter.data.get("body", ""))
