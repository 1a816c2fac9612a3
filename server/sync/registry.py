"""The kinds of synced record this server knows, as the domains described them.

The sync engine knows no kind by name: server/domains.py builds one `Kinds` from every
domain's description and hands it to pull and push.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from server.sync.changes import KindHooks
from server.sync.kinds import Kind

PLAIN = KindHooks()


class Kinds(Mapping[str, Kind]):
    """Each kind by name, with the hooks its domain added."""

    def __init__(self, kinds: Iterable[Kind], hooks: Mapping[str, KindHooks]) -> None:
        self.by_name: dict[str, Kind] = {}
        for kind in kinds:
            if kind.name in self.by_name:
                raise ValueError(f"Two domains describe the kind {kind.name!r}.")
            self.by_name[kind.name] = kind
        unknown = set(hooks) - set(self.by_name)
        if unknown:
            raise ValueError(f"Hooks for kinds nobody describes: {sorted(unknown)}.")
        clear = [name for name in hooks if not self.by_name[name].sealed]
        if clear:
            # A clear kind follows the generic rules alone; hooks only hear of envelopes.
            raise ValueError(f"Hooks are for sealed kinds, not for: {clear}.")
        self._hooks = dict(hooks)

    def __getitem__(self, name: str) -> Kind:
        return self.by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_name)

    def __len__(self) -> int:
        return len(self.by_name)

    def hooks_for(self, kind: Kind) -> KindHooks:
        return self._hooks.get(kind.name, PLAIN)

    def allows(self, kind: Kind, op: str) -> bool:
        """Whether the kind lets devices use this operation."""
        return op in kind.generic_operations
