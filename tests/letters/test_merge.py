"""Properties of the three-way merge of letter bodies."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from server.letters.merge import merge_bodies

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
