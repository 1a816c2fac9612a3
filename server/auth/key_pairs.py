"""Each account's key pairs (docs/crypto.md, "Key pairs").

The device makes an encryption pair and a signing pair, keeps the private halves only
sealed by the account key, and sends the public halves. The server cannot check that a
public key is a point on its curve without doing the device's work, so it checks what
it can see: a known algorithm, unpadded base64url, the length that algorithm's raw
public key has, and sealed private halves of the one sealed-key shape. Anything else is
BAD_INPUT naming the field.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from server import clock
from server.auth.keys import sealed_key
from server.auth.models import Account
from server.errors import bad_input

# Raw public key lengths. P-256 keys are uncompressed points (0x04 ‖ x ‖ y), as WebCrypto
# exports them.
ENCRYPTION_ALGORITHMS = {"X25519": 32, "P-256": 65}
SIGNING_ALGORITHMS = {"Ed25519": 32, "ECDSA-P256": 65}
UNCOMPRESSED_POINT = 0x04
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class KeyPairs:
    encryption_algorithm: str
    encryption_key: str
    sealed_encryption_key: str
    signing_algorithm: str
    signing_key: str
    sealed_signing_key: str


def _public_key(algorithm: str, value: str, lengths: dict[str, int], field: str) -> None:
    known = ", ".join(lengths)
    if algorithm not in lengths:
        raise bad_input(f"{field}Algorithm", f"The algorithm must be one of: {known}.")
    length = lengths[algorithm]
    if len(value) > 2 * length or not _BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise bad_input(f"{field}Key", "A public key is unpadded base64url.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise bad_input(f"{field}Key", "A public key is unpadded base64url.") from None
    if len(raw) != length:
        raise bad_input(f"{field}Key", f"A raw {algorithm} public key is {length} bytes.")
    if length == 65 and raw[0] != UNCOMPRESSED_POINT:
        raise bad_input(f"{field}Key", f"A {algorithm} public key is an uncompressed point.")


def check(pairs: KeyPairs, field: str = "input") -> KeyPairs:
    at = f"{field}."
    _public_key(
        pairs.encryption_algorithm, pairs.encryption_key, ENCRYPTION_ALGORITHMS, f"{at}encryption"
    )
    _public_key(pairs.signing_algorithm, pairs.signing_key, SIGNING_ALGORITHMS, f"{at}signing")
    # Every private half is a 32-byte scalar, so it seals to the shape of a sealed key.
    sealed_key(pairs.sealed_encryption_key, f"{at}sealedEncryptionKey")
    sealed_key(pairs.sealed_signing_key, f"{at}sealedSigningKey")
    return pairs


def has_pairs(account: Account) -> bool:
    return bool(account.encryption_key and account.signing_key)


def of(account: Account) -> KeyPairs | None:
    if not has_pairs(account):
        return None
    return KeyPairs(
        encryption_algorithm=account.encryption_algorithm,
        encryption_key=account.encryption_key,
        sealed_encryption_key=account.sealed_encryption_key,
        signing_algorithm=account.signing_algorithm,
        signing_key=account.signing_key,
        sealed_signing_key=account.sealed_signing_key,
    )


async def set_key_pairs(account: Account, pairs: KeyPairs) -> Account:
    """Store the account's pairs. Setting the same public keys again changes nothing (a
    device that retries after a lost answer); new public keys are a key change, which
    every linked person's safety number shows."""
    check(pairs)
    same = (
        account.encryption_key == pairs.encryption_key and account.signing_key == pairs.signing_key
    )
    if same and has_pairs(account):
        return account
    account.encryption_algorithm = pairs.encryption_algorithm
    account.encryption_key = pairs.encryption_key
    account.sealed_encryption_key = pairs.sealed_encryption_key
    account.signing_algorithm = pairs.signing_algorithm
    account.signing_key = pairs.signing_key
    account.sealed_signing_key = pairs.sealed_signing_key
    account.keys_changed_at = clock.now()
    await account.save(
        update_fields=[
            "encryption_algorithm",
            "encryption_key",
            "sealed_encryption_key",
            "signing_algorithm",
            "signing_key",
            "sealed_signing_key",
            "keys_changed_at",
            "updated_at",
        ]
    )
    return account
