"""The password rules (pwa/src/password-rules.js), run in Chromium on the real module.

Only the device sees the password, so only it can refuse a weak one: too short, one
of the most common passwords (the list it fetches), or holding the username or name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.pwa import module_page

pytestmark = pytest.mark.browser

BROWSER_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
COMMON_FILE = Path(__file__).resolve().parents[2] / "pwa" / "data" / "common-passwords.txt"
COMMON = sorted(filter(None, map(str.strip, COMMON_FILE.read_text().splitlines())))
MIN_LENGTH = 8


@pytest.fixture
def problem(chromium, served_sqlite):
    with module_page(chromium, served_sqlite, "/src/password-rules.js") as call:
        yield lambda password, **names: call("passwordProblem", password, names)


def test_the_common_list_is_real():
    assert len(COMMON) > 5000
    assert {"password", "12345678", "iloveyou"} <= set(COMMON)
    assert all(len(password) >= MIN_LENGTH for password in COMMON)


@BROWSER_EXAMPLES
@given(st.text(min_size=MIN_LENGTH, max_size=200))
def test_any_long_enough_uncommon_password_is_accepted(problem, password):
    if password.strip().lower() in COMMON or len(password.strip()) != len(password):
        return
    assert problem(password) is None


@BROWSER_EXAMPLES
@given(st.text(max_size=MIN_LENGTH - 1))
def test_short_passwords_are_refused(problem, password):
    assert "at least" in problem(password)


def test_oversized_passwords_are_refused(problem):
    assert "at most" in problem("z" * 1025)
    assert problem("z" * 1024) is None


@BROWSER_EXAMPLES
@given(st.sampled_from(COMMON), st.sampled_from([str.upper, str.title, str.lower]))
def test_common_passwords_are_refused_in_any_case(problem, password, case):
    assert "common" in problem(case(password))


def test_no_composition_rules(problem):
    assert problem("all lower case words only") is None
    assert problem("ünïcödé and spaces fine") is None


@pytest.mark.parametrize(
    ("password", "username", "display_name"),
    [
        ("robin.k.", "robin.k", "Someone"),
        ("ROBIN.K is me", "robin.k", "Someone"),
        ("my name is robin k", "someone", "Robin K"),
        ("i am \uff32\uff2f\uff22\uff29\uff2e\uff2b really", "someone", "Robin K"),  # full-width
        ("iamrobinkreally", "someone", "Robin  K"),
    ],
)
def test_a_password_holding_the_username_or_name_is_refused(
    problem, password, username, display_name
):
    said = problem(password, username=username, displayName=display_name)
    assert said and "name" in said


@BROWSER_EXAMPLES
@given(st.text(min_size=MIN_LENGTH, max_size=60), st.text(max_size=2))
def test_very_short_names_do_not_refuse_passwords(problem, password, name):
    if problem(password) is not None:
        return
    assert problem(password, username=name, displayName=name) is None
