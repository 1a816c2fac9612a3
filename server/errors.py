"""Expected failures: a stable `code` the client can act on, and a calm message.

Services raise `AppError`; at the GraphQL edge it becomes an error whose
`extensions.code` is one of `ErrorCode`. Anything else that escapes is a bug and
is masked in production.
"""

from __future__ import annotations

import json
from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_INPUT = "BAD_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    BUSY = "BUSY"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    TOO_MANY_AUTH_MUTATIONS = "TOO_MANY_AUTH_MUTATIONS"
    TOO_LARGE = "TOO_LARGE"
    OUT_OF_ORDER = "OUT_OF_ORDER"
    BAD_CURSOR = "BAD_CURSOR"
    CURSOR_AHEAD = "CURSOR_AHEAD"
    # Sharing with a therapist.
    CONNECT_CODE_INVALID = "CONNECT_CODE_INVALID"
    CONNECT_CODE_EXPIRED = "CONNECT_CODE_EXPIRED"
    CONNECT_CODE_USED = "CONNECT_CODE_USED"
    ALREADY_LINKED = "ALREADY_LINKED"
    NOT_LINKED = "NOT_LINKED"
    NEVER_SEND = "NEVER_SEND"
    LETTER_CHANGED = "LETTER_CHANGED"
    DELIVERY_IN_PAST = "DELIVERY_IN_PAST"
    NO_NEXT_SESSION = "NO_NEXT_SESSION"
    ALREADY_DELIVERED = "ALREADY_DELIVERED"
    NOT_DELIVERED = "NOT_DELIVERED"
    ALREADY_WITHDRAWN = "ALREADY_WITHDRAWN"
    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    # Codes of single pushed mutations (the push itself succeeds).
    UNKNOWN_KIND = "UNKNOWN_KIND"
    UNKNOWN_OPERATION = "UNKNOWN_OPERATION"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    BAD_ENVELOPE = "BAD_ENVELOPE"
    BASE_FROM_FUTURE = "BASE_FROM_FUTURE"
    UNKNOWN_BASE = "UNKNOWN_BASE"
    NOT_IN_TRASH = "NOT_IN_TRASH"
    EDITED_ELSEWHERE = "EDITED_ELSEWHERE"
    INTERNAL = "INTERNAL"


class AppError(Exception):
    """An expected failure with a stable code, safe to show to the user. A plain
    exception: services know nothing of GraphQL. At the edge graphql-core wraps it and
    takes its `extensions`, so the client sees the code."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extensions: dict[str, object] = {"code": code.value}
        if field is not None:
            self.extensions["field"] = field
        if retry_after is not None:
            self.extensions["retryAfterSeconds"] = retry_after


def bad_input(field: str, message: str) -> AppError:
    return AppError(ErrorCode.BAD_INPUT, message, field=field)


def unauthenticated() -> AppError:
    return AppError(ErrorCode.UNAUTHENTICATED, "Please sign in first.")


def not_found(what: str) -> AppError:
    return AppError(ErrorCode.NOT_FOUND, f"That {what} could not be found.")


def error_body(code: ErrorCode, message: str) -> bytes:
    """The one error shape, also used outside GraphQL."""
    error = {"message": message, "extensions": {"code": code.value}}
    return json.dumps({"errors": [error]}).encode()
