"""One `preferences` record per account: wording, Help now country and contacts.

Devices derive its id from the account id, so two devices that set a preference
before they ever synced still write the same record. Because that id can be worked
out by anyone who knows the account id (a linked therapist does), the server accepts
it only from its own account. PIN and lock settings are not here: they stay on each
device.
"""

from __future__ import annotations

import hashlib
import uuid

from server.contacts import CONTACT
from server.sync.fields import Choice, Flag, Objects, Text
from server.sync.kinds import Kind

THERAPIST_WORDS = ("therapist", "counsellor", "my_t")
BREAK_WORDS = ("break", "vacation", "holiday")
ENDING_WORDS = ("ending", "termination")


def preferences_id(account_id: uuid.UUID) -> uuid.UUID:
    """The same id as the PWA's `idFor` (pwa/src/preferences.js): SHA-256 of a fixed
    prefix and the account id, cut to 16 bytes and marked as a version 8 UUID."""
    digest = bytearray(hashlib.sha256(f"between-preferences:{account_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    return uuid.UUID(bytes=bytes(digest))


PREFERENCES = Kind(
    name="preferences",
    owned_id=preferences_id,
    rules={
        "therapistWord": Choice(THERAPIST_WORDS, default="therapist"),
        "breakWord": Choice(BREAK_WORDS, default="break"),
        "endingWord": Choice(ENDING_WORDS, default="ending"),
        "innerChild": Flag(default=True),
        # Whether a letter offers "Ways to begin" (disclosure starters).
        "showStarters": Flag(default=True),
        # An ISO 3166 country code for Help now; empty means "from the device's locale".
        "helpCountry": Text(2),
        "helpContacts": Objects(CONTACT, max_items=20),
    },
)
