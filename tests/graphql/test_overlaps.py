"""The field-merging rule's work is bounded before it starts: its pairs are counted first,
and a document with too many is refused without the rule ever running."""

from __future__ import annotations

import pytest
from graphql import OverlappingFieldsCanBeMergedRule, parse, validate
from graphql.validation.rules import overlapping_fields_can_be_merged as merging
from hypothesis import given, settings
from hypothesis import strategies as st

from server.graphql.guards import MAX_ALIASES, MAX_FRAGMENTS, MAX_SAME_NAME_PAIRS
from server.graphql.overlaps import count_overlaps
from server.graphql.schema import build_schema
from tests.graphql_client import error_code, gql


class MergingWork:
    """Counts what graphql-core's field-merging rule does: the selection sets it checks,
    and the pairs of fields it compares."""

    def __init__(self, monkeypatch) -> None:
        self.selection_sets = 0
        self.comparisons = 0
        check_set = merging.find_conflicts_within_selection_set
        compare = merging.find_conflict

        def counted_set(*args, **kwargs):
            self.selection_sets += 1
            return check_set(*args, **kwargs)

        def counted_pair(*args, **kwargs):
            self.comparisons += 1
            return compare(*args, **kwargs)

        monkeypatch.setattr(merging, "find_conflicts_within_selection_set", counted_set)
        monkeypatch.setattr(merging, "find_conflict", counted_pair)

    def reset(self) -> None:
        self.selection_sets = self.comparisons = 0


def fragments(count: int, body: str, on: str = "Query") -> str:
    return " ".join(f"fragment F{i} on {on} {{ {body} }}" for i in range(count))


def spreads(count: int) -> str:
    return " ".join(f"...F{i}" for i in range(count))


def repeats_for(pairs_per_copy: int) -> int:
    """The fewest copies whose pairs, `pairs_per_copy` for each two, pass the limit."""
    copies = 2
    while copies * (copies - 1) // 2 * pairs_per_copy <= MAX_SAME_NAME_PAIRS:
        copies += 1
    return copies


# Each shape, given a number of copies: every two copies make two pairs (the fields
# and, below them, `id`), or four for the nested one.
SHAPES = {
    "fields": (2, lambda n: "{ " + "me { id } " * n + "}"),
    "inline fragments": (2, lambda n: "{ " + "... on Query { me { id } } " * n + "}"),
    "fragments": (2, lambda n: f"{{ {spreads(n)} }} {fragments(n, 'me { id }')}"),
    "one fragment, many spreads": (
        2,
        lambda n: "{ " + "me { ...F0 } " * n + "} " + fragments(1, "id", on="Account"),
    ),
    "an unused fragment": (2, lambda n: "{ me { id } } " + fragments(1, "me { id } " * n)),
    "nested lists": (3, lambda n: "{ " + "pull { records { id } } " * n + "}"),
}


@pytest.mark.parametrize("shape", SHAPES)
async def test_repeated_fields_are_refused_before_the_merging_rule_runs(client, monkeypatch, shape):
    pairs_per_copy, document = SHAPES[shape]
    work = MergingWork(monkeypatch)
    too_many = repeats_for(pairs_per_copy)
    result = await gql(client, document(too_many))
    assert error_code(result) == "QUERY_TOO_COMPLEX", result
    assert work.selection_sets == 0 and work.comparisons == 0

    # One copy fewer is checked as usual, with no more comparisons than the limit.
    work.reset()
    result = await gql(client, document(too_many - 1))
    assert error_code(result) != "QUERY_TOO_COMPLEX", result
    assert work.selection_sets > 0
    assert 0 < work.comparisons <= MAX_SAME_NAME_PAIRS


async def test_too_many_fragments_are_refused_before_the_merging_rule_runs(client, monkeypatch):
    work = MergingWork(monkeypatch)

    def distinct(count: int) -> str:
        # No two fields share a name (one alias fewer than fragments keeps within the
        # alias limit): the cost is in comparing fragments with each other.
        bodies = " ".join(
            f"fragment F{i} on Query {{ {f'a{i}: ' if i else ''}me {{ id }} }}"
            for i in range(count)
        )
        return f"{{ {spreads(count)} }} {bodies}"

    result = await gql(client, distinct(MAX_FRAGMENTS + 1))
    assert error_code(result) == "QUERY_TOO_COMPLEX", result
    assert work.selection_sets == 0
    # At the limit the document is checked as usual, and answered.
    result = await gql(client, distinct(MAX_FRAGMENTS))
    assert work.selection_sets > 0
    assert "errors" not in result, result


async def test_an_unused_fragment_that_expands_without_end_is_refused(client, monkeypatch):
    work = MergingWork(monkeypatch)
    # Spread by no operation, so only the merging rule (which checks every fragment on
    # its own) would ever write it out.
    levels = MAX_FRAGMENTS - 1
    chain = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    document = "{ me { id } } " + " ".join(chain) + f" fragment F{levels} on Query {{ __typename }}"
    assert error_code(await gql(client, document)) == "QUERY_TOO_COMPLEX"
    assert work.selection_sets == 0


async def test_a_document_with_a_few_shared_fields_still_works(client):
    query = """
    query Shared { me { id ...Who } again: me { id ...Who } ... on Query { me { id } } }
    fragment Who on Account { id username }
    """
    result = await gql(client, query)
    assert "errors" not in result, result
    assert result["data"] == {"me": None, "again": None}


# ---- The count against the rule itself, on documents of every shape ----

SCHEMA = build_schema()._schema

ACCOUNT_FIELDS = st.sampled_from(["id", "username", "name: displayName", "id: username"])


@st.composite
def selections(draw, depth: int, fragment_count: int) -> str:
    """Fields of Query, with repeats, aliases that clash, inline fragments and spreads."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["me", "pull", "typename", "inline", "spread"]))
        if kind == "me":
            fields = draw(st.lists(ACCOUNT_FIELDS, min_size=1, max_size=3))
            parts.append(f"me {{ {' '.join(fields)} }}")
        elif kind == "pull":
            parts.append(draw(st.sampled_from(["pull { cursor }", "pull { records { id } }"])))
        elif kind == "typename":
            parts.append("__typename")
        elif kind == "inline" and depth > 0:
            parts.append(f"... on Query {{ {draw(selections(depth - 1, fragment_count))} }}")
        elif kind == "spread" and fragment_count:
            parts.append(f"...F{draw(st.integers(0, fragment_count - 1))}")
        else:
            parts.append("me { id }")
    return " ".join(parts)


@st.composite
def documents(draw) -> str:
    count = draw(st.integers(0, 4))
    # Fragment i may spread only later ones, so there are no cycles.
    bodies = []
    for index in range(count):
        body = draw(selections(depth=1, fragment_count=0))
        later = list(range(index + 1, count))
        if later:
            body += " " + " ".join(f"...F{i}" for i in draw(st.lists(st.sampled_from(later))))
        bodies.append(f"fragment F{index} on Query {{ {body} }}")
    operation = draw(selections(depth=2, fragment_count=count))
    return " ".join([f"query {{ {operation} }}", *bodies])


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_rule_compares_no_more_pairs_than_counted(text):
    calls = 0
    compare = merging.find_conflict

    def counted(*args, **kwargs):
        nonlocal calls
        calls += 1
        return compare(*args, **kwargs)

    document = parse(text)
    merging.find_conflict = counted
    try:
        validate(SCHEMA, document, [OverlappingFieldsCanBeMergedRule])
    finally:
        merging.find_conflict = compare
    overlaps = count_overlaps(document, max_pairs=10**9, max_walked=10**9)
    assert calls <= overlaps.pairs


def test_counting_stops_at_its_limits():
    many = parse("{ " + "me { id } " * 1000 + "}")
    assert count_overlaps(many, max_pairs=10**9, max_walked=10**9).walked == 2000
    # Past the pair limit at the top: the 1000 `id` below are never walked.
    stopped = count_overlaps(many, max_pairs=10, max_walked=10**9)
    assert stopped.pairs > 10 and stopped.walked == 1000
    assert count_overlaps(many, max_pairs=10**9, max_walked=50).walked == 51
    # Spreads in a cycle end at the walking limit, not never.
    cycle = parse("{ ...A } fragment A on Query { me { id } ...A }")
    assert count_overlaps(cycle, max_pairs=10**9, max_walked=100).walked == 101


async def test_too_many_aliases_are_refused_before_any_rule_runs(client, monkeypatch):
    work = MergingWork(monkeypatch)
    many = " ".join(f"a{i}: me {{ id }}" for i in range(MAX_ALIASES + 1))
    result = await gql(client, f"{{ {many} }}")
    assert error_code(result) == "QUERY_TOO_COMPLEX", result
    assert work.selection_sets == 0
