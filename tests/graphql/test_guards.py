"""What one request may ask of /graphql, and how refusals look. Through the real app."""

from __future__ import annotations

import pytest
import strawberry
from asgi_lifespan import LifespanManager

from server.graphql.guards import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_TOKENS,
    extensions,
)
from tests.conftest import build_app, make_client, production
from tests.graphql_client import ME, error_code, gql, new_account, register, register_response


@strawberry.type
class Node:
    name: str = "node"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class DeepQuery:
    @strawberry.field
    def root(self) -> Node:
        return Node()


def test_depth_limit():
    # Today's schema has no recursive type, so the same guards are put on one that does.
    schema = strawberry.Schema(query=DeepQuery, extensions=extensions(production=False))

    def nested(depth: int) -> str:
        inner = "name"
        for _ in range(depth - 1):
            inner = f"child {{ {inner} }}"
        return f"{{ root {{ {inner} }} }}"

    assert schema.execute_sync(nested(MAX_DEPTH)).errors is None
    too_deep = schema.execute_sync(nested(MAX_DEPTH + 1))
    assert too_deep.errors[0].extensions["code"] == "QUERY_TOO_COMPLEX"


async def test_alias_limit(client):
    fine = " ".join(f"a{i}: me {{ id }}" for i in range(MAX_ALIASES))
    assert "errors" not in await gql(client, f"{{ {fine} }}")
    many = " ".join(f"a{i}: me {{ id }}" for i in range(MAX_ALIASES + 1))
    assert error_code(await gql(client, f"{{ {many} }}")) == "QUERY_TOO_COMPLEX"


async def test_token_limit(client):
    huge = "{ me { " + " ".join(["id"] * MAX_TOKENS) + " } }"
    assert error_code(await gql(client, huge)) == "QUERY_TOO_COMPLEX"


async def test_a_long_query_is_refused_before_it_is_read(client):
    """One long comment or string is a single token, but the parser reads all of it."""
    fine = "{ me { id } } #" + "x" * (MAX_QUERY_LENGTH - 20)
    assert error_code(await gql(client, fine)) is None
    long = "{ me { id } } #" + "x" * MAX_QUERY_LENGTH
    assert error_code(await gql(client, long)) == "QUERY_TOO_COMPLEX"


async def test_only_one_auth_mutation_per_request(client):
    query = """
    mutation {
      a: signIn(input: {username: "robin", authKey: "x"}) { id }
      b: signIn(input: {username: "robin", authKey: "y"}) { id }
    }
    """
    result = await gql(client, query)
    assert error_code(result) == "TOO_MANY_AUTH_MUTATIONS"
    mixed = """
    mutation M { signIn(input: {username: "a", authKey: "b"}) { id } ...F }
    fragment F on Mutation {
      openRecovery(input: {username: "a", lookup: "c", verifier: "d"})
    }
    """
    assert error_code(await gql(client, mixed)) == "TOO_MANY_AUTH_MUTATIONS"


async def test_batched_requests_are_refused(client):
    response = await client.post("/graphql", json=[{"query": ME}, {"query": ME}])
    assert response.status_code == 400
    assert error_code(response.json()) == "BAD_REQUEST"


async def test_get_cannot_run_queries_or_mutations(client):
    for query in ("mutation { signOut }", "{ me { id } }"):
        response = await client.get("/graphql", params={"query": query})
        assert response.status_code in (400, 405)
        assert error_code(response.json()) == "BAD_REQUEST"


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
async def test_only_json_posts_are_accepted(client, content_type):
    response = await client.post(
        "/graphql", content=b'{"query": "{ me { id } }"}', headers={"content-type": content_type}
    )
    assert response.status_code == 415
    assert error_code(response.json()) == "BAD_REQUEST"


async def test_cross_origin_posts_are_refused(client):
    for headers in (
        {"origin": "https://elsewhere.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
    ):
        response = await client.post("/graphql", json={"query": ME}, headers=headers)
        assert response.status_code == 403
        assert error_code(response.json()) == "FORBIDDEN"
    same = await client.post(
        "/graphql", json={"query": ME}, headers={"origin": "http://testserver"}
    )
    assert same.status_code == 200


async def test_allowed_origins_setting_admits_a_named_origin(settings):
    from dataclasses import replace

    app = build_app(replace(settings, allowed_origins=("https://app.example",)))
    async with LifespanManager(app), make_client(app) as client:
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"origin": "https://app.example"}
        )
        assert response.status_code == 200


async def test_oversized_bodies_are_refused(settings):
    from dataclasses import replace

    app = build_app(replace(settings, max_request_bytes=2048))
    async with LifespanManager(app), make_client(app) as client:
        big = {"query": ME, "variables": {"pad": "x" * 4096}}
        response = await client.post("/graphql", json=big)
        assert response.status_code == 413
        assert error_code(response.json()) == "BAD_INPUT"

        async def chunks():
            yield b'{"query": "{ me { id } }", "variables": {"pad": "'
            yield b"x" * 4096
            yield b'"}}'

        streamed = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413


async def test_wrong_types_and_unknown_fields_get_bad_request(client):
    wrong_type = await gql(
        client,
        "mutation($i: SignInInput!) { signIn(input: $i) { id } }",
        {"i": {"username": 12, "authKey": ["x"]}},
    )
    assert error_code(wrong_type) == "BAD_REQUEST"
    missing = await gql(client, 'mutation { signIn(input: {username: "a"}) { id } }')
    assert error_code(missing) == "BAD_REQUEST"
    syntax = await gql(client, "{ me { id ")
    assert error_code(syntax) == "BAD_REQUEST"
    bad_enum = await gql(
        client,
        "mutation($i: RegisterInput!) { register(input: $i) { account { id } } }",
        {"i": {**new_account(username="abc"), "role": "ADMIN"}},
    )
    assert error_code(bad_enum) == "BAD_REQUEST"


async def test_security_headers(client):
    response = await client.post("/graphql", json={"query": ME})
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers
    page = await client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    directives = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    # Scripts only from the app itself; WebAssembly may compile (Argon2), eval may not.
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"


class TestProduction:
    @pytest.fixture
    async def prod_client(self, settings):
        app = build_app(production(settings))
        async with LifespanManager(app), make_client(app, "https://testserver") as client:
            yield client

    async def test_no_introspection_no_ide_no_suggestions(self, prod_client):
        introspection = await gql(prod_client, "{ __schema { types { name } } }")
        assert error_code(introspection) == "BAD_REQUEST"
        typo = await gql(prod_client, "{ me { usernam } }")
        assert "Did you mean" not in typo["errors"][0]["message"]
        ide = await prod_client.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 404
        assert "graphiql" not in ide.text.lower()

    async def test_cookie_is_secure_host_prefixed_and_hsts_is_sent(self, prod_client):
        response = await register_response(prod_client)
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-between_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie
        assert response.headers["strict-transport-security"].startswith("max-age=")
        me = await gql(prod_client, ME)
        assert me["data"]["me"]["username"] == "robin"

    async def test_unexpected_errors_are_masked(self, prod_client, monkeypatch):
        from server.auth import service

        async def broken(*args, **kwargs):
            raise RuntimeError("database password is hunter2")

        monkeypatch.setattr(service, "sign_in", broken)
        result = await gql(
            prod_client,
            'mutation { signIn(input: {username: "robin", authKey: "x"}) { id } }',
        )
        assert error_code(result) == "INTERNAL"
        assert "hunter2" not in str(result)
        assert "Traceback" not in str(result)


async def test_development_shows_unexpected_error_messages_with_a_code(client, monkeypatch):
    from server.auth import service

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "sign_in", broken)
    await register(client)
    result = await gql(client, 'mutation { signIn(input: {username: "a", authKey: "b"}) { id } }')
    assert error_code(result) == "INTERNAL"


def doubling_chain(levels: int) -> str:
    """Each fragment spreads the next twice: a few bytes a level, twice the work a level."""
    parts = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(1, levels)]
    parts.append(f"fragment F{levels} on Query {{ me {{ id }} }}")
    return "query Chain { ...F1 }\n" + "\n".join(parts)


class DepthWalks:
    """Counts the depth limiter's steps, and stops it long before an exponential walk
    could finish, so that a test of unbounded work fails instead of hanging."""

    def __init__(self, monkeypatch, budget: int = 10_000) -> None:
        from strawberry.extensions import query_depth_limiter

        self.steps = 0
        self.budget = budget
        original = query_depth_limiter.determine_depth

        def counted(*args, **kwargs):
            self.steps += 1
            if self.steps > self.budget:
                raise RuntimeError("the depth limiter walked without bound")
            return original(*args, **kwargs)

        monkeypatch.setattr(query_depth_limiter, "determine_depth", counted)


async def test_fragments_that_expand_exponentially_are_refused_before_any_walk(client, monkeypatch):
    walks = DepthWalks(monkeypatch)
    for levels in (11, 30, 190):
        result = await gql(client, doubling_chain(levels))
        assert error_code(result) == "QUERY_TOO_COMPLEX", (levels, result)
    assert walks.steps == 0
    # A short chain is checked as usual (and the counter does count). Four copies of
    # one field at one place: more would pass the limit on fields under one name.
    assert "errors" not in await gql(client, doubling_chain(3).replace("Chain", "Short"))
    assert 0 < walks.steps < 100


async def test_fragment_cycles_and_unknown_fragments_are_refused_before_any_walk(
    client, monkeypatch
):
    walks = DepthWalks(monkeypatch)
    # Every fragment spreads every other: the limiters would follow each simple path.
    names = [f"C{i}" for i in range(12)]
    spreads = " ".join(f"...{name}" for name in names)
    tangle = "query { ...C0 } " + " ".join(
        f"fragment {name} on Query {{ me {{ id }} {spreads} }}" for name in names
    )
    assert error_code(await gql(client, tangle)) == "BAD_REQUEST"
    assert error_code(await gql(client, "query { ...Missing }")) == "BAD_REQUEST"
    assert walks.steps == 0


async def test_fragments_within_the_limit_still_work(client):
    await register(client)
    query = """
    query Twice { me { ...Who } again: me { ...Who } }
    fragment Who on Account { id ...Name }
    fragment Name on Account { username displayName }
    """
    result = await gql(client, query)
    assert "errors" not in result, result
    assert result["data"]["me"] == {**result["data"]["again"]}
    assert result["data"]["me"]["username"] == "robin"
