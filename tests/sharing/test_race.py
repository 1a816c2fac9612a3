"""Several delivery jobs at once: every due share is delivered exactly once.

On PostgreSQL two worker processes race over the same due shares, as two server
replicas would; each claims shares with FOR UPDATE SKIP LOCKED. In one process, two
jobs run side by side on both databases.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import timedelta

import pytest
from asgi_lifespan import LifespanManager

from server import clock
from server.auth.models import Account
from server.settings import PROJECT_ROOT, Settings
from server.sharing.models import LetterShare, ShareStatus
from server.sharing.shares import deliver_due
from server.sync.models import SyncRecord
from tests.conftest import build_app, truncate_postgres
from tests.sharing.people import connect, share, sign_up

SHARES_PER_PAIR = 15


async def hold_many_shares(app) -> set[str]:
    """Two clients, two therapists, every pair linked, and many held shares made due."""
    clients = [await sign_up(app, f"client{n}") for n in range(2)]
    therapists = [await sign_up(app, f"therapist{n}", "THERAPIST") for n in range(2)]
    later = (clock.now() + timedelta(hours=1)).isoformat()
    held = set()
    for client in clients:
        letter = await client.write("Held", f"from {client.username}")
        for therapist in therapists:
            link = await connect(client, therapist)
            for _ in range(SHARES_PER_PAIR):
                answer = await share(client, letter, link, "AT_TIME", deliverAt=later)
                held.add(answer["id"])
    for person in clients + therapists:
        await person.http.aclose()
    await LetterShare.filter(status=ShareStatus.HELD).update(
        deliver_at=clock.now() - timedelta(seconds=1)
    )
    return held


async def assert_each_delivered_once(held: set[str]) -> None:
    shares = await LetterShare.filter(id__in=list(held))
    assert {s.status for s in shares} == {ShareStatus.DELIVERED}
    snapshot_ids = {s.snapshot_id for s in shares}
    assert len(snapshot_ids) == len(held)
    snapshots = await SyncRecord.filter(kind="shared_letter")
    assert {r.id for r in snapshots} == snapshot_ids
    # Each therapist's feed took one gapless change per delivery, and nothing more.
    for therapist in await Account.filter(role="therapist"):
        versions = sorted(r.version for r in snapshots if r.owner_id == therapist.id)
        assert versions == list(range(1, 2 * SHARES_PER_PAIR + 1))
        assert therapist.change_counter == 2 * SHARES_PER_PAIR


@pytest.fixture
def postgres_url(postgres_migrated):
    asyncio.run(truncate_postgres(postgres_migrated))
    yield postgres_migrated
    asyncio.run(truncate_postgres(postgres_migrated))


@pytest.mark.postgres_only
async def test_two_worker_processes_deliver_each_share_exactly_once(postgres_url):
    app = build_app(Settings(database_url=postgres_url))
    async with LifespanManager(app):
        held = await hold_many_shares(app)
        # Both start at the same moment, after the slower one has finished importing.
        start_at = f"{time.time() + 3:.3f}"
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.sharing.deliver_worker",
                postgres_url,
                start_at,
                cwd=PROJECT_ROOT,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [await worker.communicate() for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0]
        first, second = (set(json.loads(out)) for out, _ in outputs)
        assert not first & second, "a share was delivered twice"
        assert first | second == held
        await assert_each_delivered_once(held)


async def test_two_jobs_in_one_process_deliver_each_share_once(app):
    held = await hold_many_shares(app)
    pokes = app.state.pokes
    first, second = await asyncio.gather(deliver_due(pokes), deliver_due(pokes))
    assert not set(first) & set(second)
    assert {str(i) for i in first + second} == held
    await assert_each_delivered_once(held)
    assert await deliver_due(pokes) == []
