"""The shared test vectors of docs/crypto.md, made by the reference implementation.

`python -m tests.sealed.vectors` rewrites docs/crypto-vectors.json. Every random input
is fixed (the SHA-256 of a label), so the file is the same on every run, and the PWA's
code, given the same salts and nonces, must produce the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from tests.sealed import reference as ref

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "crypto-vectors.json"


def fixed(label: str, length: int) -> bytes:
    return hashlib.sha256(label.encode()).digest()[:length]


def randomness(label: str) -> dict[str, bytes]:
    return {
        "salt": fixed(f"{label}/salt", ref.SALT_BYTES),
        "nonce": fixed(f"{label}/nonce", ref.NONCE_BYTES),
    }


def hexed(values: dict[str, bytes]) -> dict[str, str]:
    return {f"{name}Hex": value.hex() for name, value in values.items()}


PARAMS = {
    "version": ref.PASSWORD_KDF.version,
    "memoryKiB": ref.PASSWORD_KDF.memory_kib,
    "iterations": ref.PASSWORD_KDF.iterations,
    "parallelism": ref.PASSWORD_KDF.parallelism,
}

# The second and third passwords are one phrase typed two ways (a precomposed "é" and
# "e" with a combining accent): NFKC makes them the same keys.
PASSWORDS = [
    ("robin", "correct horse battery staple"),
    ("mara.k", "caf\u00e9 at the harbour, 7am"),
    ("mara.k", "cafe\u0301 at the harbour, 7am"),
]

CONTENTS = {
    "letter": {
        "title": "Before the break",
        "body": (
            "I didn't say it on Tuesday.\n\n"
            "I'm scared you won't come back \u2014 \u00e9t\u00e9, \U0001f33f."
        ),
        "recipient": "Anna",
        "part": None,
        "tags": ["break"],
        "state": "never_send",
        "forNextSession": False,
        "clientCreatedAt": "2026-11-03T23:10:00Z",
        "clientEditedAt": "2026-11-03T23:41:00Z",
    },
    "toolkit_box": {"name": "Texture box", "note": "On the shelf by the door", "position": 0},
    "toolkit_item": {
        "boxId": "5b0f8e5c-2f0e-4a51-9a47-2f7a6c1d9e10",
        "name": "Smooth stone",
        "feelsLike": "Cool, then warm",
        "linkedTo": "The beach in August",
        "keptAt": "Coat pocket",
        "sense": "touch",
        "agreedWithTherapist": True,
        "note": "",
        "position": 2,
    },
    "toolkit_use": {
        "itemId": "0d7e6a8b-7c3f-4d2a-8a5e-3b9f1c2d4e5f",
        "usedAt": "2026-11-04T02:12:00Z",
        "distressBefore": 8,
        "distressAfter": 5,
        "note": "",
    },
    "carry_card": {
        "text": "This feeling is a wave. It has come before and it passed.",
        "position": 0,
    },
    "plan": {
        "type": "break",
        "startsAt": "2026-12-20T10:00",
        "endsAt": "2027-01-05T10:00",
        "timeZone": "Europe/London",
        "contactAgreement": "One email if I need to; no reply expected.",
    },
    "preferences": {"therapistWord": "my T", "breakWord": "holiday", "innerChild": False},
}


def record_id(kind: str) -> str:
    digest = fixed(f"record/{kind}", 16).hex()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def build() -> dict:
    passwords = []
    for username, password in PASSWORDS:
        seed = fixed(f"seed/{username}", 16).hex()
        master, auth = ref.password_keys(password, username, seed)
        passwords.append(
            {
                "username": username,
                "seedHex": seed,
                "password": password,
                "params": PARAMS,
                "saltHex": ref.password_salt(username, seed).hex(),
                "masterKeyHex": master.hex(),
                "authKeyHex": auth,
            }
        )
    master = bytes.fromhex(passwords[0]["masterKeyHex"])
    account_key = fixed("account-key", 32)
    chance = randomness("account-key")
    account = {
        "accountKeyHex": account_key.hex(),
        "masterKeyHex": master.hex(),
        **hexed(chance),
        "sealed": ref.seal(master, account_key, **ref.ACCOUNT_KEY, **chance),
    }
    recovery = []
    for index, typed in enumerate(
        ["K7M2Q 9QXDA E4RTP 3WZ8H J6VNC", "0oil1-abcde-fghjk-mnpqr-stvwx"]
    ):
        keys = ref.recovery_keys(typed)
        chance = randomness(f"recovery/{index}")
        recovery.append(
            {
                "typed": typed,
                "normalized": ref.normalize_recovery_code(typed),
                "lookup": keys.lookup,
                "verifierHex": keys.verifier,
                "sealingKeyHex": keys.sealing_key.hex(),
                **hexed(chance),
                "sealedAccountKey": ref.seal(
                    keys.sealing_key, account_key, **keys.purpose, **chance
                ),
            }
        )
    records = []
    for kind, content in CONTENTS.items():
        chance = randomness(f"record/{kind}")
        rid = record_id(kind)
        records.append(
            {
                "id": rid,
                "kind": kind,
                "format": 1,
                "content": content,
                "contentJson": ref.content_bytes(content).decode(),
                **hexed(chance),
                "sealed": ref.seal_record(account_key, rid, kind, 1, content, **chance),
            }
        )
    return {
        "contract": "docs/crypto.md",
        "sealVersion": ref.SEAL_VERSION,
        "passwords": passwords,
        "accountKey": account,
        "recovery": recovery,
        "records": records,
        "refused": refused(records[0]),
        "keyPairs": key_pairs(account_key),
    }


PAIRS = [
    ("encryption", "X25519"),
    ("signing", "Ed25519"),
    ("encryption", "P-256"),
    ("signing", "ECDSA-P256"),
]
MESSAGE = "between/v1 a signed share: été 🌿"


def private(algorithm: str, owner: str = "robin") -> bytes:
    return fixed(f"private-key/{owner}/{algorithm}", 32)


def public_keys(account_id: str, encryption: str, signing: str, owner: str) -> dict:
    return {
        "accountId": account_id,
        "encryptionAlgorithm": encryption,
        "encryptionKey": ref.b64url(ref.public_key(encryption, private(encryption, owner))),
        "signingAlgorithm": signing,
        "signingKey": ref.b64url(ref.public_key(signing, private(signing, owner))),
    }


def key_pairs(account_key: bytes) -> dict:
    """Private halves and their public keys, each sealed by the account key; signatures
    to check; and safety numbers of two people's public keys."""
    pairs = []
    for use, algorithm in PAIRS:
        secret = private(algorithm)
        chance = randomness(f"private-key/{algorithm}")
        pairs.append(
            {
                "use": use,
                "algorithm": algorithm,
                "privateHex": secret.hex(),
                "publicKey": ref.b64url(ref.public_key(algorithm, secret)),
                **hexed(chance),
                "sealed": ref.seal_private_key(
                    account_key, use, algorithm, secret, chance["salt"], chance["nonce"]
                ),
            }
        )
    message = MESSAGE.encode()
    signatures = []
    for algorithm in ref.SIGNING_ALGORITHMS:
        public = ref.public_key(algorithm, private(algorithm))
        signature = ref.sign(algorithm, private(algorithm), message)
        changed = bytearray(signature)
        changed[0] ^= 1
        for case, value, valid in (("as signed", signature, True), ("changed", changed, False)):
            signatures.append(
                {
                    "case": case,
                    "algorithm": algorithm,
                    "publicKey": ref.b64url(public),
                    "message": MESSAGE,
                    "signature": ref.b64url(bytes(value)),
                    "valid": valid,
                }
            )
        # The same signature does not vouch for another message.
        signatures.append(
            {
                "case": "another message",
                "algorithm": algorithm,
                "publicKey": ref.b64url(public),
                "message": MESSAGE + ".",
                "signature": ref.b64url(signature),
                "valid": False,
            }
        )
    client_id, therapist_id = record_id("client-account"), record_id("therapist-account")
    people = {
        "curve25519": (
            public_keys(client_id, "X25519", "Ed25519", "robin"),
            public_keys(therapist_id, "X25519", "Ed25519", "dana"),
        ),
        "P-256 therapist": (
            public_keys(client_id, "X25519", "Ed25519", "robin"),
            public_keys(therapist_id, "P-256", "ECDSA-P256", "dana"),
        ),
        "therapist's new signing key": (
            public_keys(client_id, "X25519", "Ed25519", "robin"),
            public_keys(therapist_id, "X25519", "Ed25519", "dana")
            | {"signingKey": ref.b64url(ref.public_key("Ed25519", private("Ed25519", "dana2")))},
        ),
    }
    numbers = []
    for case, (client, therapist) in people.items():
        number = ref.safety_number(
            ref.PublicKeys.from_wire(client), ref.PublicKeys.from_wire(therapist)
        )
        numbers.append(
            {
                "case": case,
                "client": client,
                "therapist": therapist,
                "number": number,
                "grouped": ref.grouped(number),
            }
        )
    return {
        "accountKeyHex": account_key.hex(),
        "pairs": pairs,
        "signatures": signatures,
        "safetyNumbers": numbers,
    }


def refused(letter: dict) -> list[dict]:
    """Sealed values that must not open, each with the reason both sides give."""
    data = ref.from_b64url(letter["sealed"])
    flipped = bytearray(data)
    flipped[-1] ^= 1
    body = bytearray(data)
    body[ref.HEADER_BYTES] ^= 0x80
    future = bytearray(data)
    future[0] = 2
    same = {"id": letter["id"], "kind": letter["kind"], "format": 1}
    return [
        {
            "case": "tag changed",
            **same,
            "sealed": ref.b64url(bytes(flipped)),
            "reason": "unverified",
        },
        {
            "case": "ciphertext changed",
            **same,
            "sealed": ref.b64url(bytes(body)),
            "reason": "unverified",
        },
        {
            "case": "moved to another record",
            **same,
            "id": record_id("other"),
            "sealed": letter["sealed"],
            "reason": "unverified",
        },
        {
            "case": "read as another kind",
            **same,
            "kind": "toolkit_box",
            "sealed": letter["sealed"],
            "reason": "unverified",
        },
        {
            "case": "read as another format",
            **same,
            "format": 2,
            "sealed": letter["sealed"],
            "reason": "unverified",
        },
        {
            "case": "truncated",
            **same,
            "sealed": ref.b64url(data[: ref.HEADER_BYTES + ref.TAG_BYTES - 1]),
            "reason": "malformed",
        },
        {
            "case": "not base64url",
            **same,
            "sealed": letter["sealed"][:20] + "+/" + letter["sealed"][22:],
            "reason": "malformed",
        },
        {
            "case": "a newer version",
            **same,
            "sealed": ref.b64url(bytes(future)),
            "reason": "unsupported",
        },
    ]


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    VECTORS.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {VECTORS}\n")
