"""Letters stay in the trash for 30 days, then are deleted for good, and devices hear of it."""

from __future__ import annotations

import re
from datetime import timedelta

from server.clock import now
from server.letters.models import LetterRevision
from server.letters.service import TRASH_DAYS, purge_expired_trash
from server.settings import PROJECT_ROOT
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


def test_the_app_and_the_docs_give_the_servers_trash_days():
    """The PWA and the docs cannot import TRASH_DAYS, so they say the number: it must
    be the one the server keeps to."""
    letters = (PROJECT_ROOT / "pwa" / "src" / "letters.js").read_text()
    app_says = re.findall(r"^export const TRASH_DAYS = (\d+);$", letters, re.MULTILINE)
    docs_say = re.findall(
        r"in the trash for (\d+) days", (PROJECT_ROOT / "docs/sync.md").read_text()
    )
    assert app_says and docs_say
    assert {int(days) for days in app_says + docs_say} == {TRASH_DAYS}
