"""Limits on what one GraphQL request may ask, and the error policy for its answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    OperationDefinitionNode,
    ValidationRule,
    get_nullable_type,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from server.errors import ErrorCode, bad_input
from server.graphql.fragments import expand
from server.graphql.overlaps import count_overlaps
from server.observe import NameTheOperation

log = logging.getLogger("between.graphql")

MAX_DEPTH = 10
MAX_ALIASES = 15
# The app's largest document has under 50 tokens. Every token costs every validation
# rule a visit, so the limit keeps the dearest document the server will check cheap.
MAX_TOKENS = 1000
# A string or comment is one token however long, but the parser reads it character by
# character; the app's documents are under 1 kB.
MAX_QUERY_LENGTH = 16_000
# Selections once every fragment spread is written out. Written out by hand, a document
# within the token limit could not hold more, so only fragments can reach it.
MAX_EXPANDED_SELECTIONS = MAX_TOKENS
# graphql-core's field-merging rule compares every two fields under one name at one
# place, and every two fragments spread together: both grow with the square of the
# document. Legitimate documents share a field here and there (the app's share none and
# define no fragments); a few hundred repeats cost the rule most of a second.
MAX_SAME_NAME_PAIRS = 64
MAX_FRAGMENTS = 16
# Selections walked to count those pairs: every operation and every fragment on its
# own (the rule checks each), spreads written out. A fragment used once is walked twice.
MAX_WALKED_SELECTIONS = 2 * MAX_EXPANDED_SELECTIONS

# Mutations that check a password or a recovery code: one per request, so a single
# request cannot carry a batch of guesses under aliases.
AUTH_MUTATIONS = frozenset(
    {
        "register",
        "signIn",
        "openRecovery",
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
        if result is not None and result.errors:
            result.errors = [self.coded(error) for error in result.errors]

    def coded(self, error: GraphQLError) -> GraphQLError:
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


class ShapeLimit(SchemaExtension):
    """Refuse, before any validation rule runs, a document that would make a rule's work
    grow faster than the document: fragment spreads that expand past the limit, spread
    a fragment the document lacks or one within itself (rules that follow spreads walk
    every expanded path, and the depth limiter does so as it is built), too many
    fragments, or too many fields under one name at one place (the field-merging rule
    compares every two)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and not context.pre_execution_errors:
            document = context.graphql_document
            refusal = (
                _expansion_refusal(document)
                or _overlap_refusal(document)
                or _alias_refusal(document)
            )
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield


def query_too_long(query: str) -> bool:
    return len(query) > MAX_QUERY_LENGTH


TOO_LONG_MESSAGE = f"The query is longer than {MAX_QUERY_LENGTH} characters."


def _too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value})


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
        return _too_complex(f"Fragments expand to more than {MAX_EXPANDED_SELECTIONS} selections.")
    return None


def _alias_refusal(document) -> GraphQLError | None:
    """Counted here rather than as a validation rule, so that a document full of
    aliases is refused before every other rule visits it."""
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    aliases = sum(
        count_fields_with_alias(node, fragments)
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    )
    if aliases > MAX_ALIASES:
        return _too_complex(f"{aliases} aliases found. Allowed: {MAX_ALIASES}")
    return None


def _overlap_refusal(document) -> GraphQLError | None:
    fragments = sum(isinstance(node, FragmentDefinitionNode) for node in document.definitions)
    if fragments > MAX_FRAGMENTS:
        return _too_complex(f"The document defines more than {MAX_FRAGMENTS} fragments.")
    overlaps = count_overlaps(
        document, max_pairs=MAX_SAME_NAME_PAIRS, max_walked=MAX_WALKED_SELECTIONS
    )
    if overlaps.walked > MAX_WALKED_SELECTIONS:
        return _too_complex(
            f"The document's operations and fragments, written out, hold more than "
            f"{MAX_WALKED_SELECTIONS} selections."
        )
    if overlaps.pairs > MAX_SAME_NAME_PAIRS:
        return _too_complex(
            "The same field is asked for too many times at one place "
            f"(more than {MAX_SAME_NAME_PAIRS} pairs of fields under one name)."
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


# C0 and C1 control characters and DEL, but not tab, line feed or carriage return: letters
# have lines and tabs. PostgreSQL cannot store U+0000 at all; the others are invisible
# and have no place in a name, a label or a note.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Arguments whose items are judged one by one further in. A push answers each of its
# mutations: refusing the whole request for one bad mutation would leave the device
# sending the same batch for ever, so the sync service rejects that mutation alone
# (and its field rules refuse U+0000, the one character the database cannot keep).
_JUDGED_PER_ITEM = frozenset({("Mutation", "push", "mutations")})


class ControlCharacterGuard(SchemaExtension):
    """Refuse control characters in every string argument, through input objects,
    lists and JSON, before a resolver (and so the database) sees them."""

    def resolve(self, _next, root, info, *args, **kwargs):
        if kwargs:
            parent = info.parent_type
            # Introspection's own fields (`__type`) are not among the type's fields.
            field = parent.fields.get(info.field_name)
            for name, value in kwargs.items():
                if (parent.name, info.field_name, name) in _JUDGED_PER_ITEM:
                    continue
                argument = field.args.get(name) if field else None
                refuse_control_characters(value, argument.type if argument else None, name)
        return _next(root, info, *args, **kwargs)


def refuse_control_characters(value: object, type_: GraphQLInputType | None, name: str) -> None:
    """Raise BAD_INPUT naming the innermost input field (or argument) that holds a
    control character. `type_` is None inside a JSON value, whose keys count too."""
    pending = [(value, type_, name)]
    while pending:
        value, type_, name = pending.pop()
        if value is None:
            continue
        if isinstance(value, str):
            if CONTROL_CHARACTER.search(value):
                raise bad_input(
                    name, "This has an invisible control character in it. Please remove it."
                )
            continue
        nullable = None if type_ is None else get_nullable_type(type_)
        if isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
            for field_name, field in nullable.fields.items():
                key = field.out_name or field_name
                if key in value:
                    pending.append((value[key], field.type, field_name))
        elif isinstance(value, list):
            item_type = nullable.of_type if isinstance(nullable, GraphQLList) else None
            pending.extend((item, item_type, name) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, None, name))
                pending.append((item, None, name))


# Built once, so that every request checks with the very same rules and the
# validation cache can recognise a document it has already checked.
VALIDATION_RULES = [
    depth_rule(MAX_DEPTH, should_ignore=None),
    OneAuthMutation,
]


def extensions(production: bool) -> list:
    """Extension factories: Strawberry builds fresh ones for every request."""
    chosen = [
        # Before the error policy, so that it names the outcome by the final error codes.
        NameTheOperation,
        # Next, so that it sees the final errors of every other extension.
        lambda: ErrorPolicy(mask_unexpected=production),
        # The app sends the same few documents again and again; parse and check each once.
        lambda: DocumentCache(maxsize=256),
        # Before the validation cache: that is where validation runs.
        ShapeLimit,
        # After the document cache, which hands back the very same document for the
        # same text, so a lookup here is mostly an identity check.
        lambda: CheckedValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(VALIDATION_RULES),
        ControlCharacterGuard,
    ]
    if production:
        chosen.append(DisableIntrospection)
    return chosen
