"""The PWA's outbox rules, run in Chromium against the real module, with Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page

pytestmark = pytest.mark.browser

BROWSER_EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def outbox(chromium, served_sqlite):
    """A page with the outbox module loaded; calls are `outbox(name, *args)`."""
    with module_page(chromium, served_sqlite, "/src/outbox.js") as call:
        yield call


RECORDS = ["a", "b", "c", "d"]


@st.composite
def outboxes(draw):
    """Outbox entries as the app leaves them: per record, at most the first is in flight,
    and only a change queued behind another waits for its base."""
    entries = []
    next_id = 1
    seq = 1
    for record in draw(st.lists(st.sampled_from(RECORDS), max_size=12)):
        earlier = [e for e in entries if e["recordId"] == record]
        in_flight = not earlier and draw(st.booleans())
        entries.append(
            {
                "seq": seq,
                "recordId": record,
                "kind": "letter",
                "op": draw(st.sampled_from(["upsert", "delete", "purge"])),
                "fields": {"body": draw(st.text(max_size=40))},
                "baseVersion": draw(st.none() | st.integers(1, 50)),
                "awaitsBase": bool(earlier),
                "mutationId": None,
            }
        )
        if in_flight:
            entries[-1]["mutationId"] = next_id
        next_id += 1
        seq += 1
    return draw(st.permutations(entries))


@BROWSER_EXAMPLES
@given(entries=outboxes(), max_count=st.integers(1, 6))
def test_next_batch_follows_the_sync_rules(outbox, entries, max_count):
    batch = outbox("nextBatch", entries, max_count)
    in_flight = sorted(
        (e for e in entries if e["mutationId"] is not None), key=lambda e: e["mutationId"]
    )
    # What was sent is resent unchanged, first, in the order of its ids.
    assert batch[: len(in_flight)] == in_flight
    records = [e["recordId"] for e in batch]
    assert len(records) == len(set(records)), "one change per record per push"
    for entry in batch:
        assert not entry["awaitsBase"]
        first = min(
            (e for e in entries if e["recordId"] == entry["recordId"]), key=lambda e: e["seq"]
        )
        assert entry == first, "a record's changes go in the order they were made"
    new = batch[len(in_flight) :]
    assert [e["seq"] for e in new] == sorted(e["seq"] for e in new)
    ready = {
        min((e for e in entries if e["recordId"] == r), key=lambda e: e["seq"])["seq"]
        for r in {e["recordId"] for e in entries}
    }
    left_out = [e for e in entries if e["seq"] in ready and e not in batch and not e["awaitsBase"]]
    assert not left_out or len(batch) >= max(max_count, len(in_flight))


@BROWSER_EXAMPLES
@given(
    server=st.dictionaries(st.sampled_from(["title", "body", "tags"]), st.text(max_size=10)),
    edits=st.lists(
        st.dictionaries(st.sampled_from(["title", "body", "tags"]), st.text(max_size=10)),
        max_size=5,
    ),
)
def test_the_view_is_the_server_record_with_every_unsent_edit_on_top(outbox, server, edits):
    record = {"server": server, "serverDeleted": False}
    entries = [{"seq": i, "op": "upsert", "fields": fields} for i, fields in enumerate(edits)]
    expected = dict(server)
    for fields in edits:
        expected.update(fields)
    # Order in the store does not matter; the sequence number does.
    view = outbox("viewOf", record, list(reversed(entries)))
    assert view == {"fields": expected, "deleted": False}


def test_deletes_and_restores_show_in_the_view(outbox):
    record = {"server": {"body": "kept"}, "serverDeleted": False}
    delete = {"seq": 1, "op": "delete", "fields": None}
    # Back from the trash: an upsert of nothing new brings the words back as they were.
    restore = {"seq": 2, "op": "upsert", "fields": {}}
    purge = {"seq": 3, "op": "purge", "fields": None}
    assert outbox("viewOf", record, [delete])["deleted"] is True
    back = outbox("viewOf", record, [delete, restore])
    assert back == {"fields": {"body": "kept"}, "deleted": False}
    assert outbox("viewOf", record, [delete, restore, purge])["deleted"] is True


def test_the_next_change_is_based_on_what_the_server_gave(outbox):
    sent = {"baseVersion": 4}
    assert outbox("baseAfter", sent, {"status": "APPLIED", "version": 9}) == 9
    # Merged or refused: this device never saw that version's words, so keep the old base.
    for status in ["MERGED", "CONFLICT_KEPT", "REJECTED", "DUPLICATE"]:
        assert outbox("baseAfter", sent, {"status": status, "version": 9}) == 4


def test_a_push_stays_within_the_size_limit(outbox):
    big = [
        {
            "seq": i,
            "recordId": f"r{i}",
            "kind": "letter",
            "op": "upsert",
            "fields": {"body": "é" * 200_000},
            "baseVersion": None,
            "awaitsBase": False,
            "mutationId": None,
        }
        for i in range(1, 20)
    ]
    batch = outbox("nextBatch", big)
    # 400 KB each in UTF-8, sealed as base64url: 533 KB each; 6 fit under 3.5 MB, and
    # the rest follow in later pushes.
    assert len(batch) == 6
