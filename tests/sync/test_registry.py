"""The kinds the sync engine is given, as the domains described them."""

from __future__ import annotations

import pytest

from server.domains import DOMAINS, KINDS
from server.letters.kind import LETTER
from server.plans.kind import PLAN
from server.sharing.kind import SHARED_LETTER
from server.sync.changes import KindHooks
from server.sync.fields import Text
from server.sync.kinds import Kind
from server.sync.registry import Kinds
from server.toolkit.kinds import BOX


def test_every_kind_of_every_domain_is_known_once():
    described = [kind.name for domain in DOMAINS for kind in domain.kinds]
    assert sorted(described) == sorted(KINDS)


def test_a_kind_allows_the_operations_it_names():
    assert KINDS.allows(LETTER, "purge") and KINDS.allows(LETTER, "delete")
    assert not KINDS.allows(LETTER, "restore") and not KINDS.allows(LETTER, "restore_revision")
    assert not KINDS.allows(PLAN, "purge")
    assert not KINDS.allows(SHARED_LETTER, "delete")


def test_two_domains_cannot_describe_the_same_kind():
    with pytest.raises(ValueError, match="plan"):
        Kinds([PLAN, PLAN], {})


def test_hooks_need_a_kind_that_someone_describes():
    with pytest.raises(ValueError, match="letter"):
        Kinds([PLAN], {LETTER.name: KindHooks()})


def test_a_sealed_kind_has_no_fields_the_server_could_read():
    with pytest.raises(ValueError, match="toolkit_box"):
        Kind(name="toolkit_box", rules={"name": Text(100)}, sealed=True)
    with pytest.raises(ValueError, match="toolkit_box"):
        Kind(name="toolkit_box", rules={}, sealed=True, generic_operations=frozenset({"restore"}))


def test_only_a_sealed_kind_may_be_purged():
    """A purge erases an envelope; a clear kind has none."""
    purged = frozenset({"upsert", "delete", "purge"})
    assert Kind(name="toolkit_box", rules={}, sealed=True, generic_operations=purged)
    with pytest.raises(ValueError, match="shared_letter"):
        Kind(name="shared_letter", rules={}, generic_operations=frozenset({"upsert", "purge"}))


def test_hooks_are_for_sealed_kinds_only():
    """They hear only of envelopes written and erased; a clear kind follows the generic
    rules alone."""
    hooks = KindHooks()
    assert Kinds([BOX], {BOX.name: hooks}).hooks_for(BOX) is hooks
    with pytest.raises(ValueError, match="shared_letter"):
        Kinds([SHARED_LETTER], {SHARED_LETTER.name: KindHooks()})


def test_only_shared_letters_are_still_kept_clear():
    assert {name for name in KINDS if not KINDS[name].sealed} == {"shared_letter"}
    assert LETTER.sealed and LETTER.generic_operations == {"upsert", "delete", "purge"}
