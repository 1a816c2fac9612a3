"""The preferences record: wording choices and the person's own Help now contacts."""

from __future__ import annotations

import uuid

import pytest

from server.preferences.kind import PREFERENCES, preferences_id
from server.sync.kinds import RecordProblem
from tests.graphql_client import register
from tests.sharing.people import connect, sign_up
from tests.sync_client import mutation, new_id, pull_all, push


def own_id(account: dict) -> str:
    return str(preferences_id(uuid.UUID(account["account"]["id"])))


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


def test_the_id_is_the_one_the_app_derives():
    # pwa/src/preferences.js idFor("6f1c2b0e-8d4a-4c3b-9e2f-1a2b3c4d5e6f"), run in a browser.
    account = uuid.UUID("6f1c2b0e-8d4a-4c3b-9e2f-1a2b3c4d5e6f")
    assert str(preferences_id(account)) == "60173e8e-cf4d-8e67-9410-75a7b8adc86d"


async def test_two_devices_that_never_synced_write_one_record(client):
    shared = own_id(await register(client))
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
    shared = own_id(await register(client))
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


async def test_a_linked_therapist_cannot_take_the_clients_preferences(app):
    """Linked people see each other's account id, so they can work out this record's id."""
    robin = await sign_up(app, "robin", "CLIENT")
    ada = await sign_up(app, "ada", "THERAPIST")
    try:
        await connect(robin, ada)
        robins_id = str(preferences_id(uuid.UUID(robin.id)))
        [squat] = await ada.push([(robins_id, {"helpCountry": "NZ"}, {"kind": "preferences"})])
        assert (squat["status"], squat["code"], squat["field"]) == (
            "REJECTED",
            "BAD_INPUT",
            "recordId",
        )
        [own] = await robin.push(
            [(robins_id, {"helpContacts": [{"name": "Sam"}]}, {"kind": "preferences"})]
        )
        assert own["status"] == "APPLIED", own
    finally:
        await robin.http.aclose()
        await ada.http.aclose()


async def test_any_other_id_is_refused(client):
    await register(client)
    [result] = (await push(client, "phone-0001", [mutation(1, new_id(), {}, kind="preferences")]))[
        "results"
    ]
    assert (result["status"], result["field"]) == ("REJECTED", "recordId")
