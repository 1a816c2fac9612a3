"""Letters: the `letter` kind with its merge and own operations, revisions, the trash."""

from server.letters.export import letters_export
from server.letters.kind import LETTER
from server.letters.schema import Query
from server.letters.service import TRASH_DAYS, LetterHooks, purge_expired_trash
from server.plugin import Chore, Domain

DOMAIN = Domain(
    name="letters",
    kinds=(LETTER,),
    hooks={LETTER.name: LetterHooks()},
    models=("server.letters.models",),
    query=Query,
    export=letters_export,
    chores=(
        Chore(
            f"Deleted letters that were in the trash for {TRASH_DAYS} days",
            purge_expired_trash,
        ),
    ),
)
