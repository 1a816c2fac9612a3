"""A letter's fields. The body is merged three ways; everything else per field.
Its own operations (restore, purge, …) are LetterHooks' in server/letters/service.py."""

from server.sync.fields import Choice, Flag, Moment, Text, TextList
from server.sync.kinds import Kind

# The issue asks for at least 200,000 characters; a little room above that.
MAX_BODY = 250_000
STATES = ("draft", "kept", "never_send")
# Named apart so that what may be shared from a letter (server/letters/words.py) is
# checked by the same rules, with their types.
TITLE = Text(500)
BODY = Text(MAX_BODY)

LETTER = Kind(
    name="letter",
    rules={
        "title": TITLE,
        "body": BODY,
        "recipient": Text(200),
        "part": Text(200, nullable=True, default=None),
        "tags": TextList(max_items=30, max_length=60),
        "state": Choice(STATES, default="draft"),
        "forNextSession": Flag(),
        "clientCreatedAt": Moment(nullable=True),
        "clientEditedAt": Moment(nullable=True),
    },
    # A device's title and text that could not be merged, shown beside the letter until
    # the person chooses (resolve_conflict). When it went to the trash is `deletedAt`.
    server_fields=frozenset({"conflictRevisionId", "conflictBody", "conflictTitle"}),
)
