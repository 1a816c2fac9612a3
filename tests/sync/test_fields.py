"""Field rules for synced records, as pure functions."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domains import KINDS
from server.sync.fields import FieldProblem, Moment, Number, Text, TimeZone

ZONES = sorted(zoneinfo.available_timezones())


@given(st.text(max_size=300).filter(lambda t: "\x00" not in t))
def test_text_within_its_limit_is_kept_exactly(text):
    assert Text(300).check(text) == text


@given(st.integers(min_value=1, max_value=50))
def test_text_over_its_limit_is_too_large(extra):
    with pytest.raises(FieldProblem) as problem:
        Text(10).check("x" * (10 + extra))
    assert problem.value.code == "TOO_LARGE"


@given(
    st.one_of(
        st.integers(), st.booleans(), st.lists(st.text()), st.dictionaries(st.text(), st.text())
    )
)
def test_text_refuses_other_types(value):
    with pytest.raises(FieldProblem):
        Text(100).check(value)


@given(st.sampled_from(ZONES))
def test_every_iana_zone_is_a_time_zone(zone):
    assert TimeZone().check(zone) == zone


@given(st.text(max_size=30))
def test_anything_else_is_not_a_time_zone(text):
    if text in ZONES:
        return
    with pytest.raises(FieldProblem):
        TimeZone().check(text)


@given(st.datetimes())
def test_a_moment_without_an_offset_is_refused(moment):
    with pytest.raises(FieldProblem):
        Moment().check(moment.isoformat())


@given(st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5))])))
def test_client_moments_carry_an_offset(moment):
    assert Moment().check(moment.isoformat()) == moment.isoformat()


@given(st.integers(min_value=-100, max_value=100))
def test_distress_is_zero_to_ten(value):
    rule = Number(0, 10, nullable=True)
    if 0 <= value <= 10:
        assert rule.check(value) == value
    else:
        with pytest.raises(FieldProblem):
            rule.check(value)
    assert rule.check(None) is None
    with pytest.raises(FieldProblem):
        rule.check(True)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kinds_defaults_pass_its_own_rules(kind):
    spec = KINDS[kind]
    defaults = spec.defaults()
    assert spec.clean_changes(defaults) == defaults
    spec.check_whole(defaults)
