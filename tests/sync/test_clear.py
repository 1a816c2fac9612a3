"""The generic rules for a clear kind, whose fields the server reads and merges one by one
(the therapist's `shared_letter` is one). Every kind devices write is sealed, so these
push a kind of the test's own through the real sync service, on both databases."""

from __future__ import annotations

import uuid

import pytest

from server.auth.models import Account
from server.sync import pull as pulling
from server.sync import service
from server.sync.fields import Text, TextList
from server.sync.kinds import Kind
from server.sync.outcomes import Incoming, Outcome, Status
from server.sync.registry import Kinds
from tests.graphql_client import register

PHONE = "phone-0001"
LAPTOP = "laptop-0001"
NOTE = Kind(
    name="note",
    rules={"title": Text(100), "body": Text(1000), "tags": TextList(max_items=5, max_length=20)},
)
KINDS = Kinds([NOTE], {})


class Devices:
    """One account's devices, each with its own outbox numbering."""

    def __init__(self, app, account_id: uuid.UUID) -> None:
        self.pokes = app.state.pokes
        self.account_id = account_id
        self.sent: dict[str, int] = {}

    async def push(
        self, device: str, record_id: str, fields: dict | None = None, **kwargs
    ) -> Outcome:
        self.sent[device] = self.sent.get(device, 0) + 1
        incoming = Incoming(
            mutation_id=self.sent[device],
            kind=NOTE.name,
            op=kwargs.get("op", "upsert"),
            record_id=record_id,
            base_version=kwargs.get("base"),
            fields=fields or {},
        )
        pushed = await service.push(self.account_id, device, [incoming], self.pokes, KINDS)
        return pushed.outcomes[0]

    async def records(self, after: int = 0) -> dict[str, tuple[int, bool, dict]]:
        account = await Account.get(id=self.account_id)
        page = await pulling.pull(account, pulling.cursor_of(after), 100, None)
        return {r["id"]: (r["version"], r["deleted"], r["fields"]) for r in page.records}


@pytest.fixture
async def devices(app, client) -> Devices:
    account = await register(client)
    return Devices(app, uuid.UUID(account["account"]["id"]))


def new_id() -> str:
    return str(uuid.uuid4())


async def test_different_fields_edited_on_two_devices_both_survive(devices):
    note = new_id()
    await devices.push(PHONE, note, {"title": "Draft", "body": "words"})
    title = await devices.push(PHONE, note, {"title": "For Tuesday"}, base=1)
    tags = await devices.push(LAPTOP, note, {"tags": ["dream"]}, base=1)
    assert (title.status, tags.status) == (Status.APPLIED, Status.MERGED)
    version, deleted, data = (await devices.records())[note]
    assert (version, deleted) == (3, False)
    assert data == {"title": "For Tuesday", "body": "words", "tags": ["dream"]}


async def test_a_field_changed_on_both_keeps_the_servers_value_at_a_new_version(devices):
    """The device whose value was not taken pulls the record again at its new version."""
    note = new_id()
    await devices.push(PHONE, note, {"title": "Anna", "body": "words"})
    await devices.push(PHONE, note, {"title": "Dr Hale"}, base=1)
    late = await devices.push(LAPTOP, note, {"title": "You", "body": "words"}, base=1)
    assert (late.status, late.conflict_fields, late.version) == (
        Status.CONFLICT_KEPT,
        ["title"],
        3,
    )
    changed = await devices.records(after=2)
    assert changed[note][0] == 3 and changed[note][2]["title"] == "Dr Hale"


@pytest.mark.parametrize("delete_first", [True, False])
async def test_an_edit_beats_a_delete(devices, delete_first):
    note = new_id()
    await devices.push(PHONE, note, {"body": "keep me"})
    if delete_first:
        deleted = await devices.push(PHONE, note, op="delete", base=1)
        edited = await devices.push(LAPTOP, note, {"body": "keep me, and more"}, base=1)
        assert (deleted.status, edited.status) == (Status.APPLIED, Status.MERGED)
    else:
        await devices.push(LAPTOP, note, {"body": "keep me, and more"}, base=1)
        lost = await devices.push(PHONE, note, op="delete", base=1)
        assert (lost.status, lost.code) == (Status.CONFLICT_KEPT, "EDITED_ELSEWHERE")
    _version, deleted, data = (await devices.records())[note]
    assert not deleted and data["body"] == "keep me, and more"


async def test_a_bad_field_is_refused_and_the_fields_stay(devices):
    note = new_id()
    await devices.push(PHONE, note, {"body": "words"})
    refused = await devices.push(PHONE, note, {"mood": "low"}, base=1)
    too_long = await devices.push(PHONE, note, {"title": "x" * 101}, base=1)
    assert (refused.status, refused.code, refused.field_name) == (
        Status.REJECTED,
        "UNKNOWN_FIELD",
        "mood",
    )
    assert (too_long.code, too_long.field_name) == ("TOO_LARGE", "title")
    _version, _deleted, data = (await devices.records())[note]
    assert data == {"title": "", "body": "words", "tags": []}
