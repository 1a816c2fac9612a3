"""Limits on what one GraphQL request may ask, and the error policy for its answers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from server.errors import ErrorCode
from server.graphql.fragments import expand

log = logging.getLogger("between.graphql")

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000
# Selections once every fragment spread is written out. Written out by hand, a document
# within the token limit could not hold more, so only fragments can reach it.
MAX_EXPANDED_SELECTIONS = MAX_TOKENS

# Mutations that check a password or a recovery code: one per request, so a single
# request cannot carry a batch of guesses under aliases.
AUTH_MUTATIONS = frozenset(
    {
        "register",
        "signIn",
        "recoverAccount",
        "changePassword",
        "regenerateRecoveryCodes",
        "deleteAccount",
    }
)

# Words from the limiters' own messages; a test pins each one to QUERY_TOO_COMPLEX.
_TOO_COMPLEX_MARKERS = (
    "Document contains more than",
    "exceeds maximum operation depth",
    "aliases found",
)


class OneAuthMutation(ValidationRule):
    def __init__(self, context) -> None:
        super().__init__(context)
        self.seen = 0

    def enter_field(self, node, *_args) -> None:
        parent = self.context.get_parent_type()
        schema = self.context.schema
        if parent is None or parent is not schema.mutation_type:
            return
        if node.name.value in AUTH_MUTATIONS:
            self.seen += 1
            if self.seen == 2:
                self.report_error(
                    GraphQLError(
                        "Only one sign-in, recovery or password change is allowed per request.",
                        node,
                        extensions={"code": ErrorCode.TOO_MANY_AUTH_MUTATIONS.value},
                    )
                )


def _code_for(error: GraphQLError) -> ErrorCode:
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return ErrorCode.INTERNAL
    message = error.message
    if any(marker in message for marker in _TOO_COMPLEX_MARKERS):
        return ErrorCode.QUERY_TOO_COMPLEX
    # Syntax errors, unknown fields, wrong argument or variable types.
    return ErrorCode.BAD_REQUEST


class ErrorPolicy(SchemaExtension):
    """Give every error a stable `code`; hide the details of unexpected ones when asked."""

    def __init__(self, mask_unexpected: bool) -> None:
        self.mask_unexpected = mask_unexpected

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        if error.extensions and "code" in error.extensions:
            return error
        code = _code_for(error)
        message = error.message
        if code is ErrorCode.INTERNAL:
            log.error("Unexpected error in %s", error.path, exc_info=error.original_error)
            if self.mask_unexpected:
                message = "Something went wrong on our side. Nothing you wrote was lost."
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": code.value},
        )


class DocumentCache(ParserCache):
    """Strawberry's parser cache, except that a document that does not parse is left to
    Strawberry's own parser, so its error gets a code like any other."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


class FragmentExpansionLimit(SchemaExtension):
    """Refuse a document whose fragment spreads would expand past the limit, or that
    spreads a fragment it lacks or one within itself, before any rule follows spreads:
    those walk every expanded path, and the depth limiter does so as it is built."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and not context.pre_execution_errors:
            refusal = _expansion_refusal(context.graphql_document)
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield


def _expansion_refusal(document) -> GraphQLError | None:
    expansion = expand(document, cap=MAX_EXPANDED_SELECTIONS + 1)
    if expansion.unknown is not None:
        return GraphQLError(
            f"Unknown fragment '{expansion.unknown}'.",
            extensions={"code": ErrorCode.BAD_REQUEST.value},
        )
    if expansion.cycle is not None:
        return GraphQLError(
            f"Cannot spread fragment '{expansion.cycle}' within itself.",
            extensions={"code": ErrorCode.BAD_REQUEST.value},
        )
    if expansion.selections > MAX_EXPANDED_SELECTIONS:
        return GraphQLError(
            f"Fragments expand to more than {MAX_EXPANDED_SELECTIONS} selections.",
            extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value},
        )
    return None


class CheckedValidationCache(ValidationCache):
    """Strawberry's validation cache, except that a document an earlier extension
    refused is not validated at all (the cache itself validates unconditionally)."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


# Built once, so that every request checks with the very same rules and the
# validation cache can recognise a document it has already checked.
VALIDATION_RULES = [
    depth_rule(MAX_DEPTH, should_ignore=None),
    alias_rule(MAX_ALIASES),
    OneAuthMutation,
]


def extensions(production: bool) -> list:
    """Extension factories: Strawberry builds fresh ones for every request."""
    chosen = [
        # First, so that it sees the final errors of every other extension.
        lambda: ErrorPolicy(mask_unexpected=production),
        # The app sends the same few documents again and again; parse and check each once.
        lambda: DocumentCache(maxsize=256),
        # Before the validation cache: that is where validation runs.
        FragmentExpansionLimit,
        # After the document cache, which hands back the very same document for the
        # same text, so a lookup here is mostly an identity check.
        lambda: CheckedValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(VALIDATION_RULES),
    ]
    if production:
        chosen.append(DisableIntrospection)
    return chosen
