"""Moving-window budgets in a PostgreSQL table, one row per budget and key.

Each try is one statement: the insert creates the row, or `ON CONFLICT DO UPDATE` takes
the row's lock, drops the tries that left the window, and adds this one only if it
still fits. Concurrent tries on one key therefore queue on the row and are each decided
against the count the previous one left: no two can take the last place. Times come
from the database, so replicas with drifting clocks still agree on the window.
"""

from __future__ import annotations

from limits import RateLimitItem
from tortoise import connections

from server.ratelimits.keys import KeyedDigest

# $1 key, $2 window in seconds, $3 cost, $4 budget size. `live` is the row's tries still
# in the window; a try is added only when it fits beside them.
SPEND = """
WITH p AS (
    SELECT $1::text AS key, $2::float8 AS span, $3::int AS cost, $4::int AS amount,
           extract(epoch FROM statement_timestamp())::float8 AS t
)
INSERT INTO rate_limit_window AS w (key, hits, accepted, expires_at)
SELECT p.key,
       CASE WHEN p.cost <= p.amount
            THEN to_jsonb(array_fill(p.t, ARRAY[p.cost])) ELSE '[]'::jsonb END,
       p.cost <= p.amount,
       statement_timestamp() + make_interval(secs => p.span)
FROM p
ON CONFLICT (key) DO UPDATE SET
    accepted = (
        SELECT live.n + p.cost <= p.amount FROM p, LATERAL (
            SELECT count(*) AS n FROM jsonb_array_elements(w.hits) AS h
            WHERE h::float8 > p.t - p.span
        ) AS live
    ),
    hits = (
        SELECT coalesce(live.hits, '[]'::jsonb) || CASE
            WHEN live.n + p.cost <= p.amount
            THEN to_jsonb(array_fill(p.t, ARRAY[p.cost])) ELSE '[]'::jsonb END
        FROM p, LATERAL (
            SELECT count(*) AS n, jsonb_agg(h ORDER BY h::float8) AS hits
            FROM jsonb_array_elements(w.hits) AS h WHERE h::float8 > p.t - p.span
        ) AS live
    ),
    expires_at = EXCLUDED.expires_at
RETURNING w.accepted, (
    SELECT oldest.t + p.span - p.t FROM p, LATERAL (
        SELECT min(h::float8) AS t FROM jsonb_array_elements(w.hits) AS h
    ) AS oldest
) AS wait
"""


class PostgresBudgets:
    def __init__(self, digest: KeyedDigest) -> None:
        self.digest = digest

    async def spend(self, item: RateLimitItem, *keys: str, cost: int = 1) -> float | None:
        # The item's own key names its rate too, so a changed rate starts a new count.
        key = self.digest(item.key_for(*keys))
        _, rows = await connections.get("default").execute_query(
            SPEND, [key, float(item.get_expiry()), cost, item.amount]
        )
        row = rows[0]
        if row["accepted"]:
            return None
        # Refused with nothing in the window means the cost alone exceeds the budget.
        return row["wait"] if row["wait"] is not None else float(item.get_expiry())


async def forget_expired_windows() -> int:
    """Delete rows whose every try has left the window (housekeeping)."""
    database = connections.get("default")
    if database.capabilities.dialect != "postgres":
        return 0
    count, _ = await database.execute_query(
        "DELETE FROM rate_limit_window WHERE expires_at < statement_timestamp()"
    )
    return count
