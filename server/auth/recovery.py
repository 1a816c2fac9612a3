"""Short codes people type by hand (connect codes): Crockford's base32 in groups."""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O or U, so codes survive being read aloud or copied by hand.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_CONFUSABLE = str.maketrans({"i": "1", "l": "1", "o": "0"})


def random_code(length: int, group_length: int) -> str:
    """`length` random characters (5 bits each), in dash-separated groups for reading aloud."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + group_length] for i in range(0, length, group_length))


def normalize_code(text: str, length: int) -> str | None:
    """The canonical form of a typed code of `length` characters, or None if it cannot be one."""
    raw = "".join(ch for ch in text.lower() if ch not in " -\t").translate(_CONFUSABLE)
    if len(raw) != length or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def normalize_made_code(code: str, length: int) -> str:
    """The canonical form of a code this server made, which is always a valid one."""
    normalized = normalize_code(code, length)
    if normalized is None:
        raise ValueError("Not a code of this length and alphabet.")
    return normalized
