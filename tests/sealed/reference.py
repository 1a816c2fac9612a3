"""The reference implementation of docs/crypto.md, in Python, for the test suite.

It is the second, independent reading of the contract: the PWA's WebCrypto code and
this module (pyca `cryptography`, argon2-cffi's low-level API) must each open what the
other sealed, byte for byte on the shared vectors. The server never imports it: the
server holds sealed values and never a key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + SALT_BYTES + NONCE_BYTES


@dataclass(frozen=True)
class PasswordKdf:
    version: int = 1
    memory_kib: int = 65536
    iterations: int = 1
    parallelism: int = 1


PASSWORD_KDF = PasswordKdf()


class SealError(Exception):
    """reason: "malformed", "unsupported" or "unverified", as in the PWA."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_b64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(secret: bytes, salt: bytes, info: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, info.encode()).derive(secret)


def seal(
    secret: bytes,
    plaintext: bytes,
    *,
    info: str,
    aad: str,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> str:
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    body = AESGCM(hkdf(secret, salt, info)).encrypt(nonce, plaintext, aad.encode())
    return b64url(bytes([SEAL_VERSION]) + salt + nonce + body)


def open_sealed(secret: bytes, sealed: str, *, info: str, aad: str) -> bytes:
    try:
        data = from_b64url(sealed)
    except ValueError as error:
        raise SealError("malformed", "not a sealed value") from error
    if len(data) < HEADER_BYTES + TAG_BYTES:
        raise SealError("malformed", "too short to be a sealed value")
    if data[0] != SEAL_VERSION:
        raise SealError("unsupported", f"sealed with version {data[0]}")
    salt, nonce = data[1 : 1 + SALT_BYTES], data[1 + SALT_BYTES : HEADER_BYTES]
    try:
        return AESGCM(hkdf(secret, salt, info)).decrypt(nonce, data[HEADER_BYTES:], aad.encode())
    except InvalidTag as error:
        raise SealError("unverified", "could not be opened with this key") from error


def password_salt(username: str, seed_hex: str) -> bytes:
    prefix = f"between/v1/password-salt\0{username}\0".encode()
    return hashlib.sha256(prefix + bytes.fromhex(seed_hex)).digest()[:16]


def password_keys(
    password: str, username: str, seed_hex: str, params: PasswordKdf = PASSWORD_KDF
) -> tuple[bytes, str]:
    """(master key, authentication key as hex), as the device derives them."""
    out = hash_secret_raw(
        unicodedata.normalize("NFKC", password).encode(),
        password_salt(username, seed_hex),
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=64,
        type=Type.ID,
        version=19,
    )
    return out[:32], out[32:].hex()


ACCOUNT_KEY = {"info": "between/v1/account-key", "aad": "between/v1/account-key"}

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_GROUPS, CODE_GROUP_LENGTH = 5, 5
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH
_CONFUSABLE = str.maketrans({"i": "1", "l": "1", "o": "0"})


def normalize_recovery_code(text: str) -> str | None:
    raw = re.sub(r"[\s-]", "", text.lower()).translate(_CONFUSABLE)
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


@dataclass(frozen=True)
class RecoveryKeys:
    lookup: str
    verifier: str
    sealing_key: bytes

    @property
    def purpose(self) -> dict[str, str]:
        return {
            "info": "between/v1/recovery-account-key",
            "aad": f"between/v1/recovery-account-key/{self.lookup}",
        }


def recovery_keys(code: str) -> RecoveryKeys:
    normalized = normalize_recovery_code(code)
    if normalized is None:
        raise ValueError("not a recovery code")
    secret = normalized.encode()
    return RecoveryKeys(
        lookup=normalized[:CODE_GROUP_LENGTH],
        verifier=hkdf(secret, b"between/v1/recovery", "verifier").hex(),
        sealing_key=hkdf(secret, b"between/v1/recovery", "account-key"),
    )


_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def record_purpose(record_id: str, kind: str, fmt: int) -> dict[str, str]:
    if not (_NAME.fullmatch(record_id) and _NAME.fullmatch(kind) and fmt >= 1):
        raise ValueError("a record needs an id, a kind and a format version")
    return {"info": "between/v1/record", "aad": f"between/v1/record/{kind}/{fmt}/{record_id}"}


def content_bytes(content: object) -> bytes:
    """The same bytes as the PWA's JSON.stringify for the contents records hold."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def seal_record(
    account_key: bytes, record_id: str, kind: str, fmt: int, content: object, **fixed: bytes
) -> str:
    return seal(
        account_key, content_bytes(content), **record_purpose(record_id, kind, fmt), **fixed
    )


def open_record(account_key: bytes, record_id: str, kind: str, fmt: int, sealed: str) -> object:
    return json.loads(open_sealed(account_key, sealed, **record_purpose(record_id, kind, fmt)))


# ---- Key pairs and the safety number (docs/crypto.md, "Key pairs") ----
#
# Every private half is a 32-byte scalar: an X25519 or Ed25519 private key, or a P-256
# private value. Public halves are raw: 32 bytes, or an uncompressed P-256 point.

ENCRYPTION_ALGORITHMS = ("X25519", "P-256")
SIGNING_ALGORITHMS = ("Ed25519", "ECDSA-P256")
PRIVATE_KEY_INFO = "between/v1/private-key"


def public_key(algorithm: str, private: bytes) -> bytes:
    """The raw public key of a 32-byte private key."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if algorithm == "X25519":
        key = x25519.X25519PrivateKey.from_private_bytes(private).public_key()
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if algorithm == "Ed25519":
        key = ed25519.Ed25519PrivateKey.from_private_bytes(private).public_key()
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if algorithm in ("P-256", "ECDSA-P256"):
        point = ec.derive_private_key(int.from_bytes(private), ec.SECP256R1()).public_key()
        return point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    raise ValueError(f"unknown algorithm {algorithm}")


def private_key_purpose(use: str, algorithm: str, public: bytes) -> dict[str, str]:
    """`use` is "encryption" or "signing"; the public half binds the private one to it."""
    return {
        "info": PRIVATE_KEY_INFO,
        "aad": f"{PRIVATE_KEY_INFO}/{use}/{algorithm}/{b64url(public)}",
    }


def seal_private_key(
    account_key: bytes,
    use: str,
    algorithm: str,
    private: bytes,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> str:
    purpose = private_key_purpose(use, algorithm, public_key(algorithm, private))
    return seal(account_key, private, **purpose, salt=salt, nonce=nonce)


def open_private_key(
    account_key: bytes, use: str, algorithm: str, public: bytes, sealed: str
) -> bytes:
    return open_sealed(account_key, sealed, **private_key_purpose(use, algorithm, public))


def sign(algorithm: str, private: bytes, message: bytes) -> bytes:
    """Ed25519, or ECDSA P-256 with SHA-256 as WebCrypto writes it: r ‖ s, 32 bytes each.
    ECDSA here is deterministic (RFC 6979) so that the vectors stay the same; WebCrypto's
    is randomised, so the device is checked by verifying, not by its bytes."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    if algorithm == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(private).sign(message)
    if algorithm == "ECDSA-P256":
        key = ec.derive_private_key(int.from_bytes(private), ec.SECP256R1())
        algorithm_ = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        r, s = decode_dss_signature(key.sign(message, algorithm_))
        return r.to_bytes(32) + s.to_bytes(32)
    raise ValueError(f"unknown signing algorithm {algorithm}")


def verify(algorithm: str, public: bytes, message: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        if algorithm == "Ed25519":
            ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
        elif algorithm == "ECDSA-P256":
            if len(signature) != 64:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:32]), int.from_bytes(signature[32:])
            )
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        else:
            raise ValueError(f"unknown signing algorithm {algorithm}")
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class PublicKeys:
    account_id: str
    encryption_algorithm: str
    encryption_key: bytes
    signing_algorithm: str
    signing_key: bytes

    @classmethod
    def from_wire(cls, keys: dict) -> PublicKeys:
        """From the API's form: `{accountId, encryptionAlgorithm, encryptionKey, …}`."""
        return cls(
            keys["accountId"],
            keys["encryptionAlgorithm"],
            from_b64url(keys["encryptionKey"]),
            keys["signingAlgorithm"],
            from_b64url(keys["signingKey"]),
        )


SAFETY_NUMBER_LABEL = "between/v1/safety-number"


def safety_digits(keys: PublicKeys) -> str:
    """One person's 30 digits: six 5-byte pieces of a SHA-512, each read as a big-endian
    number mod 100000 (Signal's encoding of a fingerprint)."""
    head = f"{SAFETY_NUMBER_LABEL}\0{keys.account_id}\0{keys.encryption_algorithm}\0".encode()
    middle = f"\0{keys.signing_algorithm}\0".encode()
    digest = hashlib.sha512(head + keys.encryption_key + middle + keys.signing_key).digest()
    return "".join(f"{int.from_bytes(digest[i : i + 5]) % 100000:05d}" for i in range(0, 30, 5))


def safety_number(client: PublicKeys, therapist: PublicKeys) -> str:
    """60 digits: the client's 30, then the therapist's, so both sides get one number."""
    return safety_digits(client) + safety_digits(therapist)


def grouped(number: str) -> str:
    return " ".join(number[i : i + 5] for i in range(0, len(number), 5))
