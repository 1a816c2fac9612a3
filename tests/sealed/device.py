"""What a device sends for the account protocol (docs/crypto.md), made in Python.

The PWA makes the seed, the account key and the recovery codes, and derives keys from
the password; tests that talk to the server directly do the same here. Deriving with
Argon2id at 64 MiB for every test would make the suite slow, so by default a cheap
stand-in derivation is used: the server cannot tell, since it only ever sees the
authentication key. `reference_keys` is the real derivation, for the tests that must
open the same account key the way the device does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from tests.sealed import reference

Derive = Callable[[str, str, str], tuple[bytes, str]]
ALPHABET = reference.ALPHABET
PARAMS = {"version": 1, "memoryKiB": 65536, "iterations": 1, "parallelism": 1}


def stand_in_keys(password: str, username: str, seed_hex: str) -> tuple[bytes, str]:
    """(master key, authentication key) from a fast hash in place of Argon2id."""
    out = hashlib.sha512(f"{username}\0{password}\0{seed_hex}".encode()).digest()
    return out[:32], out[32:].hex()


def reference_keys(password: str, username: str, seed_hex: str) -> tuple[bytes, str]:
    return reference.password_keys(password, username, seed_hex)


def new_code() -> str:
    raw = "".join(ALPHABET[byte & 31] for byte in os.urandom(reference.CODE_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def new_codes(count: int = 10) -> list[str]:
    codes: dict[str, str] = {}
    while len(codes) < count:
        code = new_code()
        codes.setdefault(code[:5], code)
    return list(codes.values())


def code_input(code: str, account_key: bytes) -> dict:
    keys = reference.recovery_keys(code)
    return {
        "lookup": keys.lookup,
        "verifier": keys.verifier,
        "sealedAccountKey": reference.seal(keys.sealing_key, account_key, **keys.purpose),
    }


def open_with_code(code: str, sealed: str) -> bytes:
    keys = reference.recovery_keys(code)
    return reference.open_sealed(keys.sealing_key, sealed, **keys.purpose)


def seal_account_key(account_key: bytes, master_key: bytes) -> str:
    return reference.seal(master_key, account_key, **reference.ACCOUNT_KEY)


def open_account_key(sealed: str, master_key: bytes) -> bytes:
    return reference.open_sealed(master_key, sealed, **reference.ACCOUNT_KEY)


@dataclass
class PasswordKeys:
    """A password's keys for one username under a new seed, and what the server keeps."""

    auth_key: str
    keys: dict


def keys_for(
    password: str, username: str, account_key: bytes, derive: Derive = stand_in_keys
) -> PasswordKeys:
    seed = os.urandom(16).hex()
    master_key, auth_key = derive(password, username, seed)
    sealed = seal_account_key(account_key, master_key)
    return PasswordKeys(auth_key, {"seed": seed, "params": PARAMS, "sealedAccountKey": sealed})


@dataclass
class NewAccount:
    """A registration as a device makes it: the input and what stays on the device."""

    input: dict
    account_key: bytes
    codes: list[str]


def new_account(
    username: str,
    password: str,
    *,
    display_name: str,
    role: str,
    derive: Derive = stand_in_keys,
) -> NewAccount:
    account_key = os.urandom(32)
    codes = new_codes()
    made = keys_for(password, username.strip().lower(), account_key, derive)
    return NewAccount(
        input={
            "username": username,
            "authKey": made.auth_key,
            "keys": made.keys,
            "recoveryCodes": [code_input(code, account_key) for code in codes],
            "displayName": display_name,
            "role": role,
        },
        account_key=account_key,
        codes=codes,
    )
