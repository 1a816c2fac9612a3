"""What a kind of synced record is: its fields, their rules, and its cross-field checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from server.errors import ErrorCode
from server.sync.fields import FieldProblem, Rule, default_of, is_object


class RecordProblem(FieldProblem):
    """A field value that is fine alone but not with the rest of the record."""

    def __init__(
        self, field_name: str, message: str, code: ErrorCode = ErrorCode.BAD_INPUT
    ) -> None:
        super().__init__(message, code)
        self.field = field_name


@dataclass(frozen=True)
class Kind:
    name: str
    # Fields a device may write.
    rules: Mapping[str, Rule[object]]
    # Fields only the server writes; devices read them in pulls.
    server_fields: frozenset[str] = frozenset()
    check_record: Callable[[dict[str, object]], None] | None = field(default=None)
    # Which of the operations devices may use (upsert, delete; and purge, for a sealed
    # kind), and whether a device may make a new record of this kind (or bring a deleted
    # one back) at all.
    generic_operations: frozenset[str] = frozenset({"upsert", "delete"})
    devices_create: bool = True
    # For a kind with one record per account whose id comes from the account id: that
    # id. Anyone who knows an account id can work it out, so no other id is accepted.
    owned_id: Callable[[uuid.UUID], uuid.UUID] | None = None
    # A sealed kind's content is sealed on the device (docs/crypto.md): the server keeps
    # the envelope as it came, with no fields and no rules of its own, and takes a change
    # only when it was made on the record's current version (server/sync/sealed.py).
    sealed: bool = False
    # The longest envelope a sealed kind keeps, in characters of its base64url text.
    max_sealed: int = 65_536

    def __post_init__(self) -> None:
        if self.sealed and (self.rules or self.server_fields or self.check_record):
            raise ValueError(f"The sealed kind {self.name!r} has no fields the server can read.")
        if self.sealed and not self.generic_operations <= {"upsert", "delete", "purge"}:
            raise ValueError(
                f"The sealed kind {self.name!r} can only be upserted, deleted and purged."
            )
        if not self.sealed and not self.generic_operations <= {"upsert", "delete"}:
            raise ValueError(f"The clear kind {self.name!r} can only be upserted and deleted.")

    def defaults(self) -> dict[str, object]:
        return {name: default_of(rule) for name, rule in self.rules.items()}

    def clean_changes(self, changes: object) -> dict[str, object]:
        """Check each changed field alone; raises RecordProblem naming the field."""
        if not is_object(changes):
            raise RecordProblem("fields", "Expected an object of changed fields.")
        cleaned: dict[str, object] = {}
        for name, value in changes.items():
            rule = self.rules.get(name)
            if rule is None:
                code = (
                    ErrorCode.BAD_INPUT if name in self.server_fields else ErrorCode.UNKNOWN_FIELD
                )
                raise RecordProblem(name, f"{name!r} cannot be set on a {self.name}.", code)
            try:
                cleaned[name] = rule.check(value)
            except FieldProblem as problem:
                raise RecordProblem(name, str(problem), problem.code) from None
        return cleaned

    def check_whole(self, data: dict[str, object]) -> None:
        if self.check_record is not None:
            self.check_record(data)
