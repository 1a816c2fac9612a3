"""Letters: the sealed `letter` kind, and its revisions kept as envelopes."""

from server.letters.export import letters_export
from server.letters.kind import LETTER
from server.letters.schema import Query
from server.letters.service import LetterHooks
from server.plugin import Domain

DOMAIN = Domain(
    name="letters",
    kinds=(LETTER,),
    hooks={LETTER.name: LetterHooks()},
    models=("server.letters.models",),
    query=Query,
    export=letters_export,
)
