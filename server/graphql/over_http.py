"""GraphQL over HTTP: one JSON POST in, one answer out.

Strawberry runs the operation; this module owns the request around it, so that every
refusal has the documented error shape, and a client that asks for
`application/graphql-response+json` gets the status codes of the GraphQL-over-HTTP
spec: 400 and no `data` when the request failed before any field ran.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from server.accept import asks_for, quality
from server.errors import ErrorCode, error_body
from server.graphql.guards import MAX_TOKENS, TOO_LONG_MESSAGE, query_too_long
from server.observe import note_outcome

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ALLOW = "GET, HEAD, POST"
# Subscriptions go over the websocket; over HTTP they would have nowhere to stream to.
HTTP_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
# Documents longer than this are parsed again each time rather than kept in memory.
CACHED_DOCUMENT_LENGTH = 20_000

# A \uD800-\uDFFF escape: half of a surrogate pair, fine only as one of a pair.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")

ContextFactory = Callable[[Request, Response], Awaitable[Any]]


class Refusal(Exception):
    """A request answered before any operation ran: a coded error and no `data`."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers


@dataclass(frozen=True)
class Params:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def media_type_for(accept: str | None) -> str:
    """application/graphql-response+json when the client names it and wants it at least
    as much as application/json; application/json otherwise (also for `*/*`)."""
    wanted = quality(accept, GRAPHQL_RESPONSE, exact=True)
    if wanted > 0 and wanted >= quality(accept, JSON):
        return GRAPHQL_RESPONSE
    return JSON


def _has_lone_surrogates(text: str, data: object) -> bool:
    """Whether the JSON escaped half a surrogate pair into a string: valid JSON, but
    not text that can be stored or sent on."""
    if not SURROGATE_ESCAPE.search(text):
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_params(body: bytes) -> Params:
    """The request's parameters, or a Refusal saying what is wrong with the body."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
        lone_surrogates = _has_lone_surrogates(text, data)
    except RecursionError:
        raise Refusal(ErrorCode.BAD_REQUEST, "The request body is nested too deeply.") from None
    except ValueError:
        # Not UTF-8, not JSON, or a number too long to read.
        raise Refusal(ErrorCode.BAD_REQUEST, "The request body is not valid JSON.") from None
    if lone_surrogates:
        raise Refusal(ErrorCode.BAD_REQUEST, "The request body has text that is not Unicode.")
    if isinstance(data, list):
        raise Refusal(ErrorCode.BAD_REQUEST, "Send one operation at a time: batches are refused.")
    if not isinstance(data, dict):
        raise Refusal(ErrorCode.BAD_REQUEST, "Send the operation as a JSON object with a `query`.")
    for name, kind, what in (
        ("query", str, "a string"),
        ("operationName", str, "a string"),
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
    ):
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise Refusal(ErrorCode.BAD_REQUEST, f"`{name}` must be {what} or null.")
    extensions = data.get("extensions")
    query = data.get("query")
    if not query:
        if extensions is not None and "persistedQuery" in extensions:
            # Apollo's persisted-query link sends the full query again on this code.
            raise Refusal(
                ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
                "This server does not keep persisted queries: send the full query.",
            )
        raise Refusal(ErrorCode.BAD_REQUEST, "The request has no `query`.")
    if query_too_long(query):
        raise Refusal(ErrorCode.QUERY_TOO_COMPLEX, TOO_LONG_MESSAGE)
    return Params(query, data.get("variables"), data.get("operationName"), extensions)


def _operations(query: str) -> tuple[tuple[str | None, OperationType], ...] | None:
    """Name and type of each operation in the document; None if it does not parse
    (Strawberry then reports the syntax error like any other)."""
    try:
        document = parse(query, no_location=True, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    return tuple(
        (
            definition.name.value if definition.name else None,
            OperationType(definition.operation.value),
        )
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


_cached_operations = lru_cache(maxsize=256)(_operations)


def check_operation(params: Params) -> None:
    """Refuse what would otherwise run the wrong operation, or one HTTP cannot carry."""
    query = params.query
    if len(query) <= CACHED_DOCUMENT_LENGTH:
        operations = _cached_operations(query)
    else:
        operations = _operations(query)
    if operations is None:
        return
    name = params.operation_name
    if name is None and len(operations) > 1:
        raise Refusal(
            ErrorCode.BAD_REQUEST,
            "The document has several operations: name the one to run in `operationName`.",
        )
    chosen = [kind for named, kind in operations if name is None or named == name]
    if not chosen:
        missing = "no operation" if name is None else "no operation of that name"
        raise Refusal(ErrorCode.BAD_REQUEST, f"The document has {missing} to run.")
    if chosen[0] is OperationType.SUBSCRIPTION:
        raise Refusal(
            ErrorCode.BAD_REQUEST,
            "Subscriptions go over the websocket at /graphql, not over HTTP.",
        )


def is_request_error(result: ExecutionResult) -> bool:
    """True when the request failed before execution: parsing, validation or variable
    coercion. Errors from fields always carry a path."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def _status(result: ExecutionResult, request_error: bool, media_type: str) -> int:
    # application/json keeps 200 for every GraphQL response, as that spec asks.
    if media_type != GRAPHQL_RESPONSE or not request_error:
        return 200
    codes = {(e.extensions or {}).get("code") for e in result.errors or []}
    return 500 if ErrorCode.INTERNAL.value in codes else 400


class GraphQLOverHTTP:
    """Answers HTTP requests to /graphql for a schema; websockets are not its business."""

    def __init__(
        self, schema: BaseSchema, get_context: ContextFactory, ide_html: str | None
    ) -> None:
        self.schema = schema
        self.get_context = get_context
        self.ide_html = ide_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        media_type = media_type_for(request.headers.get("accept"))
        try:
            response = await self._answer(request, media_type)
        except Refusal as refusal:
            note_outcome(refusal.code.value)
            response = Response(
                error_body(refusal.code, refusal.message),
                status_code=refusal.status,
                headers=refusal.headers,
                media_type=media_type,
            )
        await response(scope, receive, send)

    async def _answer(self, request: Request, media_type: str) -> Response:
        method = request.method
        if method in ("GET", "HEAD"):
            return self._page(request)
        if method != "POST":
            raise Refusal(
                ErrorCode.BAD_REQUEST,
                "GraphQL takes a JSON POST to /graphql.",
                status=405,
                headers={"Allow": ALLOW},
            )
        params = read_params(await request.body())
        check_operation(params)
        # Resolvers set cookies on this; they are copied onto the real answer.
        cookies = Response()
        context = await self.get_context(request, cookies)
        try:
            result = await self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=HTTP_OPERATIONS,
                operation_extensions=params.extensions,
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError):
            # check_operation turns these away first; this is only a second line.
            raise Refusal(ErrorCode.BAD_REQUEST, "That operation cannot run here.") from None
        request_error = is_request_error(result)
        body: dict[str, Any] = {} if request_error else {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            body["extensions"] = result.extensions
        response = Response(
            json.dumps(body, separators=(",", ":")),
            status_code=_status(result, request_error, media_type),
            media_type=media_type,
        )
        response.raw_headers.extend(
            (name, value) for name, value in cookies.raw_headers if name == b"set-cookie"
        )
        return response

    def _page(self, request: Request) -> Response:
        """GET is only for the development IDE, and only for a browser asking for a page."""
        if asks_for(request.headers.get("accept"), "text/html"):
            if self.ide_html is None:
                raise Refusal(ErrorCode.NOT_FOUND, "There is no page here.", status=404)
            return HTMLResponse(self.ide_html)
        raise Refusal(ErrorCode.BAD_REQUEST, "GraphQL takes a JSON POST, not a GET.")
