"""The lines that differ between two versions of a letter (pwa/src/ui/letters/versions.js),
run in Chromium on the real module."""

from __future__ import annotations

import pytest

from tests.e2e.pwa import module_page

pytestmark = pytest.mark.browser


@pytest.fixture
def diff(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/ui/letters/versions.js") as call:
        yield lambda current, other: call("lineDiff", current, other)


def test_lines_only_in_one_version_are_marked_and_the_rest_folds(diff):
    current = "Dear T,\n\nOne.\nTwo.\nThree.\nAs the phone has it.\nFour.\n"
    other = "Dear T,\n\nOne.\nTwo.\nThree.\nAs the laptop has it.\nFour.\n"
    # One line of context either side of a difference; the lines before it fold.
    assert diff(current, other) == [
        {"kind": "gap", "count": 3},
        {"kind": "same", "text": "Three."},
        {"kind": "this", "lines": ["As the phone has it."]},
        {"kind": "other", "lines": ["As the laptop has it."]},
        {"kind": "same", "text": "Four."},
    ]


def test_spacing_alone_is_no_difference(diff):
    rows = diff("One.\n\n\nTwo.  \n", "One.\nTwo.\n")
    assert all(row["kind"] in ("same", "gap") for row in rows)


def test_texts_past_the_merge_bound_are_shown_whole(diff):
    # 1,500 copies of one line: 2,250,000 equal pairs, past MAX_PAIRS as in the merge,
    # so nothing is aligned.
    current = "and again\n" * 1_500 + "mine\n"
    other = "theirs\n" + "and again\n" * 1_500
    rows = diff(current, other)
    assert [row["kind"] for row in rows] == ["this", "other"]
    assert rows[0]["lines"][-1] == "mine" and rows[1]["lines"][0] == "theirs"
