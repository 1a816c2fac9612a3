"""What the device sends instead of a password (docs/crypto.md, the account protocol).

The server never derives or opens a key: it checks that each value has the one shape
the contract allows, stores it, and hands it back. Anything else is BAD_INPUT naming
the field, so a device with a bug is told at once rather than locking itself out later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from server.errors import bad_input

AUTH_KEY = re.compile(r"[0-9a-f]{64}")
SEED = re.compile(r"[0-9a-f]{32}")
VERIFIER = AUTH_KEY
# Crockford's base32, the alphabet of recovery codes; a lookup is a code's first group.
LOOKUP = re.compile(r"[0-9a-hjkmnp-tv-z]{5}")
RECOVERY_CODE_COUNT = 10
# A sealed 32-byte key: version (1) + salt (16) + nonce (12) + key (32) + tag (16) bytes.
SEALED_KEY_BYTES = 77
SEAL_VERSION = 1
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters. Device and server both refuse weaker ones than `CURRENT`."""

    version: int
    memory_kib: int
    iterations: int
    parallelism: int


CURRENT = KdfParams(version=1, memory_kib=65536, iterations=1, parallelism=1)
MAX_MEMORY_KIB, MAX_ITERATIONS, MAX_PARALLELISM = 1048576, 64, 16


@dataclass(frozen=True)
class AccountKeys:
    seed: str
    params: KdfParams
    sealed_account_key: str


@dataclass(frozen=True)
class SealedCode:
    lookup: str
    verifier: str
    sealed_account_key: str


def fake_seed(secret: str, username: str) -> str:
    """A stable seed for a username without an account, so asking reveals nothing."""
    message = b"between/v1/fake-seed\0" + username.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()[:16].hex()


def auth_key(value: str, field: str = "authKey") -> str:
    if not AUTH_KEY.fullmatch(value):
        raise bad_input(field, "An authentication key is 64 lowercase hex characters.")
    return value


def verifier(value: str, field: str = "verifier") -> str:
    if not VERIFIER.fullmatch(value):
        raise bad_input(field, "A verifier is 64 lowercase hex characters.")
    return value


def lookup(value: str, field: str = "lookup") -> str:
    if not LOOKUP.fullmatch(value):
        raise bad_input(field, "A lookup is the first 5 characters of a recovery code.")
    return value


def sealed_key(value: str, field: str) -> str:
    """A sealed 32-byte key in unpadded base64url, of sealing version 1."""
    if len(value) > 2 * SEALED_KEY_BYTES or not _BASE64URL.fullmatch(value):
        raise bad_input(field, "A sealed key is unpadded base64url.")
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise bad_input(field, "A sealed key is unpadded base64url.") from None
    if len(data) != SEALED_KEY_BYTES or data[0] != SEAL_VERSION:
        raise bad_input(field, f"A sealed key is {SEALED_KEY_BYTES} bytes of sealing version 1.")
    return value


def kdf_params(params: KdfParams, field: str = "keys.params") -> KdfParams:
    """Refuse parameters weaker than this version's, as the device does, and absurd ones."""
    ok = (
        params.version == CURRENT.version
        and CURRENT.memory_kib <= params.memory_kib <= MAX_MEMORY_KIB
        and CURRENT.iterations <= params.iterations <= MAX_ITERATIONS
        and CURRENT.parallelism <= params.parallelism <= MAX_PARALLELISM
    )
    if not ok:
        raise bad_input(
            field,
            f"Key parameters must be version {CURRENT.version}, at least "
            f"{CURRENT.memory_kib} KiB, {CURRENT.iterations} pass and {CURRENT.parallelism} "
            f"lane, and at most {MAX_MEMORY_KIB} KiB, {MAX_ITERATIONS} passes and "
            f"{MAX_PARALLELISM} lanes.",
        )
    return params


def account_keys(keys: AccountKeys, field: str = "keys") -> AccountKeys:
    if not SEED.fullmatch(keys.seed):
        raise bad_input(f"{field}.seed", "A seed is 32 lowercase hex characters (16 bytes).")
    kdf_params(keys.params, f"{field}.params")
    sealed_key(keys.sealed_account_key, f"{field}.sealedAccountKey")
    return keys


def recovery_codes(codes: list[SealedCode], field: str = "recoveryCodes") -> list[SealedCode]:
    if len(codes) != RECOVERY_CODE_COUNT:
        raise bad_input(field, f"Send exactly {RECOVERY_CODE_COUNT} recovery codes.")
    for index, code in enumerate(codes):
        at = f"{field}.{index}"
        lookup(code.lookup, f"{at}.lookup")
        verifier(code.verifier, f"{at}.verifier")
        sealed_key(code.sealed_account_key, f"{at}.sealedAccountKey")
    if len({code.lookup for code in codes}) != len(codes):
        raise bad_input(field, "Each recovery code needs its own lookup.")
    return codes
