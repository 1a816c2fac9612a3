"""Properties of the three-way merge of letter bodies."""

from __future__ import annotations

import time

from diff_match_patch import diff_match_patch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from server.letters import merge
from server.letters.merge import NEAR, exact_match, merge_bodies
from tests.letters.long_letter import worst_case

words = st.text(alphabet="abcdefghij klmnop.,\n", min_size=0, max_size=40)
paragraphs = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=12, max_size=60),
    min_size=3,
    max_size=8,
    unique=True,
)


@given(words, words)
def test_merging_a_text_with_itself_changes_nothing(base, text):
    assert merge_bodies(base, text, text).body == text
    assert merge_bodies(text, text, text).body == text


@given(words, words)
def test_one_sided_edits_fast_forward(base, edited):
    assert merge_bodies(base, base, edited).body == edited
    assert merge_bodies(base, edited, base).body == edited


@settings(max_examples=300)
@given(paragraphs, st.data())
def test_edits_to_different_paragraphs_both_survive(paras, data):
    first = data.draw(st.integers(0, len(paras) - 1), label="server edits")
    second = data.draw(st.integers(0, len(paras) - 1), label="client edits")
    assume(abs(first - second) >= 2)
    server_words = data.draw(st.text(alphabet="QRSTUVW ", min_size=1, max_size=20))
    client_words = data.draw(st.text(alphabet="XYZ0123 ", min_size=1, max_size=20))
    assume(server_words.strip() and client_words.strip())

    def edit(index: int, insert: str) -> str:
        changed = list(paras)
        changed[index] = changed[index] + insert
        return "\n\n".join(changed)

    base = "\n\n".join(paras)
    result = merge_bodies(base, edit(first, server_words), edit(second, client_words))
    assert result.clean
    assert server_words in result.body and client_words in result.body
    for index, paragraph in enumerate(paras):
        assert paragraph in result.body, index


@settings(max_examples=300)
@given(words, words, words)
def test_no_outcome_drops_either_sides_text(base, server, client):
    """Either the result is one side verbatim (and the other goes to a revision by the
    caller), or it is clean and holds every word each side inserted."""
    result = merge_bodies(base, server, client)
    if not result.clean:
        assert result.body == server
        return
    if result.body in (server, client):
        return
    from diff_match_patch import diff_match_patch

    engine = diff_match_patch()
    for side in (server, client):
        for op, text in engine.diff_main(base, side):
            if op == engine.DIFF_INSERT and text.strip():
                assert text in result.body


def test_overlapping_edits_conflict_and_keep_the_server_text():
    base = "I wanted to tell you something."
    server = "I wanted to tell you about the dream."
    client = "I wanted to tell you I was angry."
    result = merge_bodies(base, server, client)
    assert not result.clean
    assert result.body == server


def test_large_letters_merge():
    paragraph = "It has been a long week and I kept thinking about what you said. " * 20
    base = "\n\n".join(f"{i}: {paragraph}" for i in range(150))  # about 200,000 characters
    server = base.replace("0: It has", "0: Honestly, it has", 1)
    client = base.replace("149: It has", "149: Still, it has", 1)
    result = merge_bodies(base, server, client)
    assert result.clean
    assert "Honestly" in result.body and "Still" in result.body


def later() -> float:
    """A deadline no test run reaches, for merges whose result, not time, is tested."""
    return time.monotonic() + 600


def test_a_merge_out_of_time_is_a_conflict_that_keeps_the_server_text():
    base, _rewritten, client = worst_case()
    server = "Honestly, " + base
    in_time = merge_bodies(base, server, client, deadline=later())
    assert in_time.clean
    assert in_time.body == "Honestly, " + client
    late = merge_bodies(base, server, client, deadline=time.monotonic())
    assert not late.clean
    assert late.body == server


def test_a_deadline_passing_midway_ends_the_merge_at_its_next_step(monkeypatch):
    """With a clock that moves one second each time it is read, the merge (which reads
    it hundreds of times when it has time) stops at the first reading past its deadline."""
    readings = []

    class Clock:
        time = staticmethod(time.time)

        @staticmethod
        def monotonic() -> float:
            readings.append(None)
            return float(len(readings))

    base, _rewritten, client = worst_case()
    server = "Honestly, " + base
    monkeypatch.setattr(merge, "time", Clock)
    result = merge_bodies(base, server, client, deadline=5.0)
    assert not result.clean
    assert result.body == server
    # The reading that found it late, and at most one more (a diff reads the clock twice).
    assert len(readings) <= 6
    readings.clear()
    assert merge_bodies(base, server, client, deadline=10_000.0).clean
    assert len(readings) > 100


def test_the_worst_case_is_searched_for_exactly_not_fuzzily(monkeypatch):
    """The rewritten-letter worst case: the fuzzy search scanned about 200,000 characters
    in Python for each of 300 patches. A strict threshold made it exact anyway."""
    scans = []
    real = diff_match_patch.match_bitap

    def counted(self, text, pattern, loc):
        scans.append(len(text))
        return real(self, text, pattern, loc)

    monkeypatch.setattr(diff_match_patch, "match_bitap", counted)
    base, server, client = worst_case()
    result = merge_bodies(base, server, client, deadline=later())
    assert not result.clean
    assert result.body == server
    assert scans == []


def test_an_edit_of_too_many_separate_changes_is_a_conflict(monkeypatch):
    monkeypatch.setattr(merge, "MAX_PATCHES", 10)
    paragraphs = [f"Paragraph {n} says something of its own." for n in range(30)]
    base = "\n\n".join(paragraphs)
    server = "Honestly. " + base

    def edited(count: int) -> str:
        return "\n\n".join(
            p + " Yes." if n < count * 2 and n % 2 == 0 else p for n, p in enumerate(paragraphs)
        )

    too_many = merge_bodies(base, server, edited(11), deadline=later())
    assert not too_many.clean
    assert too_many.body == server
    ten = merge_bodies(base, server, edited(10), deadline=later())
    assert ten.clean
    assert ten.body == "Honestly. " + edited(10)


def test_an_edit_merges_after_the_other_side_added_pages_before_it():
    base, _rewritten, _client = worst_case()
    base = "\n\n".join(base.split("\n\n")[:10])
    pages = "A new beginning, written on the phone. " * 2_000  # about 78,000 characters
    server = pages + base
    client = base[:-1] + ", and I mean it."
    result = merge_bodies(base, server, client, deadline=later())
    assert result.clean
    assert result.body.startswith(pages)
    assert result.body.endswith("and I mean it.")


def test_text_found_once_is_trusted_anywhere_and_text_found_twice_only_nearby():
    filler = "Other words entirely, on and on. " * 200  # 6,600 characters
    once = filler + "I said no."
    assert exact_match(once, "said no", 0) == once.index("said no")
    twice = filler + "I said no. " + filler + "I said no."
    assert exact_match(twice, "said no", 0) == -1
    near = twice.index("said no")
    assert exact_match(twice, "said no", near - NEAR) == near
    assert exact_match(twice, "said no", near - NEAR - 1) == -1
    assert exact_match(twice, "said no", len(twice)) == twice.rindex("said no")
    assert exact_match(twice, "said yes", 0) == -1
