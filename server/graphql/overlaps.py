"""How many comparisons graphql-core's field-merging rule would make on a document.

That rule (OverlappingFieldsCanBeMergedRule) checks that fields answering under the
same name at the same place could be merged: it compares every two of them, wherever
they come from (side by side, inside inline fragments, inside spread fragments), and
below two such fields, every two of their own fields of one name. So a document that
repeats one field a few hundred times, directly or through fragments, costs it
hundreds of thousands of comparisons: most of a second, well within the token limit.

Here the same pairs are counted without comparing anything: each definition (every
operation, and every fragment, which the rule also checks on its own) is walked with
its spreads written out, and the fields under one name at one place are grouped
together with the fields below them. The walk stops at a number of selections, and
the count at a number of pairs, so it costs no more than what it lets through.
"""

from __future__ import annotations

from collections import defaultdict
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
class Overlaps:
    """Two fields under one name at one place make a pair. Both numbers stop just past
    their limit: `walked` at `max_walked + 1`, `pairs` somewhere past `max_pairs`."""

    pairs: int
    walked: int


def count_overlaps(document: DocumentNode, max_pairs: int, max_walked: int) -> Overlaps:
    fragments = {
        definition.name.value: definition.selection_set
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    # A place: the selection sets whose fields all answer at one spot of the response.
    places: list[list[SelectionSetNode]] = [
        [definition.selection_set]
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    pairs = walked = 0
    while places:
        by_name: dict[str, list[SelectionSetNode | None]] = defaultdict(list)
        pending = places.pop()
        while pending:
            for selection in pending.pop().selections:
                walked += 1
                if walked > max_walked:
                    # Also the guard against spreads in a cycle, which go on for ever.
                    return Overlaps(pairs, walked)
                if isinstance(selection, FieldNode):
                    name = (selection.alias or selection.name).value
                    by_name[name].append(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    spread = fragments.get(selection.name.value)
                    if spread is not None:
                        pending.append(spread)
        for below in by_name.values():
            pairs += len(below) * (len(below) - 1) // 2
            if pairs > max_pairs:
                return Overlaps(pairs, walked)
            merged = [selection_set for selection_set in below if selection_set is not None]
            if merged:
                places.append(merged)
    return Overlaps(pairs, walked)
