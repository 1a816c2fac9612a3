"""One `preferences` record per account: wording, Help now country and contacts.

Devices derive its id from the account id, so two devices that set a preference
before they ever synced still write the same record. PIN and lock settings are not
here: they stay on each device.
"""

from __future__ import annotations

from server.plans.kind import CONTACT
from server.sync.fields import Choice, Flag, Objects, Text
from server.sync.kinds import Kind

THERAPIST_WORDS = ("therapist", "counsellor", "my_t")
BREAK_WORDS = ("break", "vacation", "holiday")
ENDING_WORDS = ("ending", "termination")

PREFERENCES = Kind(
    name="preferences",
    rules={
        "therapistWord": Choice(THERAPIST_WORDS, default="therapist"),
        "breakWord": Choice(BREAK_WORDS, default="break"),
        "endingWord": Choice(ENDING_WORDS, default="ending"),
        "innerChild": Flag(default=True),
        # Whether a letter offers "Ways to begin" (disclosure starters).
        "showStarters": Flag(default=True),
        # An ISO 3166 country code for Help now; empty means "from the device's locale".
        "helpCountry": Text(2),
        "helpContacts": Objects(CONTACT, max_items=20),
    },
)
