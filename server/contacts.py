"""A person to call, as plans and preferences both keep them: one shape for both."""

from server.sync.fields import Text

CONTACT = {
    "name": Text(200),
    "phone": Text(60),
    "note": Text(1000),
}
