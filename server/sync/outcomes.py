"""What push answers for each mutation, and what it takes in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from server.errors import ErrorCode

if TYPE_CHECKING:
    from server.sync.models import SyncRecord


class Status(StrEnum):
    APPLIED = "applied"  # stored as sent
    MERGED = "merged"  # stored, combined with changes made elsewhere
    CONFLICT_KEPT = "conflict_kept"  # the server's value stayed; the device's is kept aside
    REJECTED = "rejected"  # not stored; `code` says why, and the device keeps its text
    DUPLICATE = "duplicate"  # already received earlier; acknowledged, not applied again
    # A sealed record changed since the base: nothing stored; `current` is the server's
    # record, for the device to merge with and send again.
    STALE = "stale"


@dataclass(frozen=True)
class Incoming:
    mutation_id: int
    kind: str
    op: str
    record_id: str
    base_version: int | None
    fields: object
    # A sealed kind's envelope and the format version of the content inside it.
    sealed: str | None = None
    format: int | None = None


@dataclass
class Outcome:
    mutation_id: int
    record_id: str
    status: Status
    version: int | None = None
    code: ErrorCode | str | None = None
    message: str | None = None
    field_name: str | None = None
    conflict_fields: list[str] = field(default_factory=list)
    current: SyncRecord | None = None


class Rejected(Exception):
    """Raised inside one mutation's handling; becomes a REJECTED outcome."""

    def __init__(self, code: ErrorCode, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field_name = field_name
