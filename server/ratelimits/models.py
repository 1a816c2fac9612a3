"""Rate-limit state shared by every server process. Keys are keyed digests of what they
count (an address, a username; server/ratelimits/keys.py), so the tables hold neither,
in the clear or recoverable by trying every address."""

from tortoise import fields
from tortoise.models import Model


class RateLimitWindow(Model):
    """One budget's tries in its moving window (PostgreSQL only; SQLite counts in memory)."""

    key = fields.CharField(max_length=64, primary_key=True)
    # Unix times of the tries still in the window, oldest first; at most the budget's size.
    hits = fields.JSONField(default=list)
    accepted = fields.BooleanField(default=True)
    expires_at = fields.DatetimeField()

    class Meta(Model.Meta):
        table = "rate_limit_window"


class TrustedAddress(Model):
    """An address that signed in to an account, exempt from that account's budget."""

    key = fields.CharField(max_length=64, primary_key=True)
    trusted_until = fields.DatetimeField(db_index=True)

    class Meta(Model.Meta):
        table = "rate_limit_trusted"
