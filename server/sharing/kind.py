"""The `shared_letter` record: a snapshot in the therapist's own feed, written by the server.

The therapist's devices may only set their private `discussedInSession` mark; they can
neither create such a record, nor delete one, nor change its words.
"""

from server.sync.fields import Flag
from server.sync.kinds import Kind

SNAPSHOT_FIELDS = frozenset(
    {
        "title",
        "body",
        "note",
        "clientId",
        "clientName",
        "sharedAt",
        "deliveredAt",
        "edition",
    }
)

SHARED_LETTER = Kind(
    name="shared_letter",
    rules={"discussedInSession": Flag()},
    server_fields=SNAPSHOT_FIELDS,
    generic_operations=frozenset({"upsert"}),
    devices_create=False,
)
