"""Plain input values every domain reads the same way, refused with a typed error."""

from __future__ import annotations

import uuid

from server.errors import bad_input


def parse_id(value: str, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise bad_input(field, "That is not a valid id.") from None
