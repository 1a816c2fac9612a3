"""Log lines: JSON objects (production) or plain text, each with its request's id.

What people write never reaches a log line, nor does a session token: the server logs
what it did (an operation's name, an outcome code, a status, a duration), never what it
was sent. Exceptions are logged as their type and stack without their message, since a
message can quote a value (a database error names the row it refused).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
import uuid
from contextvars import ContextVar
from types import TracebackType
from typing import IO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# Set by the request middleware (server/observe.py) for everything a request does.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What a proxy may hand us as an id: short, and nothing that could forge a log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["levelname", "name", "message"]

ExcInfo = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]


def request_id_from(header: str | None) -> str:
    """The proxy's id for this request when it sent a sane one, or a new one."""
    if header is not None and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def without_messages(exc_info: ExcInfo) -> str:
    """The traceback with each exception's type and stack, but not its message."""
    lines: list[str] = []
    error: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.extract_tb(error.__traceback__)
        lines[:0] = [
            "Traceback (most recent call last):\n",
            *traceback.format_list(frames),
            f"{type(error).__module__}.{type(error).__qualname__} (message not logged)\n",
        ]
        error = error.__cause__ or error.__context__
    return "".join(lines).rstrip("\n")


class PrivateJsonFormatter(JsonFormatter):
    def formatException(self, ei) -> str:
        return without_messages(ei)


class PrivateTextFormatter(logging.Formatter):
    def formatException(self, ei) -> str:
        return without_messages(ei)

    def format(self, record: logging.LogRecord) -> str:
        # logging keeps the first handler's rendering of the exception on the record and
        # every later formatter reuses it: render ours, then leave the record as it was.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


def log_handler(log_format: str, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing lines in `log_format` ("json" or "text") to `stream` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        formatter: logging.Formatter = PrivateJsonFormatter(
            JSON_FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC, which log stores read without being told a format.
            timestamp="time",
            # uvicorn adds a colourised copy of some messages; one copy is enough.
            reserved_attrs=[*RESERVED_ATTRS, "taskName", "color_message"],
        )
    else:
        formatter = PrivateTextFormatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


def logging_config(log_format: str) -> dict:
    """For logging.config.dictConfig, as uvicorn's `log_config`: every logger, uvicorn's
    included, writes through one handler in the chosen format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"default": {"()": log_handler, "log_format": log_format}},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            name: {"handlers": [], "propagate": True, "level": "INFO"}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
