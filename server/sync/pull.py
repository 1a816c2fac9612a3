"""Pull: the account's records changed after a cursor, oldest change first.

A first sync reads every record an account has, so this is the server's widest read.
It reads rows as tuples with one SQL statement a chunk and turns each into the dict the
wire carries (camelCase, timestamps as ISO 8601 text) directly: no ORM object, no date
parsing where the stored text already is the answer, and no GraphQL resolver a record
(server/sync/schema.py sends the list as one JSON value).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from server.auth.models import Account
from server.columns import first_value
from server.errors import AppError, ErrorCode
from server.sync.models import SyncDevice
from server.sync.service import valid_device_id

MAX_PULL = 1000
DEFAULT_PULL = 200
# A page also stops once its records hold this much, so that a pull of long letters is
# many modest answers, not one huge one held in the server's memory.
PULL_BYTES = 2 * 1024 * 1024
# Records are read this many at a time while a page fills up.
PULL_CHUNK = 50
CURSOR = re.compile(r"v(\d{1,18})")

# What a pulled record is on the wire, in this order.
WIRE_FIELDS = (
    "id",
    "kind",
    "version",
    "deleted",
    "deletedAt",
    "fields",
    "sealed",
    "format",
    "createdAt",
    "updatedAt",
)
_SELECT = (
    "SELECT id, kind, version, deleted, deleted_at, data, sealed, format, created_at, "
    "updated_at FROM sync_record WHERE owner_id = {0} AND version > {1} "
    "ORDER BY version LIMIT {2}"
)
SELECT_SQLITE = _SELECT.format("?", "?", "?")
SELECT_POSTGRES = _SELECT.format("$1", "$2", "$3")

Record = dict[str, Any]


def cursor_of(version: int) -> str:
    return f"v{version}"


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    match = CURSOR.fullmatch(cursor)
    if not match:
        raise AppError(ErrorCode.BAD_CURSOR, "That sync position is not one this server gave.")
    return int(match.group(1))


@dataclass(frozen=True)
class Page:
    records: list[Record]
    cursor: str
    has_more: bool
    server_version: int
    account_id: uuid.UUID
    device_id: str | None

    async def last_mutation_id(self) -> int | None:
        """The last mutation accepted from `device_id`, read only when asked for: the
        PWA never asks, and an idle pull is then the session's read and nothing else."""
        if self.device_id is None:
            return None
        device = SyncDevice.filter(account_id=self.account_id, device_id=self.device_id)
        return (await first_value(device.first(), "last_mutation_id")) or 0


async def pull(
    account: Account, cursor: str | None, limit: int | None, device_id: str | None
) -> Page:
    """`account` is the one loaded with the request's session, so its counter is current."""
    after = parse_cursor(cursor)
    limit = DEFAULT_PULL if limit is None else limit
    if not 1 <= limit <= MAX_PULL:
        raise AppError(
            ErrorCode.BAD_INPUT, f"Pull 1 to {MAX_PULL} records at a time.", field="limit"
        )
    counter = account.change_counter
    if after > counter:
        raise AppError(
            ErrorCode.CURSOR_AHEAD,
            "This device is ahead of the server; it needs a fresh sync.",
            field="cursor",
        )
    if device_id is not None:
        valid_device_id(device_id)
    records, has_more = [], False
    if after < counter:
        records, has_more = await records_after(account.id, after, limit)
    return Page(
        records=records,
        cursor=cursor_of(records[-1]["version"] if records else after),
        has_more=has_more,
        server_version=counter,
        account_id=account.id,
        device_id=device_id,
    )


async def records_after(account_id: uuid.UUID, after: int, limit: int) -> tuple[list[Record], bool]:
    """Up to `limit` records changed after `after`, oldest change first, within
    PULL_BYTES (but always at least one, however long); and whether more remain."""
    database = connections.get("default")
    postgres = database.capabilities.dialect == "postgres"
    sql, owner = (SELECT_POSTGRES, account_id) if postgres else (SELECT_SQLITE, str(account_id))
    to_wire = _postgres_record if postgres else _sqlite_record
    page: list[Record] = []
    size = 0
    last = after
    while True:
        wanted = min(PULL_CHUNK, limit - len(page))
        _, rows = await database.execute_query(sql, [owner, last, wanted + 1])
        for row in rows[:wanted]:
            record = to_wire(row)
            data = row[5]
            # The same measure as the record's fields written out, and its envelope.
            size += (2 if data == "{}" else _data_length(record["fields"])) + len(row[6] or "")
            if page and size > PULL_BYTES:
                return page, True
            page.append(record)
        if len(rows) <= wanted:
            return page, False
        if len(page) == limit:
            return page, True
        last = page[-1]["version"]


def _data_length(fields: object) -> int:
    return len(json.dumps(fields, ensure_ascii=False))


def _fields(data: str) -> Any:
    # A sealed record's fields are always empty: no need to parse them.
    return {} if data == "{}" else json.loads(data)


def _sqlite_record(row: Any) -> Record:
    return {
        "id": row[0],
        "kind": row[1],
        "version": row[2],
        "deleted": bool(row[3]),
        "deletedAt": None if row[4] is None else sqlite_iso(row[4]),
        "fields": _fields(row[5]),
        "sealed": row[6],
        "format": row[7],
        "createdAt": sqlite_iso(row[8]),
        "updatedAt": sqlite_iso(row[9]),
    }


def _postgres_record(row: Any) -> Record:
    deleted_at = row[4]
    return {
        "id": str(row[0]),
        "kind": row[1],
        "version": row[2],
        "deleted": row[3],
        "deletedAt": None if deleted_at is None else utc_iso(deleted_at),
        # jsonb comes as its text: asyncpg has no codec for it here.
        "fields": _fields(row[5]) if isinstance(row[5], str) else row[5],
        "sealed": row[6],
        "format": row[7],
        "createdAt": utc_iso(row[8]),
        "updatedAt": utc_iso(row[9]),
    }


def utc_iso(moment: datetime) -> str:
    """A timestamp as the GraphQL DateTime scalar writes it: ISO 8601 in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).isoformat()
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def sqlite_iso(text: str) -> str:
    """A timestamp SQLite holds as text (Tortoise writes `isoformat(" ")`, in UTC) as
    `utc_iso` would write it, without parsing it: only the separator differs."""
    if len(text) in (25, 32) and text[10] == " " and text.endswith("+00:00"):
        return f"{text[:10]}T{text[11:]}"
    return utc_iso(datetime.fromisoformat(text))
