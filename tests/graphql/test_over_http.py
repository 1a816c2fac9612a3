"""GraphQL over HTTP: media types, status codes and refusals, through the real app.

What the GraphQL-over-HTTP spec asks of a server, with the app's own rules on top:
JSON POSTs only, every refusal in the documented error shape.
"""

from __future__ import annotations

import json
import logging

import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import build_app, make_client, production, row_counts
from tests.graphql_client import ME, REGISTER, error_code, new_account, register

GRAPHQL_RESPONSE = "application/graphql-response+json"
PREFERS_GRAPHQL_RESPONSE = f"{GRAPHQL_RESPONSE}, application/json;q=0.9"
UNKNOWN_FIELD = "{ noSuchField }"
COERCION_FAILURE = "query Q($id: ID!) { __typename }"


async def post(client, body, accept: str | None = None, **headers):
    if accept is not None:
        headers["accept"] = accept
    return await client.post("/graphql", json=body, headers=headers)


def coded(response, status: int, code: str) -> dict:
    """The documented error shape, with `code`, and no `data`."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert "data" not in body, body
    assert body["errors"] and all(isinstance(e["message"], str) for e in body["errors"])
    assert error_code(body) == code, body
    return body


# Media types -------------------------------------------------------------------------


async def test_a_client_that_prefers_graphql_response_json_gets_it(client):
    for accept in (
        GRAPHQL_RESPONSE,
        PREFERS_GRAPHQL_RESPONSE,
        f"{GRAPHQL_RESPONSE};q=0.5, */*;q=0.1",
    ):
        response = await post(client, {"query": "{ __typename }"}, accept)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE), accept
        assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/json",
        "*/*",
        "application/*",
        f"application/json, {GRAPHQL_RESPONSE};q=0.5",
    ],
)
async def test_other_clients_keep_application_json(client, accept):
    response = await post(client, {"query": "{ __typename }"}, accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json"), accept


async def test_the_pwa_request_is_answered_as_before(client):
    # The PWA's fetch sets only the content type; browsers then send Accept: */*.
    await register(client)
    response = await post(client, {"query": ME, "variables": {}}, "*/*")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"]["me"]["username"] == "robin"


# Request errors: 400 and no `data` under application/graphql-response+json ------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "BAD_REQUEST"),
        ({"query": UNKNOWN_FIELD}, "BAD_REQUEST"),
        ({"query": COERCION_FAILURE, "variables": {"id": None}}, "BAD_REQUEST"),
        ({"query": "{ me { id ", "variables": None}, "BAD_REQUEST"),
    ],
)
async def test_request_errors_are_400_without_data_for_graphql_response_json(client, body, code):
    response = await post(client, body, GRAPHQL_RESPONSE)
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    coded(response, 400, code)


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{"},
        {"query": UNKNOWN_FIELD},
        {"query": COERCION_FAILURE, "variables": {"id": None}},
    ],
)
async def test_request_errors_stay_200_for_application_json_but_leave_out_data(client, body):
    response = await post(client, body, "application/json")
    assert response.headers["content-type"].startswith("application/json")
    coded(response, 200, "BAD_REQUEST")


async def test_a_field_error_keeps_data_and_200(client):
    # Execution began: the error belongs to a field, so `data` is there (null here).
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = await post(client, {"query": "{ exportMyData }"}, accept)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"] is None, body
        assert error_code(body) == "UNAUTHENTICATED"


async def test_refusals_follow_the_chosen_media_type(client):
    response = await client.post(
        "/graphql",
        content=b'{ "not a JSON',
        headers={"content-type": "application/json", "accept": GRAPHQL_RESPONSE},
    )
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    coded(response, 400, "BAD_REQUEST")


# Methods -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_other_methods_on_graphql_get_a_coded_405_with_allow(client, method):
    response = await client.request(method, "/graphql", json={"query": ME})
    body = coded(response, 405, "BAD_REQUEST")
    assert response.headers["content-type"].startswith("application/json")
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "POST"}
    assert "POST" in body["errors"][0]["message"]


async def test_a_post_to_graphql_with_a_trailing_slash_is_a_coded_405(client):
    response = await post(client, {"query": ME})
    assert response.status_code == 200
    slashed = await client.post("/graphql/", json={"query": ME})
    coded(slashed, 405, "BAD_REQUEST")
    assert slashed.headers["content-type"].startswith("application/json")
    assert {m.strip() for m in slashed.headers["allow"].split(",")} == {"GET", "HEAD"}
    assert "/graphql" in slashed.json()["errors"][0]["message"]


async def test_writes_to_the_app_files_are_coded_405s(client):
    for method in ("POST", "PUT", "DELETE"):
        response = await client.request(method, "/letters")
        coded(response, 405, "BAD_REQUEST")
        assert response.headers["allow"] == "GET, HEAD"


async def test_the_guard_still_refuses_cross_site_writes_before_anything_else(client):
    response = await client.put("/graphql", headers={"origin": "https://elsewhere.example"})
    coded(response, 403, "FORBIDDEN")


# Several operations ------------------------------------------------------------------


async def test_several_operations_without_an_operation_name_are_a_request_error(client):
    document = "query A { __typename } mutation B { signOut }"
    for accept in ("application/json", GRAPHQL_RESPONSE):
        body = coded(await post(client, {"query": document}, accept), 400, "BAD_REQUEST")
        assert "operationName" in body["errors"][0]["message"]
    chosen = await post(client, {"query": document, "operationName": "A"})
    assert chosen.json() == {"data": {"__typename": "Query"}}
    unknown = await post(client, {"query": document, "operationName": "C"})
    coded(unknown, 400, "BAD_REQUEST")


# Persisted queries -------------------------------------------------------------------

APQ_HASH = "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"


async def test_a_hash_only_persisted_query_is_answered_not_supported(client):
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": APQ_HASH}}
    for accept in ("*/*", GRAPHQL_RESPONSE):
        response = await post(client, {"extensions": persisted, "variables": {}}, accept)
        coded(response, 400, "PERSISTED_QUERY_NOT_SUPPORTED")
    # Apollo's link then sends the full query, still carrying the hash: it runs.
    retry = await post(client, {"query": "{ __typename }", "extensions": persisted})
    assert retry.json() == {"data": {"__typename": "Query"}}


async def test_a_body_with_no_query_at_all_is_a_bad_request(client):
    for body in ({"variables": {}}, {"query": ""}, {"query": None}):
        response = await post(client, body)
        assert "no `query`" in coded(response, 400, "BAD_REQUEST")["errors"][0]["message"]
    fragments_only = await post(client, {"query": "fragment F on Query { __typename }"})
    coded(fragments_only, 400, "BAD_REQUEST")


# GraphiQL ----------------------------------------------------------------------------


async def test_graphiql_only_for_a_browser_asking_for_html(client):
    page = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    for accept in ("*/*", "application/json", GRAPHQL_RESPONSE, None):
        headers = {"accept": accept} if accept else {}
        response = await client.get("/graphql", headers=headers)
        coded(response, 400, "BAD_REQUEST")
        assert "graphiql" not in response.text.lower()
        # Only the IDE page goes without the content security policy.
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_production_has_no_graphiql(settings):
    app = build_app(production(settings))
    async with LifespanManager(app), make_client(app, "https://testserver") as prod:
        page = await prod.get("/graphql", headers={"accept": "text/html"})
        coded(page, 404, "NOT_FOUND")
        assert "graphiql" not in page.text.lower()


# Bodies that are not one JSON object ---------------------------------------------------


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize(
    "content",
    [
        _deep(100_000),
        b'{"query": "{ __typename }", "variables": {"x": ' + _deep(100_000) + b"}}",
        b'"x"',
        b"5",
        b"null",
        b"[]",
        b"true",
        '{"query": "{ __typename }", "variables": {"note": "caf\u00e9"}}'.encode("latin-1"),
        b'{"query": "{ __typename }"}\xff',
        b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}",
        b"",
        b'{"query": "{ __typename }", "variables": {"body": "half a pair \\ud83d"}}',
        b'{"query": "{ __typename }", "variables": {"body": "\\udc00 the other half"}}',
    ],
    ids=[
        "nested-100000",
        "nested-variables",
        "string",
        "number",
        "null",
        "empty-array",
        "true",
        "latin-1",
        "stray-byte",
        "huge-number",
        "empty",
        "lone-high-surrogate",
        "lone-low-surrogate",
    ],
)
async def test_bodies_that_are_not_one_json_object_are_bad_requests(client, content, caplog):
    for accept in ("application/json", GRAPHQL_RESPONSE):
        with caplog.at_level(logging.ERROR):
            response = await client.post(
                "/graphql",
                content=content,
                headers={"content-type": "application/json", "accept": accept},
            )
        coded(response, 400, "BAD_REQUEST")
        assert response.headers["content-type"].startswith(accept)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("query", {"obj": "ect"}),
        ("query", 0),
        ("query", ["array"]),
        ("variables", "string"),
        ("variables", ["array"]),
        ("extensions", 0),
        ("operationName", False),
    ],
)
async def test_parameters_of_the_wrong_type_are_bad_requests(client, field, value):
    body = {"query": "{ __typename }", field: value}
    coded(await post(client, body), 400, "BAD_REQUEST")


# Subscriptions -----------------------------------------------------------------------


async def test_a_subscription_over_http_is_refused_with_a_pointer_to_the_websocket(client, caplog):
    await register(client)
    for accept in ("application/json", GRAPHQL_RESPONSE):
        with caplog.at_level(logging.ERROR):
            response = await post(client, {"query": "subscription { changes }"}, accept)
        body = coded(response, 400, "BAD_REQUEST")
        assert "websocket" in body["errors"][0]["message"].lower()
    named = await post(
        client, {"query": "query A { __typename } subscription S { changes }", "operationName": "S"}
    )
    coded(named, 400, "BAD_REQUEST")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_half_a_surrogate_pair_is_refused_and_nothing_is_stored(client):
    before = await row_counts()

    def register_body(text_escape: str) -> bytes:
        # The escape is written into the JSON text itself, as a client could send it.
        variables = json.dumps({"input": new_account(display_name="NAME")})
        variables = variables.replace('"NAME"', f'"{text_escape}"')
        return f'{{"query": {json.dumps(REGISTER)}, "variables": {variables}}}'.encode()

    headers = {"content-type": "application/json"}
    refused = await client.post("/graphql", content=register_body("a \\ud83d b"), headers=headers)
    coded(refused, 400, "BAD_REQUEST")
    assert await row_counts() == before
    # A whole pair is one character, and is kept.
    kept = await client.post(
        "/graphql", content=register_body("a \\ud83d\\ude00 b"), headers=headers
    )
    assert kept.json()["data"]["register"]["account"]["displayName"] == "a \U0001f600 b", kept.text
