"""Preferences: the one `preferences` record of each account."""

from server.plugin import Domain
from server.preferences.kind import PREFERENCES

DOMAIN = Domain(name="preferences", kinds=(PREFERENCES,))
