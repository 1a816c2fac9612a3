"""The written-out size of a document, against a brute-force expansion of small ones."""

from __future__ import annotations

from graphql import parse
from hypothesis import given
from hypothesis import strategies as st

from server.graphql.fragments import expand


@st.composite
def fragment_dags(draw):
    """Fragments F0..Fn-1, each spreading only later ones (so no cycles), with fields."""
    count = draw(st.integers(1, 6))
    bodies = []
    for index in range(count):
        later = list(range(index + 1, count))
        spreads = draw(st.lists(st.sampled_from(later), max_size=4)) if later else []
        fields = draw(st.integers(0 if spreads else 1, 3))
        nested = draw(st.booleans())
        bodies.append((spreads, fields, nested))
    roots = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3))
    return bodies, roots


def document_text(bodies, roots) -> str:
    def selections(spreads, fields, nested) -> str:
        parts = [f"...F{target}" for target in spreads] + ["me"] * fields
        if nested:
            # Spreads inside a field and an inline fragment count too.
            return f"me {{ ... on Query {{ {' '.join(parts)} }} }}"
        return " ".join(parts)

    operation = "query { " + " ".join(f"...F{root}" for root in roots) + " }"
    fragments = [
        f"fragment F{index} on Query {{ {selections(*body)} }}" for index, body in enumerate(bodies)
    ]
    return "\n".join([operation, *fragments])


def brute_force(bodies, roots) -> int:
    def size(index: int) -> int:
        spreads, fields, nested = bodies[index]
        inner = fields + sum(1 + size(target) for target in spreads)
        return inner + (2 if nested else 0)

    return sum(1 + size(root) for root in roots)


@given(fragment_dags())
def test_expansion_matches_a_brute_force_count(dag):
    bodies, roots = dag
    document = parse(document_text(bodies, roots))
    exact = brute_force(bodies, roots)
    assert expand(document, cap=10**9).selections == exact
    # Capped below the answer, it says no more than the cap.
    assert expand(document, cap=max(1, exact // 2)).selections == max(1, exact // 2)


def test_cycles_and_unknown_spreads_are_named():
    cyclic = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { me ...A }")
    assert expand(cyclic, cap=100).cycle in {"A", "B"}
    itself = parse("{ me } fragment A on Query { ...A }")
    assert expand(itself, cap=100).cycle == "A"
    unknown = parse("{ ...A } fragment A on Query { ...Nowhere }")
    assert expand(unknown, cap=100).unknown == "Nowhere"
    assert expand(parse("{ ...Nowhere }"), cap=100).unknown == "Nowhere"


def test_a_chain_hundreds_long_needs_no_recursion():
    levels = 3000
    parts = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ me }}")
    document = parse("{ ...F0 }\n" + "\n".join(parts))
    assert expand(document, cap=2001).selections == 2001
