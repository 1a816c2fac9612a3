"""The device's three-way merge (pwa/src/merge.js), run in Chromium on the real module.

Texts are drawn from a few common lines (blank lines and repeats included, as letters
have them) and edited by replacing runs of lines with lines that exist nowhere else,
so every edit can be found, and counted, in the result.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page
from tests.letters.long_letter import worst_case

pytestmark = pytest.mark.browser

BROWSER_EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
MAX_LINES = 5_000  # as in pwa/src/merge.js
MAX_PAIRS = 2_000_000
COMMON = ["Dear Anna,\n", "\n", "I'm tired.\n", "It rained all day.\n", "I miss Tuesdays.\n"]


@pytest.fixture
def merge(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/merge.js") as call:
        yield call


texts = st.lists(st.sampled_from(COMMON), max_size=25)


@st.composite
def edit(draw, base: list[str], side: str, lo: int = 0, hi: int | None = None) -> list[str]:
    """`base` with one run of lines in [lo, hi) replaced by 0 to 3 lines unique to `side`."""
    hi = len(base) if hi is None else hi
    start = draw(st.integers(lo, hi))
    end = draw(st.integers(start, hi))
    count = draw(st.integers(0 if end > start else 1, 3))
    new = [f"{side} wrote line {start}.{i}\n" for i in range(count)]
    return base[:start] + new + base[end:]


def text(lines: list[str]) -> str:
    return "".join(lines)


def added_by(side: str, result: str) -> list[str]:
    return [line for line in result.splitlines(keepends=True) if line.startswith(side)]


@BROWSER_EXAMPLES
@given(base=texts, other=texts)
def test_a_side_that_did_not_change_takes_the_other(merge, base, other):
    b, x = text(base), text(other)
    assert merge("mergeText", b, b, b) == {"text": b, "clean": True}
    assert merge("mergeText", b, x, b) == {"text": x, "clean": True}
    assert merge("mergeText", b, b, x) == {"text": x, "clean": True}
    assert merge("mergeText", b, x, x) == {"text": x, "clean": True}


@BROWSER_EXAMPLES
@given(data=st.data(), base=st.lists(st.sampled_from(COMMON), min_size=1, max_size=25))
def test_edits_with_an_unchanged_line_between_them_both_survive(merge, data, base):
    keep = data.draw(st.integers(0, len(base) - 1))
    mine = data.draw(edit(base, "mine", hi=keep))
    theirs = data.draw(edit(base, "theirs", lo=keep + 1))
    after_mine = len(mine) - len(base)
    expected = mine[: keep + after_mine + 1] + theirs[keep + 1 :]
    result = merge("mergeText", text(base), text(mine), text(theirs))
    assert result == {"text": text(expected), "clean": True}


@BROWSER_EXAMPLES
@given(data=st.data(), base=texts)
def test_no_merge_drops_an_edit_or_applies_one_twice(merge, data, base):
    mine = data.draw(edit(base, "mine"))
    theirs = data.draw(edit(base, "theirs"))
    result = merge("mergeText", text(base), text(mine), text(theirs))
    if not result["clean"]:
        # The caller sets this device's text aside whole; the other side's stays.
        assert result["text"] == text(theirs)
        return
    assert added_by("mine", result["text"]) == added_by("mine", text(mine))
    assert added_by("theirs", result["text"]) == added_by("theirs", text(theirs))
    known = set(base) | set(mine) | set(theirs)
    assert set(result["text"].splitlines(keepends=True)) <= known


def test_edits_to_the_same_line_are_not_merged(merge):
    base = "Dear Anna,\nI'm fine.\nSee you Tuesday.\n"
    mine = "Dear Anna,\nI'm not fine, actually.\nSee you Tuesday.\n"
    theirs = "Dear Anna,\nI'm fine, mostly.\nSee you Tuesday.\n"
    assert merge("mergeText", base, mine, theirs) == {"text": theirs, "clean": False}


def test_a_last_line_without_a_line_break_still_merges(merge):
    base = "first\nsecond\nthird"
    mine = "first, edited\nsecond\nthird"
    theirs = "first\nsecond\nthird, edited"
    assert merge("mergeText", base, mine, theirs) == {
        "text": "first, edited\nsecond\nthird, edited",
        "clean": True,
    }


def test_texts_too_long_to_merge_quickly_keep_both(merge):
    base = "\n" * (MAX_LINES + 1)
    mine = "mine\n" + base
    theirs = base + "theirs\n"
    assert merge("mergeText", base, mine, theirs) == {"text": theirs, "clean": False}


@pytest.mark.parametrize(("repeats", "merged"), [(1_000, True), (1_001, False)])
def test_texts_of_one_line_repeated_merge_only_within_the_bound(merge, repeats, merged):
    # Equal pairs: `repeats` squared between the base and each side; the line alignment
    # costs about that many steps, so past MAX_PAIRS both texts are kept unmerged.
    assert 2 * repeats * repeats <= MAX_PAIRS or not merged
    base = "and again\n" * repeats
    mine, theirs = "first\n" + base, base + "last\n"
    expected = "first\n" + base + "last\n" if merged else theirs
    assert merge("mergeText", base, mine, theirs) == {"text": expected, "clean": merged}


def test_a_long_letter_with_blank_lines_between_paragraphs_merges(merge):
    # 183,000 characters, 1,471 lines of which 735 are blank: the shape that made the
    # line alignment cubic before its binary search.
    base, _rewritten, edited = worst_case()
    result = merge("mergeText", base, edited, "x" + base)
    assert result == {"text": "x" + edited, "clean": True}


def test_fields_changed_on_one_side_are_taken_and_both_sides_keep_theirs(merge):
    base = {"title": "Before", "body": "a\nb\nc\n", "state": "draft", "tags": []}
    mine = {"title": "Mine", "body": "a, mine\nb\nc\n", "state": "kept", "tags": []}
    theirs = {"title": "Before", "body": "a\nb\nc, theirs\n", "state": "never_send", "tags": ["x"]}
    result = merge("mergeContent", base, mine, theirs, ["title", "body"])
    assert result["content"] == {
        "title": "Mine",
        "body": "a, mine\nb\nc, theirs\n",
        "state": "never_send",
        "tags": ["x"],
    }
    assert result["conflicts"] == [{"field": "state", "mine": "kept"}]


def test_an_unclean_text_field_is_set_aside_whole(merge):
    base = {"body": "one line\n"}
    mine = {"body": "my line\n"}
    theirs = {"body": "their line\n"}
    result = merge("mergeContent", base, mine, theirs, ["body"])
    assert result == {"content": theirs, "conflicts": [{"field": "body", "mine": "my line\n"}]}
