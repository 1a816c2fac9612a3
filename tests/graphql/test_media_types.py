"""Which media type an Accept header gets, and when it asks for a page."""

from __future__ import annotations

import pytest

from server.accept import asks_for
from server.graphql.over_http import GRAPHQL_RESPONSE, JSON, media_type_for


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/plain", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        (f"{GRAPHQL_RESPONSE};q=oops, application/json", JSON),
        (f" {GRAPHQL_RESPONSE.upper()} ; Q=0.8 , */*;q=0.1", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};charset=utf-8", GRAPHQL_RESPONSE),
    ],
)
def test_media_type_for(accept, chosen):
    assert media_type_for(accept) == chosen


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        ("*/*", False),
        ("text/*", False),
        ("text/html;q=0", False),
        (None, False),
    ],
)
def test_asks_for_a_page(accept, page):
    assert asks_for(accept, "text/html") is page
