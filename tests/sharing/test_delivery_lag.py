"""The delivery job reports how late each held letter went out (a Prometheus histogram)."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from server.sharing.shares import deliver_due
from tests.sharing.people import share


def lag() -> tuple[float, float]:
    count = REGISTRY.get_sample_value("between_share_delivery_lag_seconds_count") or 0.0
    total = REGISTRY.get_sample_value("between_share_delivery_lag_seconds_sum") or 0.0
    return count, total


async def test_a_late_delivery_is_measured(app, robin, dana, link, fake_clock):
    letter = await robin.write("Held", "for later")
    at = (fake_clock.moment + timedelta(hours=1)).isoformat()
    await share(robin, letter, link, "AT_TIME", deliverAt=at)
    count, total = lag()
    # The job runs ninety seconds after the letter's time (a replica was down, say).
    fake_clock.advance(hours=1, seconds=90)
    assert len(await deliver_due(app.state.pokes)) == 1
    new_count, new_total = lag()
    assert new_count == count + 1
    assert 89 <= new_total - total <= 91
