"""Letters stay in the trash for 30 days, then are deleted for good, and devices hear of it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from server.clock import now
from server.letters.models import LetterRevision
from server.letters.service import TRASH_DAYS, purge_expired_trash
from server.sync.models import SyncRecord
from tests.graphql_client import register
from tests.sync_client import mutation, new_id, pull_all, push


async def test_old_trash_is_emptied_and_recent_trash_kept(app, client):
    await register(client)
    old, recent, alive = new_id(), new_id(), new_id()
    await push(
        client,
        "phone-0001",
        [
            mutation(1, old, {"body": "old words"}),
            mutation(2, recent, {"body": "recent words"}),
            mutation(3, alive, {"body": "still here"}),
        ],
    )
    await push(
        client,
        "phone-0001",
        [mutation(4, old, op="delete", base=3), mutation(5, recent, op="delete", base=3)],
    )
    await SyncRecord.filter(id=old).update(deleted_at=now() - timedelta(days=31))
    await SyncRecord.filter(id=recent).update(deleted_at=now() - timedelta(days=29))
    _, cursor = await pull_all(client)

    assert await purge_expired_trash(app.state.pokes) == 1
    assert await purge_expired_trash(app.state.pokes) == 0

    changed, _ = await pull_all(client, cursor)
    assert list(changed) == [old]
    assert changed[old]["deleted"] and changed[old]["fields"] == {}
    assert await LetterRevision.filter(letter_id=old).count() == 0
    everything, _ = await pull_all(client)
    assert everything[recent]["fields"]["body"] == "recent words"
    assert everything[alive]["fields"]["body"] == "still here"


def test_the_app_tells_the_days_the_server_keeps():
    # The trash screen says how long letters stay there; it must be the server's number.
    letters = Path(__file__).parents[2] / "pwa" / "src" / "letters.js"
    said = re.search(r"^export const TRASH_DAYS = (\d+);$", letters.read_text(), re.MULTILINE)
    assert said is not None and int(said.group(1)) == TRASH_DAYS
