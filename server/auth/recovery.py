"""Recovery codes: ten single-use codes, shown once, stored as argon2id hashes."""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O or U, so codes survive being read aloud or copied by hand.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_CONFUSABLE = str.maketrans({"i": "1", "l": "1", "o": "0"})
CODE_COUNT = 10
GROUPS = 4
GROUP_LENGTH = 4
LOOKUP_LENGTH = GROUP_LENGTH


def random_code(length: int, group_length: int) -> str:
    """`length` random characters (5 bits each), in dash-separated groups for reading aloud."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + group_length] for i in range(0, length, group_length))


def generate_codes(count: int = CODE_COUNT) -> list[str]:
    """`count` random codes like `k7m2-9qxd-ae4r-tp3w` (80 bits) with distinct lookups."""
    codes: list[str] = []
    lookups: set[str] = set()
    while len(codes) < count:
        code = random_code(GROUPS * GROUP_LENGTH, GROUP_LENGTH)
        if code[:LOOKUP_LENGTH] in lookups:
            continue
        lookups.add(code[:LOOKUP_LENGTH])
        codes.append(code)
    return codes


def normalize_code(text: str, length: int = GROUPS * GROUP_LENGTH) -> str | None:
    """The canonical form of a typed code of `length` characters, or None if it cannot be one."""
    raw = "".join(ch for ch in text.lower() if ch not in " -\t").translate(_CONFUSABLE)
    if len(raw) != length or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def normalize_made_code(code: str, length: int = GROUPS * GROUP_LENGTH) -> str:
    """The canonical form of a code this server made, which is always a valid one."""
    normalized = normalize_code(code, length)
    if normalized is None:
        raise ValueError("Not a code of this length and alphabet.")
    return normalized


def lookup_of(normalized: str) -> str:
    return normalized[:LOOKUP_LENGTH]
