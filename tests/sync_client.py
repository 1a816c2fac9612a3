"""Push and pull over the real GraphQL endpoint, for tests."""

from __future__ import annotations

import uuid

import httpx

from tests.graphql_client import gql
from tests.sealed import reference

PUSH = """
mutation Push($device: String!, $mutations: [SyncMutationInput!]!) {
  push(deviceId: $device, mutations: $mutations) {
    lastMutationId serverVersion
    results {
      mutationId recordId status version code message field conflictFields
      current { id kind version deleted fields sealed format }
    }
  }
}
"""
PULL = """
query Pull($cursor: String, $limit: Int, $device: String) {
  pull(cursor: $cursor, limit: $limit, deviceId: $device) {
    cursor hasMore lastMutationId serverVersion
    records: recordsJson
  }
}
"""
REVISIONS = """
query Revisions($id: ID!) {
  letterRevisions(letterId: $id) { id version sealed format deviceId createdAt }
}
"""


def new_id() -> str:
    return str(uuid.uuid4())


def mutation(
    mutation_id: int,
    record_id: str,
    fields: dict | None = None,
    *,
    kind: str = "letter",
    op: str = "upsert",
    base: int | None = None,
    sealed: str | None = None,
    fmt: int | None = None,
) -> dict:
    sealed_parts = {"sealed": sealed} if sealed is not None else {}
    if fmt is not None:
        sealed_parts["format"] = fmt
    return {
        "mutationId": mutation_id,
        "kind": kind,
        "op": op,
        "recordId": record_id,
        "baseVersion": base,
        "fields": fields,
        **sealed_parts,
    }


def sealed_mutation(
    mutation_id: int,
    record_id: str,
    content: object,
    account_key: bytes,
    *,
    kind: str = "toolkit_item",
    base: int | None = None,
    fmt: int = 1,
) -> dict:
    """An upsert of a sealed kind as a device sends it: the whole content, sealed with the
    account key for this record, kind and format."""
    sealed = reference.seal_record(account_key, record_id, kind, fmt, content)
    return mutation(mutation_id, record_id, kind=kind, base=base, sealed=sealed, fmt=fmt)


def letter(body: str = "", title: str = "", **fields) -> dict:
    """A letter's content (format 1) as a device seals it (docs/sync.md)."""
    return {
        "title": title,
        "body": body,
        "recipient": "",
        "part": None,
        "tags": [],
        "state": "draft",
        "forNextSession": False,
        "clientCreatedAt": "2026-03-02T21:40:00.000Z",
        "clientEditedAt": "2026-03-02T21:40:00.000Z",
        "editedOn": {"device": "phone-0001", "label": "phone"},
        **fields,
    }


def letter_mutation(
    mutation_id: int, record_id: str, content: object, account_key: bytes, base: int | None = None
) -> dict:
    """An upsert of a letter: its whole content, sealed."""
    return sealed_mutation(mutation_id, record_id, content, account_key, kind="letter", base=base)


def opened(record: dict, account_key: bytes) -> object:
    """A pulled sealed record's content, opened as its devices open it."""
    return reference.open_record(
        account_key, record["id"], record["kind"], record["format"], record["sealed"]
    )


def opened_revision(letter_id: str, revision: dict, account_key: bytes) -> object:
    """A letter revision's content: sealed as the letter was at that version."""
    return reference.open_record(
        account_key, letter_id, "letter", revision["format"], revision["sealed"]
    )


async def push_raw(client: httpx.AsyncClient, device: str, mutations: list[dict]) -> dict:
    return await gql(client, PUSH, {"device": device, "mutations": mutations})


async def push(client: httpx.AsyncClient, device: str, mutations: list[dict]) -> dict:
    result = await push_raw(client, device, mutations)
    assert "errors" not in result, result
    return result["data"]["push"]


async def push_one(client, device: str, *args, **kwargs) -> dict:
    return (await push(client, device, [mutation(*args, **kwargs)]))["results"][0]


async def pull_page(client, cursor=None, limit=None, device=None) -> dict:
    result = await gql(client, PULL, {"cursor": cursor, "limit": limit, "device": device})
    assert "errors" not in result, result
    return result["data"]["pull"]


async def pull_in_order(client, cursor=None, limit=None) -> tuple[list[dict], str]:
    """Every record changed after `cursor`, page by page in version order, and the
    cursor after them."""
    records: list[dict] = []
    while True:
        page = await pull_page(client, cursor, limit)
        records.extend(page["records"])
        cursor = page["cursor"]
        if not page["hasMore"]:
            return records, cursor


async def pull_all(client, cursor=None, limit=None) -> tuple[dict[str, dict], str]:
    """The latest state of every record changed after `cursor`, by id."""
    records, cursor = await pull_in_order(client, cursor, limit)
    return {record["id"]: record for record in records}, cursor


async def revisions(client, letter_id: str) -> list[dict]:
    result = await gql(client, REVISIONS, {"id": letter_id})
    assert "errors" not in result, result
    return result["data"]["letterRevisions"]
