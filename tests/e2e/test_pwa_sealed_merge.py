"""A sealed record after a STALE answer (pwa/src/rebase.js), run in Chromium on the
real module: the device merges three ways and sends one change in place of its pending
ones. Edits replace runs of lines with lines found nowhere else, so each side's words
can be counted in the result: none lost, none applied twice.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page
from tests.e2e.test_pwa_merge import COMMON, edit, text

pytestmark = pytest.mark.browser

BROWSER_EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
TEXT_FIELDS = ["name", "note"]
AT = "2025-03-04T05:06:07.000Z"


@pytest.fixture
def rebase(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/rebase.js") as call:
        yield call


def stale(rebase, base, mine, theirs, *, deleted=False, mine_deleted=False, op="upsert"):
    """afterStale for an upsert made on `base`, the device showing `mine`."""
    return rebase(
        "afterStale",
        {"op": op, "baseContent": base},
        {"fields": mine, "deleted": mine_deleted},
        {"version": 9, "deleted": deleted, "content": theirs},
        TEXT_FIELDS,
        AT,
    )


def shown(result) -> dict:
    """What the device shows afterwards: the server's content, the pending change on top."""
    pending = result["pending"]
    return {**result["server"], **(pending["fields"] if pending else {})}


def lines_of(side: str, value: str) -> Counter:
    return Counter(line for line in value.splitlines(keepends=True) if line.startswith(side))


conflict_lists = st.lists(
    st.fixed_dictionaries(
        {"field": st.sampled_from(TEXT_FIELDS), "mine": st.sampled_from(COMMON), "at": st.just("x")}
    ),
    max_size=2,
    unique_by=lambda c: (c["field"], c["mine"]),
)


@BROWSER_EXAMPLES
@given(
    data=st.data(),
    base_lines=st.fixed_dictionaries(
        {field: st.lists(st.sampled_from(COMMON), max_size=8) for field in TEXT_FIELDS}
    ),
    earlier=conflict_lists,
)
def test_no_words_are_lost_and_none_applied_twice(rebase, data, base_lines, earlier):
    mine_lines = {f: data.draw(edit(v, f"mine-{f}")) for f, v in base_lines.items()}
    theirs_lines = {f: data.draw(edit(v, f"theirs-{f}")) for f, v in base_lines.items()}
    theirs_added = data.draw(conflict_lists)
    base = {f: text(v) for f, v in base_lines.items()} | {"position": 1, "conflicts": earlier}
    mine = {f: text(v) for f, v in mine_lines.items()} | {"position": 1, "conflicts": earlier}
    theirs_conflicts = earlier + [c for c in theirs_added if c not in earlier]
    theirs = {f: text(v) for f, v in theirs_lines.items()} | {
        "position": 2,
        "conflicts": theirs_conflicts,
    }

    result = stale(rebase, base, mine, theirs)

    assert result["version"] == 9
    assert result["server"] == theirs
    content = shown(result)
    conflicts = content["conflicts"]
    # Conflicts are appended, never overwritten.
    assert conflicts[: len(theirs_conflicts)] == theirs_conflicts
    new = conflicts[len(theirs_conflicts) :]
    assert all(c["at"] == AT for c in new)
    for field in TEXT_FIELDS:
        value = content[field]
        # The other device's words stay, each once.
        assert lines_of(f"theirs-{field}", value) == lines_of(f"theirs-{field}", theirs[field])
        set_aside = [c["mine"] for c in new if c["field"] == field]
        if set_aside:
            # Set aside whole, once; the field keeps the other device's text.
            assert set_aside == [mine[field]]
            assert value == theirs[field]
        else:
            assert lines_of(f"mine-{field}", value) == lines_of(f"mine-{field}", mine[field])
    assert content["position"] == 2
    # The pending change is exactly the difference from the server's content.
    pending = result["pending"]
    if pending is not None:
        assert pending["op"] == "upsert"
        assert pending["baseContent"] == theirs
        assert all(theirs.get(k) != v for k, v in pending["fields"].items())


def test_different_lines_merge_into_one_change(rebase):
    base = {"note": "one\ntwo\nthree\n", "name": "Burlap"}
    mine = {"note": "one, mine\ntwo\nthree\n", "name": "Burlap"}
    theirs = {"note": "one\ntwo\nthree, theirs\n", "name": "Burlap"}
    result = stale(rebase, base, mine, theirs)
    assert result["pending"] == {
        "op": "upsert",
        "fields": {"note": "one, mine\ntwo\nthree, theirs\n"},
        "baseContent": theirs,
    }


def test_the_same_line_keeps_theirs_and_sets_mine_aside(rebase):
    base = {"note": "It is rough.\n", "conflicts": [{"field": "name", "mine": "Old", "at": "y"}]}
    mine = {**base, "note": "It is rough, like her coat.\n"}
    theirs = {**base, "note": "It is rough, like sand.\n"}
    result = stale(rebase, base, mine, theirs)
    assert shown(result) == {
        "note": "It is rough, like sand.\n",
        "conflicts": [
            {"field": "name", "mine": "Old", "at": "y"},
            {"field": "note", "mine": "It is rough, like her coat.\n", "at": AT},
        ],
    }


def test_nothing_to_send_when_both_made_the_same_change(rebase):
    base = {"text": "Before"}
    both = {"text": "After"}
    assert stale(rebase, base, both, both)["pending"] is None


def test_an_edit_brings_back_a_record_deleted_elsewhere(rebase):
    base = {"name": "Stone"}
    result = stale(rebase, base, {"name": "Smooth stone"}, base, deleted=True)
    assert result["serverDeleted"] is True
    assert result["pending"]["op"] == "upsert"
    assert shown(result) == {"name": "Smooth stone"}
    # Even an edit back to the same words.
    assert stale(rebase, base, base, base, deleted=True)["pending"]["op"] == "upsert"


def test_a_delete_loses_to_an_edit_elsewhere(rebase):
    base = {"name": "Stone"}
    theirs = {"name": "Stone from the beach"}
    result = stale(rebase, base, base, theirs, op="delete", mine_deleted=True)
    assert result["pending"] is None
    assert result["server"] == theirs and result["serverDeleted"] is False


def test_words_changed_then_trashed_here_go_to_the_trash_with_an_edit_elsewhere(rebase):
    base = {"name": "Stone", "note": "One.\nTwo.\n"}
    mine = {"name": "Stone", "note": "One, mine.\nTwo.\n"}
    theirs = {"name": "Stone from the beach", "note": "One.\nTwo.\n"}
    result = stale(rebase, base, mine, theirs, mine_deleted=True)
    # Both edits, then the delete this device made.
    assert shown(result) == {"name": "Stone from the beach", "note": "One, mine.\nTwo.\n"}
    assert result["pending"]["op"] == "upsert" and result["trash"] is True


def test_words_changed_then_trashed_on_both_devices_stay_in_the_trash(rebase):
    base = {"name": "Stone"}
    mine = {"name": "Smooth stone"}
    # Trashed elsewhere as it was: this device's words go into the trash, not back.
    result = stale(rebase, base, mine, base, deleted=True, mine_deleted=True)
    assert shown(result) == mine
    assert result["serverDeleted"] is True and result["trash"] is True
    # Nothing of this device's is missing there: the delete alone would change nothing.
    same = stale(rebase, base, base, base, deleted=True, mine_deleted=True)
    assert same["pending"] is None and same["trash"] is False


def test_only_trashed_here_changes_nothing_elsewhere(rebase):
    base = {"name": "Stone"}
    theirs = {"name": "Stone from the beach"}
    result = rebase(
        "afterStale",
        {"op": "delete", "baseContent": base},
        {"fields": base, "deleted": True},
        {"version": 9, "deleted": False, "content": theirs},
        TEXT_FIELDS,
        AT,
        {},
        {"edited": False},
    )
    assert result["pending"] is None and result["trash"] is False


def test_an_unreadable_server_copy_keeps_this_devices_copy_and_sends_it_whole(rebase):
    result = rebase(
        "afterStale",
        {"op": "upsert", "baseContent": {"text": "a"}},
        {"fields": {"text": "mine", "position": 3}, "deleted": False},
        {"version": 9, "deleted": False, "content": None},
        ["text"],
        AT,
    )
    assert result["server"] is None
    assert result["pending"] == {
        "op": "upsert",
        "fields": {"text": "mine", "position": 3},
        "baseContent": {},
    }


def test_conflicts_let_go_on_either_side_stay_gone(rebase):
    a = {"field": "note", "mine": "a", "at": "1"}
    b = {"field": "note", "mine": "b", "at": "2"}
    c = {"field": "name", "mine": "c", "at": "3"}
    # Base had a and b; this device let a go and added c; the other let b go.
    assert rebase("mergeConflicts", [a, b], [b, c], [a]) == [c]
    assert rebase("mergeConflicts", [], [a], [b], [c]) == [b, a, c]


STAMPS = ["clientEditedAt", "editedOn"]


def stamped(rebase, base, mine, theirs):
    """afterStale for a letter: its text fields and stamps, this device named."""
    return rebase(
        "afterStale",
        {"op": "upsert", "baseContent": base},
        {"fields": mine, "deleted": False},
        {"version": 9, "deleted": False, "content": theirs},
        ["title", "body"],
        AT,
        {},
        {"provenance": {"device": "d-phone", "label": "phone", "editedAt": "T1"}, "stamps": STAMPS},
    )


def test_stamps_are_never_set_aside_and_follow_the_words_shown(rebase):
    before = {"device": "x", "label": "phone"}
    base = {"body": "a\nb\nc\n", "clientEditedAt": "T0", "editedOn": before}
    laptop = {"device": "d-laptop", "label": "computer"}
    phone = {"device": "d-phone", "label": "phone"}
    # Joined cleanly: the newer side's stamps.
    mine = {"body": "a, phone\nb\nc\n", "clientEditedAt": "T2", "editedOn": phone}
    theirs = {"body": "a\nb\nc, laptop\n", "clientEditedAt": "T1", "editedOn": laptop}
    content = shown(stamped(rebase, base, mine, theirs))
    assert content["body"] == "a, phone\nb\nc, laptop\n"
    assert (content["clientEditedAt"], content["editedOn"]) == ("T2", phone)
    assert "conflicts" not in content
    # Set aside: the shown words are the other device's, and so are the stamps.
    mine = {**mine, "body": "a\nb, phone\nc\n"}
    theirs = {**theirs, "body": "a\nb, laptop\nc\n"}
    content = shown(stamped(rebase, base, mine, theirs))
    assert content["body"] == theirs["body"]
    assert (content["clientEditedAt"], content["editedOn"]) == ("T1", laptop)
    assert content["conflicts"] == [
        {
            "field": "body",
            "mine": "a\nb, phone\nc\n",
            "at": AT,
            "device": "d-phone",
            "label": "phone",
            "editedAt": "T1",
        }
    ]
