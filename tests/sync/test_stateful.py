"""Three offline devices of one account, editing at random and syncing in any order.

Pushes lose their responses and are retried, pushes are repeated, and deletes race
edits, all through the real GraphQL app. After everyone syncs, every device matches
the server, and every text any device ever pushed is in a letter or its history.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from server.settings import Settings
from tests.conftest import build_app, make_client, truncate_postgres
from tests.graphql_client import gql, register, sign_in
from tests.sync.device import Device
from tests.sync_client import PUSH, new_id, pull_all

WORDS = st.sampled_from(
    ["tired", "the ribbon", "Tuesday", "I miss", "angry", "thank you", "the dream", "ok"]
)
STRANGER_TEXT = "a stranger's private letter"


class SyncMachine(RuleBasedStateMachine):
    database_url: str = ""
    sqlite_template: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.run(self._start())

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    async def _start(self) -> None:
        if self.sqlite_template:
            shutil.copyfile(self.sqlite_template, Path(self.database_url.removeprefix("sqlite://")))
        else:
            await truncate_postgres(self.database_url)
        self.app = build_app(Settings(database_url=self.database_url))
        self.lifespan = LifespanManager(self.app)
        await self.lifespan.__aenter__()
        self.clients = [make_client(self.app) for _ in range(4)]
        stranger = self.clients[3]
        await register(stranger, username="stranger")
        self.stranger_letter = new_id()
        await gql(
            stranger,
            PUSH,
            {
                "device": "stranger-device",
                "mutations": [
                    {
                        "mutationId": 1,
                        "kind": "letter",
                        "op": "upsert",
                        "recordId": self.stranger_letter,
                        "fields": {"body": STRANGER_TEXT},
                    }
                ],
            },
        )
        await register(self.clients[0], username="robin")
        for client in self.clients[1:3]:
            await sign_in(client, "robin")
        self.devices = [Device(c, f"device-{n:04d}") for n, c in enumerate(self.clients[:3])]

    def teardown(self) -> None:
        try:
            self.run(self._settle_and_check())
        finally:
            self.run(self._stop())
            self.loop.close()

    async def _stop(self) -> None:
        for client in self.clients:
            await client.aclose()
        await self.lifespan.__aexit__(None, None, None)

    devices_ = st.integers(0, 2)

    @initialize()
    def nothing_yet(self) -> None:
        pass

    @rule(device=devices_, words=WORDS)
    def write_a_new_letter(self, device, words):
        self.devices[device].create(new_id(), {"title": words, "body": f"{words}.\n"})

    @precondition(lambda self: any(d.live_ids() for d in self.devices))
    @rule(
        device=devices_,
        pick=st.integers(0, 50),
        words=WORDS,
        where=st.sampled_from(["end", "start", "replace"]),
    )
    def edit_a_letter(self, device, pick, words, where):
        d = self.devices[device]
        ids = d.live_ids()
        if not ids:
            return
        record_id = ids[pick % len(ids)]
        body = d.records[record_id]["fields"].get("body", "")
        if where == "end":
            body = f"{body}{words} ({d.device_id}).\n"
        elif where == "start":
            body = f"{words}, {d.device_id}: {body}"
        else:
            body = f"{words} instead, says {d.device_id}.\n"
        d.edit(record_id, {"body": body})

    @rule(device=devices_, pick=st.integers(0, 50))
    def delete_a_letter(self, device, pick):
        d = self.devices[device]
        ids = d.live_ids()
        if ids:
            d.delete(ids[pick % len(ids)])

    @rule(device=devices_, lose=st.booleans())
    def sync(self, device, lose):
        self.run(self.devices[device].sync(lose_response=lose))

    @rule(device=devices_)
    def pull_only(self, device):
        self.run(self.devices[device].pull())

    @precondition(lambda self: any(d.last_sent for d in self.devices))
    @rule(device=devices_)
    def repeat_an_acknowledged_push(self, device):
        d = self.devices[device]
        if not d.last_sent:
            return
        before, _ = self.run(pull_all(d.client))
        result = self.run(gql(d.client, PUSH, {"device": d.device_id, "mutations": d.last_sent}))
        statuses = {r["status"] for r in result["data"]["push"]["results"]}
        assert statuses == {"DUPLICATE"}
        after, _ = self.run(pull_all(d.client))
        assert after == before

    @invariant()
    def no_device_sees_another_accounts_records(self):
        for d in getattr(self, "devices", []):
            assert self.stranger_letter not in d.records

    async def _settle_and_check(self) -> None:
        for _ in range(4):
            for d in self.devices:
                await d.sync()
        for d in self.devices:
            assert d.settled(), d.device_id
            await d.pull()
        server, _ = await pull_all(self.devices[0].client)
        for d in self.devices:
            mine = {i: (r["deleted"], r["fields"]) for i, r in d.records.items()}
            theirs = {i: (r["deleted"], r["fields"]) for i, r in server.items()}
            assert mine == theirs, d.device_id
        export = (await gql(self.devices[0].client, "{ exportMyData }"))["data"]["exportMyData"]
        kept = {(v["letterId"], v["body"]) for v in export["letterRevisions"]}
        kept |= {(r["id"], r["fields"].get("body")) for r in export["records"]}
        for d in self.devices:
            for pushed in d.pushed_bodies:
                assert pushed in kept, pushed
        assert STRANGER_TEXT not in str(export)


def run_machine(database_url: str, template: str | None) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type(
        "SyncMachineRun",
        (SyncMachine,),
        {"database_url": database_url, "sqlite_template": template},
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_three_offline_devices_converge_without_losing_a_word(database_url, request):
    template = None
    if database_url.startswith("sqlite://"):
        template = request.getfixturevalue("sqlite_template")
    run_machine(database_url, template)
