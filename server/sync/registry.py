"""Every kind of synced record by name, and the domain rules some kinds add."""

from server.letters.kind import LETTER
from server.letters.service import LetterHooks
from server.plans.kind import PLAN
from server.preferences.kind import PREFERENCES
from server.sharing.kind import SHARED_LETTER
from server.sync.changes import KindHooks
from server.sync.kinds import Kind
from server.toolkit.kinds import KINDS as TOOLKIT_KINDS

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (LETTER, PLAN, PREFERENCES, SHARED_LETTER, *TOOLKIT_KINDS)
}
HOOKS: dict[str, KindHooks] = {LETTER.name: LetterHooks()}
PLAIN = KindHooks()


def hooks_for(kind: Kind) -> KindHooks:
    return HOOKS.get(kind.name, PLAIN)
