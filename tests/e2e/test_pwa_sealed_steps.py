"""A plan's steps merged by id (pwa/src/merge-lists.js), run in Chromium on the real
module, through the kind's own merge (rebase.js mergesOf("plan")). Steps are
added, removed and changed on two devices from one base: no step from either side is
lost, none is there twice, and a step's text changed on both sides merges by line or
keeps the other side's, this side's set aside whole.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page

pytestmark = pytest.mark.browser

BROWSER_EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
AT = "2025-03-04T05:06:07.000Z"
TEXTS = ["Walk at 8.\n", "Call my sister.\n", "Tea with Jo.\n", ""]


@pytest.fixture
def rebase(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/rebase.js") as call:
        yield call


@pytest.fixture
def lists(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/merge-lists.js") as call:
        yield call


def step(step_id: str, text: str, kind: str = "daily_anchor") -> dict:
    return {"id": step_id, "type": kind, "text": text, "toolkitItemId": None, "letterId": None}


@st.composite
def side(draw, base: list[dict], name: str) -> tuple[list[dict], set[str], set[str]]:
    """`base` as one device leaves it: some steps removed, some texts changed (with a
    line only this side wrote), some steps added. Returns the list, the ids it
    removed and the ids it changed."""
    kept, removed, changed = [], set(), set()
    for index, old in enumerate(base):
        action = draw(st.sampled_from(["keep", "remove", "change"]))
        if action == "remove":
            removed.add(old["id"])
            continue
        if action == "change":
            changed.add(old["id"])
            old = {**old, "text": old["text"] + f"{name} wrote {index}.\n"}
        kept.append(old)
    for index in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(kept)))
        kept.insert(at, step(f"{name}-{index}", f"{name} added {index}.\n", "when_hard"))
    return kept, removed, changed


@BROWSER_EXAMPLES
@given(data=st.data(), texts=st.lists(st.sampled_from(TEXTS), max_size=6))
def test_no_step_from_either_side_is_lost_or_there_twice(rebase, data, texts):
    base = [step(f"base-{i}", text) for i, text in enumerate(texts)]
    mine, mine_removed, mine_changed = data.draw(side(base, "mine"))
    theirs, theirs_removed, theirs_changed = data.draw(side(base, "theirs"))

    merged = rebase_plan(rebase, {"steps": base}, {"steps": mine}, {"steps": theirs})
    content = {"steps": theirs} | (merged["pending"]["fields"] if merged["pending"] else {})
    steps = content["steps"]
    ids = [s["id"] for s in steps]
    assert len(ids) == len(set(ids)), "a step is there twice"
    added = {s["id"] for s in mine + theirs if s["id"].startswith(("mine-", "theirs-"))}
    assert added <= set(ids), "a step added on one side is lost"
    for s in base:
        gone = s["id"] in mine_removed | theirs_removed
        edited_elsewhere = (s["id"] in mine_removed and s["id"] in theirs_changed) or (
            s["id"] in theirs_removed and s["id"] in mine_changed
        )
        assert (s["id"] in ids) == (not gone or edited_elsewhere)
    by_id = {s["id"]: s for s in steps}
    set_aside = {c["item"]: c for c in content.get("conflicts", [])}
    for s in base:
        if s["id"] not in by_id:
            continue
        text = by_id[s["id"]]["text"]
        for name, changed in (("mine", mine_changed), ("theirs", theirs_changed)):
            wrote = [line for line in text.splitlines(keepends=True) if line.startswith(name)]
            if s["id"] in changed and s["id"] not in set_aside:
                assert len(wrote) == 1, f"{name}'s line is not there once"
            elif s["id"] not in changed:
                assert wrote == []
    for item, conflict in set_aside.items():
        # Set aside whole, with the field and when; the step shows the other's text.
        assert conflict["field"] == "steps" and conflict["at"] == AT
        assert conflict["mine"] == next(s for s in mine if s["id"] == item)
        assert by_id[item]["text"] == next(s for s in theirs if s["id"] == item)["text"]
    # Their order is kept.
    theirs_ids = [s["id"] for s in theirs if s["id"] in by_id]
    assert [i for i in ids if i in set(theirs_ids)] == theirs_ids


# afterStale for a plan, with the plan kind's own merges (functions, so made in the page).
PLAN_STALE = """async ([base, mine, theirs, at]) => {
    const { afterStale, mergesOf } = await import("/src/rebase.js");
    const { textFieldsOf } = await import("/src/sealed-kinds.js");
    return afterStale(
        { op: "upsert", baseContent: base },
        { fields: mine, deleted: false },
        { version: 9, deleted: false, content: theirs },
        textFieldsOf("plan"), at, mergesOf("plan"));
}"""


def rebase_plan(rebase, base: dict, mine: dict, theirs: dict) -> dict:
    return rebase.page.evaluate(PLAN_STALE, [base, mine, theirs, AT])


def test_steps_added_on_both_sides_are_both_kept_in_place(lists):
    a, b = step("a", "Walk.\n"), step("b", "Swim.\n")
    mine = [a, step("m", "Mine.\n"), b]
    theirs = [a, b, step("t", "Theirs.\n")]
    result = lists("mergeById", [a, b], mine, theirs, ["text"])
    assert [s["id"] for s in result["value"]] == ["a", "m", "b", "t"]
    assert result["conflicts"] == []


def test_a_step_removed_on_one_side_goes_unless_changed_on_the_other(lists):
    a, b = step("a", "Walk.\n"), step("b", "Swim.\n")
    changed = {**b, "text": "Swim on Saturday.\n"}
    assert lists("mergeById", [a, b], [a], [a, b], ["text"])["value"] == [a]
    assert lists("mergeById", [a, b], [a], [a, changed], ["text"])["value"] == [a, changed]
    assert lists("mergeById", [a, b], [a, changed], [a], ["text"])["value"] == [a, changed]


def test_a_step_changed_on_both_sides_merges_by_line_or_sets_this_sides_aside(lists):
    base = step("a", "Walk at 8.\nRest.\nTea with Jo.\n")
    mine = {**base, "text": "Walk at 9.\nRest.\nTea with Jo.\n"}
    theirs = {**base, "text": "Walk at 8.\nRest.\nTea with Sam.\n"}
    clean = lists("mergeById", [base], [mine], [theirs], ["text"])
    merged = {**base, "text": "Walk at 9.\nRest.\nTea with Sam.\n"}
    assert clean == {"value": [merged], "conflicts": []}
    other = {**base, "text": "Walk at 7.\nRest.\nTea with Jo.\n"}
    unclean = lists("mergeById", [base], [mine], [other], ["text"])
    assert unclean == {"value": [other], "conflicts": [{"item": "a", "mine": mine}]}


def test_other_lists_of_a_plan_keep_theirs_and_set_this_devices_aside(rebase):
    base = {"crisisContacts": [], "steps": []}
    mine = {"crisisContacts": [{"name": "Sam", "phone": "1", "note": ""}], "steps": []}
    theirs = {"crisisContacts": [{"name": "Jo", "phone": "2", "note": ""}], "steps": []}
    result = rebase_plan(rebase, base, mine, theirs)
    assert result["pending"]["fields"] == {
        "conflicts": [{"field": "crisisContacts", "mine": mine["crisisContacts"], "at": AT}]
    }
