"""One `preferences` record per account: wording, Help now country and contacts.

Its content is sealed on the device (docs/crypto.md); the fields live with the device's
settings, and docs/sync.md names them. Devices derive its id from the account id, so two
devices that set a preference before they ever synced still write the same record.
Because that id can be worked out by anyone who knows the account id (a linked therapist
does), the server accepts it only from its own account. PIN and lock settings are not
here: they stay on each device.
"""

from __future__ import annotations

import hashlib
import uuid

from server.sync.kinds import Kind


def preferences_id(account_id: uuid.UUID) -> uuid.UUID:
    """The same id as the PWA's `idFor` (pwa/src/preferences.js): SHA-256 of a fixed
    prefix and the account id, cut to 16 bytes and marked as a version 8 UUID."""
    digest = bytearray(hashlib.sha256(f"between-preferences:{account_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    return uuid.UUID(bytes=bytes(digest))


# Up to 20 Help now contacts of 1,260 characters each: in scripts of three bytes a
# character, about 100,000 characters of envelope, more than a toolkit record's limit.
PREFERENCES = Kind(
    name="preferences", rules={}, sealed=True, owned_id=preferences_id, max_sealed=262_144
)
