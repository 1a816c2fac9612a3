"""How big a document becomes once every fragment spread is written out.

A few hundred bytes of fragments that each spread the next one twice describe an
operation of 2^n selections. The depth and alias limiters, and anything else that
follows spreads, walk that written-out operation, so its size has to be known, and
refused, before they start. Here each fragment's size is worked out once, so the
cost is linear in the document as sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class Expansion:
    """The written-out size of a document's operations, or why it has none."""

    selections: int
    # The first fragment found spreading itself, directly or through others.
    cycle: str | None = None
    # The first spread of a fragment that the document does not define.
    unknown: str | None = None


@dataclass(frozen=True)
class _Body:
    """One definition as written: its own selections, and the spreads among them."""

    selections: int
    spreads: tuple[str, ...]


def _body(selection_set: SelectionSetNode) -> _Body:
    count = 0
    spreads: list[str] = []
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            count += 1
            if isinstance(selection, FragmentSpreadNode):
                spreads.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return _Body(count, tuple(spreads))


def expand(document: DocumentNode, cap: int) -> Expansion:
    """The number of selections in the document's operations with every spread written
    out, counting a spread as one selection plus its fragment's. Sizes stop growing at
    `cap`, so numbers stay small however far the document would expand."""
    fragments = {
        definition.name.value: _body(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    for root in fragments:
        if root in sizes:
            continue
        # Depth-first without recursion: a chain of spreads may be hundreds long.
        path = [(root, iter(fragments[root].spreads))]
        on_path = {root}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                if spread not in fragments:
                    return Expansion(0, unknown=spread)
                if spread in on_path:
                    return Expansion(0, cycle=spread)
                if spread not in sizes:
                    path.append((spread, iter(fragments[spread].spreads)))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.remove(name)
                sizes[name] = _size(fragments[name], sizes, cap)

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            body = _body(definition.selection_set)
            for spread in body.spreads:
                if spread not in fragments:
                    return Expansion(0, unknown=spread)
            total = min(cap, total + _size(body, sizes, cap))
    return Expansion(total)


def _size(body: _Body, sizes: dict[str, int], cap: int) -> int:
    total = body.selections
    for spread in body.spreads:
        total += sizes[spread]
        if total >= cap:
            return cap
    return total
