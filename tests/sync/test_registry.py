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


def test_a_kind_allows_its_generic_operations_and_its_domain_s_own():
    assert KINDS.allows(LETTER, "restore_revision")
    assert KINDS.allows(LETTER, "delete")
    assert not KINDS.allows(PLAN, "restore_revision")
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
        Kind(name="toolkit_box", rules={}, sealed=True, generic_operations=frozenset({"purge"}))


def test_a_sealed_kind_takes_no_hooks():
    with pytest.raises(ValueError, match="toolkit_box"):
        Kinds([BOX], {BOX.name: KindHooks()})


def test_only_letters_and_shared_letters_are_still_kept_clear():
    assert {name for name in KINDS if not KINDS[name].sealed} == {"letter", "shared_letter"}
