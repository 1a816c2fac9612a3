"""Field rules for synced records. Each rule checks one JSON value and returns it clean.

A rule raises `FieldProblem` with a message for people; the sync service turns it
into a rejected mutation naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeGuard, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import AppError, ErrorCode

# What a rule's clean value is: text for Text, a bool for Flag, and so on.
Clean = TypeVar("Clean", covariant=True)


def is_object(value: object) -> TypeGuard[dict[str, object]]:
    """A JSON object as parsed: its keys are text, its values anything."""
    return isinstance(value, dict)


def is_list(value: object) -> TypeGuard[list[object]]:
    return isinstance(value, list)


class FieldProblem(ValueError):
    def __init__(self, message: str, code: ErrorCode = ErrorCode.BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


class Rule(Generic[Clean]):
    nullable: bool = False
    default: object = None

    def check(self, value: object) -> Clean | None:
        if value is None and self.nullable:
            return None
        return self.required(value)

    def required(self, value: object) -> Clean:
        """The clean value; None is refused even where the field may be empty."""
        if value is None:
            raise FieldProblem("This cannot be empty.")
        return self.clean(value)

    def clean(self, value: object) -> Clean:
        raise NotImplementedError


@dataclass
class Text(Rule[str]):
    max_length: int
    nullable: bool = False
    default: object = ""

    def clean(self, value: object) -> str:
        if not isinstance(value, str):
            raise FieldProblem("Expected text.")
        if len(value) > self.max_length:
            raise FieldProblem(f"Use at most {self.max_length:,} characters.", ErrorCode.TOO_LARGE)
        if "\x00" in value:
            raise FieldProblem("The text contains a character that cannot be stored.")
        return value


@dataclass
class Flag(Rule[bool]):
    default: object = False

    def clean(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise FieldProblem("Expected true or false.")
        return value


@dataclass
class Number(Rule[int]):
    minimum: int
    maximum: int
    nullable: bool = False
    default: object = None

    def clean(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldProblem("Expected a whole number.")
        if not self.minimum <= value <= self.maximum:
            raise FieldProblem(f"Use a number from {self.minimum} to {self.maximum}.")
        return value


@dataclass
class Choice(Rule[str]):
    choices: tuple[str, ...]
    nullable: bool = False
    default: object = None

    def clean(self, value: object) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise FieldProblem("Choose one of: " + ", ".join(self.choices) + ".")
        return value


@dataclass
class TextList(Rule[list[str]]):
    max_items: int
    max_length: int
    default: object = field(default_factory=list[object])

    def clean(self, value: object) -> list[str]:
        if not is_list(value):
            raise FieldProblem("Expected a list.")
        if len(value) > self.max_items:
            raise FieldProblem(f"Use at most {self.max_items} items.", ErrorCode.TOO_LARGE)
        item = Text(self.max_length)
        return [item.required(entry) for entry in value]


def datetime_text(value: object, expected: str) -> tuple[str, datetime]:
    """The text of a date and time, and what it says; FieldProblem(`expected`) if it is
    not one."""
    if not isinstance(value, str) or len(value) > 40:
        raise FieldProblem(expected)
    try:
        return value, datetime.fromisoformat(value)
    except ValueError:
        raise FieldProblem(expected) from None


def parse_datetime(value: object, expected: str) -> datetime:
    return datetime_text(value, expected)[1]


@dataclass
class Moment(Rule[str]):
    """A client clock reading with its UTC offset; for display only, never for order."""

    nullable: bool = False

    def clean(self, value: object) -> str:
        text, moment = datetime_text(value, "Expected an ISO 8601 date and time.")
        if moment.tzinfo is None:
            raise FieldProblem("The date and time needs its UTC offset.")
        return text


@dataclass
class TimeZone(Rule[str]):
    default: object = "UTC"

    def clean(self, value: object) -> str:
        if not isinstance(value, str) or not value or len(value) > 64 or value.startswith("/"):
            raise FieldProblem("Expected an IANA time zone such as Europe/Dublin.")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise FieldProblem(f"{value!r} is not a known time zone.") from None
        return value


def default_of(rule: Rule[object]) -> object:
    default = rule.default
    return list(default) if is_list(default) else default


def checked(rule: Rule[Clean], value: object, field: str) -> Clean:
    """A field rule's answer for a plain input that must be given (not a pushed field),
    with its complaint as a typed error naming the input."""
    try:
        return rule.required(value)
    except FieldProblem as problem:
        raise AppError(problem.code, str(problem), field=field) from None
