"""The access log: one hash-chained entry per opening, and a verify command that finds
altered and removed entries."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys

from server.settings import PROJECT_ROOT
from server.sharing.access_log import GENESIS, canonical, hash_of, verify
from server.sharing.models import AccessLogEntry
from tests.sharing.people import OPEN, share


async def verify_command(database_url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "verify-access-log",
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode, output.decode()


async def opened_letters(robin, dana, link, times: int) -> list[AccessLogEntry]:
    await share(robin, await robin.write("t", "words"), link)
    [snapshot] = await dana.snapshots()
    for _ in range(times):
        await dana.ok(OPEN, {"id": snapshot})
    return await AccessLogEntry.all().order_by("position")


async def test_each_opening_is_chained_to_the_one_before(robin, dana, link):
    entries = await opened_letters(robin, dana, link, 3)
    assert [e.position for e in entries] == [1, 2, 3]
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous
        expected = hashlib.sha256((previous + canonical(entry)).encode()).hexdigest()
        assert entry.hash == hash_of(entry) == expected
        assert str(entry.therapist_id) == dana.id and str(entry.client_id) == robin.id
        previous = entry.hash
    verdict = await verify()
    assert (verdict.count, verdict.head, verdict.problems) == (3, previous, [])


async def test_openings_at_the_same_moment_still_make_one_chain(robin, dana, link):
    await share(robin, await robin.write("t", "words"), link)
    [snapshot] = await dana.snapshots()
    await asyncio.gather(*(dana.ok(OPEN, {"id": snapshot}) for _ in range(8)))
    verdict = await verify()
    assert verdict.count == 8 and verdict.problems == []


async def test_the_verify_command_finds_altered_and_removed_entries(
    database_url, robin, dana, link
):
    await opened_letters(robin, dana, link, 4)
    assert await verify_command(database_url) == (
        0,
        f"The access log is intact: 4 entries, last hash {(await verify()).head}.\n",
    )
    # Someone makes an opening look earlier than it was.
    entry = await AccessLogEntry.get(position=2)
    entry.at = entry.at.replace(year=entry.at.year - 1)
    await entry.save()
    code, output = await verify_command(database_url)
    assert code == 1 and "NOT intact: 1 problem" in output
    assert "entry 2 was altered" in output
    # And removes another.
    await AccessLogEntry.filter(position=3).delete()
    code, output = await verify_command(database_url)
    assert code == 1 and "NOT intact: 2 problem" in output
    assert "entry 2 was altered" in output and "entry 3 is missing" in output


async def test_an_altered_entry_with_a_recomputed_hash_breaks_the_next_link(robin, dana, link):
    await opened_letters(robin, dana, link, 3)
    entry = await AccessLogEntry.get(position=2)
    entry.device_opened_at = "2020-01-01T00:00:00+00:00"
    entry.hash = hash_of(entry)
    await entry.save()
    assert (await verify()).problems == ["entry 3 does not follow entry 2: one of them was changed"]


async def test_removed_entries_show_as_a_gap(robin, dana, link):
    await opened_letters(robin, dana, link, 5)
    await AccessLogEntry.filter(position__in=[2, 3]).delete()
    assert (await verify()).problems == ["entries 2 to 3 are missing (removed)"]
