"""The preferences record: wording choices and the person's own Help now contacts."""

from __future__ import annotations

import pytest

from server.preferences.kind import PREFERENCES
from server.sync.kinds import RecordProblem
from tests.graphql_client import register
from tests.sync_client import mutation, new_id, pull_all, push


def test_defaults_keep_the_plain_words():
    assert PREFERENCES.defaults() == {
        "therapistWord": "therapist",
        "breakWord": "break",
        "endingWord": "ending",
        "innerChild": True,
        "showStarters": True,
        "helpCountry": "",
        "helpContacts": [],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("therapistWord", "shrink"),
        ("breakWord", "absence"),
        ("innerChild", "yes"),
        ("showStarters", "no"),
        ("showStarters", 0),
        ("helpCountry", "NZL"),
        ("helpContacts", [{"name": "Ana", "email": "a@example.org"}]),
    ],
)
def test_what_does_not_fit_is_refused_by_field(field, value):
    with pytest.raises(RecordProblem) as problem:
        PREFERENCES.clean_changes({field: value})
    assert problem.value.field == field


async def test_two_devices_that_never_synced_write_one_record(client):
    await register(client)
    shared = new_id()
    first = await push(
        client, "phone-0001", [mutation(1, shared, {"therapistWord": "my_t"}, kind="preferences")]
    )
    second = await push(
        client,
        "laptop-0001",
        [
            mutation(
                1,
                shared,
                {"helpContacts": [{"name": "Sam", "phone": "+64 21 000"}]},
                kind="preferences",
            )
        ],
    )
    assert first["results"][0]["status"] == "APPLIED"
    assert second["results"][0]["status"] == "APPLIED"
    records, _ = await pull_all(client)
    fields = records[shared]["fields"]
    assert fields["therapistWord"] == "my_t"
    assert fields["helpContacts"][0]["name"] == "Sam"


async def test_hiding_the_ways_to_begin_syncs_and_only_true_or_false_fits(client):
    await register(client)
    shared = new_id()
    hidden, worded = (
        await push(
            client,
            "phone-0001",
            [
                mutation(1, shared, {"showStarters": False}, kind="preferences"),
                mutation(2, shared, {"showStarters": "no"}, kind="preferences"),
            ],
        )
    )["results"]
    assert hidden["status"] == "APPLIED"
    assert (worded["status"], worded["code"], worded["field"]) == (
        "REJECTED",
        "BAD_INPUT",
        "showStarters",
    )
    records, _ = await pull_all(client)
    assert records[shared]["fields"]["showStarters"] is False
