"""Three offline devices of one account write, trash, bring back and purge sealed letters
at random and sync in any order, through the real GraphQL app; a second account syncs
beside them.

Answers are lost and pushes resent, acknowledged pushes are replayed, people edit while
a push is on its way, and trash and purges race edits. Each device seals with the
account key and merges by line on the device (tests/sync/device.py). After everyone
syncs: every device holds the same letters, opened, as the server; every word any
device sent is in a letter, in words set aside, or in the letter's history (unless
someone purged the letter afterwards or the writer rewrote them away); nothing is
there twice; the history is exactly the changes the server took; and the other
account never receives these letters.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import uuid
from collections import Counter
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
from tests.graphql_client import error_code, gql, register, sign_in
from tests.sealed import reference
from tests.sync.device import KIND, REVISIONS, TEXT_FIELDS, Device
from tests.sync_client import PUSH, pull_all

WORDS = st.sampled_from(["tired", "the ribbon", "Tuesday", "I miss", "angry", "thank you", "ok"])
# Every piece of text a person writes carries a mark of its own, so a merge that loses
# it or applies it twice can be seen.
MARK = re.compile(r"<\d+\.\d+>")
LETTERS = 3
EXAMPLES = 30
STEPS = 30


def marks_of(content: dict) -> list[str]:
    """The marks in a letter's title and body and in the words set aside in it."""
    texts = [content.get(name) for name in TEXT_FIELDS]
    texts += [c.get("mine") for c in content.get("conflicts", [])]
    return [m for text in texts if isinstance(text, str) for m in MARK.findall(text)]


class LetterMachine(RuleBasedStateMachine):
    database_url: str = ""
    sqlite_template: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.ticks = itertools.count(1)
        self.marks = itertools.count(1)
        self.ids = itertools.count(1)
        # Marks a device rewrote away itself, by device.
        self.removed: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
        self.run(self._start())

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def new_id(self) -> str:
        """Ids in the order letters are made, so that a run can be replayed exactly."""
        return str(uuid.UUID(int=next(self.ids), version=4))

    def tick(self) -> int:
        return next(self.ticks)

    async def _start(self) -> None:
        if self.sqlite_template:
            shutil.copyfile(self.sqlite_template, Path(self.database_url.removeprefix("sqlite://")))
        else:
            await truncate_postgres(self.database_url)
        self.app = build_app(Settings(database_url=self.database_url))
        self.lifespan = LifespanManager(self.app)
        await self.lifespan.__aenter__()
        self.clients = [make_client(self.app) for _ in range(4)]
        other = self.clients[3]
        other_key = (await register(other, username="sam"))["accountKey"]
        self.stranger = Device(other, "stranger-device", other_key)
        self.stranger_letter = self.new_id()
        self.stranger.create(self.stranger_letter, self.content("a stranger's private letter"))
        await self.stranger.sync(self.tick)
        key = (await register(self.clients[0], username="robin"))["accountKey"]
        for client in self.clients[1:3]:
            await sign_in(client, "robin")
        labels = ("phone", "tablet", "computer")
        self.devices = [
            Device(c, f"device-{n:04d}", key, label)
            for n, (c, label) in enumerate(zip(self.clients[:3], labels, strict=True))
        ]

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

    # Writing, all offline.

    def mark(self, device: int, words: str) -> str:
        return f"{words} <{device}.{next(self.marks)}>"

    def content(self, words: str) -> dict:
        return {"title": words, "body": f"{words}.\n", "clientCreatedAt": "2026-05-01T21:00"}

    devices_ = st.integers(0, 2)

    @initialize(words=WORDS)
    def a_letter_every_device_has(self, words):
        first = self.devices[0]
        first.create(self.new_id(), self.content(self.mark(0, words)))
        self.run(first.sync(self.tick))
        for d in self.devices[1:]:
            self.run(d.pull())

    def _letters(self) -> set[str]:
        return {i for d in self.devices for i in d.records}

    # A few letters, so that devices keep meeting on the same ones.
    @precondition(lambda self: len(self._letters()) < LETTERS)
    @rule(device=devices_, words=WORDS)
    def write_a_new_letter(self, device, words):
        self.devices[device].create(self.new_id(), self.content(self.mark(device, words)))

    def _pick(self, device: int, pick: int, ids) -> str | None:
        return ids[pick % len(ids)] if ids else None

    @precondition(lambda self: any(d.live_ids() for d in self.devices))
    @rule(device=devices_, pick=st.integers(0, 50), words=WORDS, append=st.booleans())
    def edit_a_title(self, device, pick, words, append):
        d = self.devices[device]
        letter = self._pick(device, pick, d.live_ids())
        if letter is None:
            return
        title = d.records[letter].fields.get("title", "")
        if append:
            title = f"{title} {self.mark(device, words)}"
        else:
            self._rewritten(device, title)
            title = self.mark(device, words)
        d.edit(letter, {"title": title})

    @precondition(lambda self: any(d.live_ids() for d in self.devices))
    @rule(
        device=devices_,
        pick=st.integers(0, 50),
        words=WORDS,
        how=st.sampled_from(["append", "insert", "rewrite"]),
        where=st.integers(0, 20),
    )
    def edit_a_body(self, device, pick, words, how, where):
        d = self.devices[device]
        letter = self._pick(device, pick, d.live_ids())
        if letter is None:
            return
        self._edit_body(device, letter, words, how, where)

    def _edit_body(self, device, letter, words, how, where):
        d = self.devices[device]
        lines = d.records[letter].fields.get("body", "").splitlines(keepends=True)
        line = f"{self.mark(device, words)}.\n"
        if how == "append" or not lines:
            lines.append(line)
        elif how == "insert":
            lines.insert(where % (len(lines) + 1), line)
        else:
            at = where % len(lines)
            self._rewritten(device, lines[at])
            lines[at] = line
        d.edit(letter, {"body": "".join(lines)})

    def _rewritten(self, device: int, text: str) -> None:
        self.removed[device] |= {m for m in MARK.findall(text) if m.startswith(f"<{device}.")}

    @precondition(lambda self: any(d.live_ids() for d in self.devices))
    @rule(device=devices_, pick=st.integers(0, 50))
    def trash(self, device, pick):
        d = self.devices[device]
        letter = self._pick(device, pick, d.live_ids())
        if letter is not None:
            d.trash(letter)

    def _in_trash(self, d: Device) -> list[str]:
        return [i for i in d.trashed_ids() if all(e.op != "purge" for e in d.entries_of(i))]

    @precondition(lambda self: any(self._in_trash(d) for d in self.devices))
    @rule(device=devices_, pick=st.integers(0, 50))
    def bring_back(self, device, pick):
        d = self.devices[device]
        letter = self._pick(device, pick, self._in_trash(d))
        if letter is not None:
            d.bring_back(letter)

    @precondition(lambda self: any(self._in_trash(d) for d in self.devices))
    @rule(device=devices_, pick=st.integers(0, 50))
    def purge(self, device, pick):
        d = self.devices[device]
        letter = self._pick(device, pick, self._in_trash(d))
        if letter is not None:
            d.purge(letter)

    # Syncing.

    @rule(device=devices_, lose=st.booleans())
    def sync(self, device, lose):
        d = self.devices[device]
        in_flight = [e.mutation_id for e in d.outbox if e.mutation_id is not None]
        before = len(d.sent)
        self.run(d.sync(self.tick, lose_answer=lose))
        # Resent after a lost answer: taken once already, so answered DUPLICATE.
        resent = {s.mutation["mutationId"]: s.status for s in d.sent[before:]}
        assert all(resent[i] == "DUPLICATE" for i in in_flight), resent

    @precondition(lambda self: any(d.live_ids() for d in self.devices))
    @rule(device=devices_, pick=st.integers(0, 50), words=WORDS, where=st.integers(0, 20))
    def edit_while_a_push_is_answered(self, device, pick, words, where):
        d = self.devices[device]
        letter = self._pick(device, pick, d.live_ids())
        if letter is None:
            return

        def meanwhile():
            if letter in d.records and not d.records[letter].deleted:
                self._edit_body(device, letter, words, "insert", where)

        self.run(d.sync(self.tick, meanwhile=meanwhile))

    @rule(device=devices_)
    def pull_only(self, device):
        self.run(self.devices[device].pull())

    @precondition(lambda self: any(d.last_answered for d in self.devices))
    @rule(device=devices_)
    def replay_an_answered_push(self, device):
        d = self.devices[device]
        if not d.last_answered:
            return
        before, _ = self.run(pull_all(d.client))
        result = self.run(
            gql(d.client, PUSH, {"device": d.device_id, "mutations": d.last_answered})
        )
        assert {r["status"] for r in result["data"]["push"]["results"]} == {"DUPLICATE"}
        after, _ = self.run(pull_all(d.client))
        assert after == before

    @invariant()
    def no_device_receives_another_accounts_letters(self):
        for d in getattr(self, "devices", []):
            assert self.stranger_letter not in d.seen_ids
            assert not d.seen_envelopes & self.stranger.seen_envelopes

    # After everyone syncs.

    async def _settle_and_check(self) -> None:
        for _ in range(3):
            for d in self.devices:
                await d.sync(self.tick)
        for d in self.devices:
            assert d.settled(), d.device_id
            await d.pull()
        server, _ = await pull_all(self.devices[0].client)
        held = {
            i: (r["deleted"], reference.open_record(d.key, i, KIND, r["format"], r["sealed"]))
            for i, r in server.items()
            if r["sealed"] is not None
        }
        for d in self.devices:
            assert {i: (r.deleted, r.fields) for i, r in d.records.items()} == held, d.device_id
        for _, content in held.values():
            for name in TEXT_FIELDS:
                counts = Counter(MARK.findall(content.get(name, "")))
                assert all(n == 1 for n in counts.values()), ("twice", content)
        kept = {m for _, content in held.values() for m in marks_of(content)}
        kept |= await self._history_is_what_the_server_took(server)
        for d in self.devices:
            for sent in d.sent:
                # A resend answered DUPLICATE wrote nothing: its first sending counts.
                if sent.content is None or sent.status == "DUPLICATE":
                    continue
                if self._purged_after(sent.record_id, sent.tick):
                    continue
                for m in marks_of(sent.content):
                    writer = int(m[1 : m.index(".")])
                    assert m in kept or m in self.removed[writer], (m, d.device_id, sent)
        await self._the_other_account_never_receives_them()

    def _purges(self) -> dict[str, int]:
        """When each letter was last deleted for good (every answer known, lost or not)."""
        purged: dict[str, int] = {}
        for d in self.devices:
            for s in d.sent:
                if s.op == "purge" and s.status == "APPLIED":
                    purged[s.record_id] = max(purged.get(s.record_id, 0), s.tick)
        return purged

    def _purged_after(self, letter: str, tick: int) -> bool:
        return self._purges().get(letter, 0) > tick

    async def _history_is_what_the_server_took(self, server: dict) -> set[str]:
        """Each letter's revisions are exactly the upserts the server applied since it
        was last purged, each sealed as its device sent it; returns the marks in them."""
        d = self.devices[0]
        marks: set[str] = set()
        for letter in server:
            taken = {
                s.version: (device.device_id, s.content)
                for device in self.devices
                for s in device.sent
                if s.record_id == letter
                and s.op == "upsert"
                and s.status == "APPLIED"
                and not self._purged_after(letter, s.tick)
            }
            result = await gql(d.client, REVISIONS, {"id": letter})
            assert "errors" not in result, result
            revisions = result["data"]["letterRevisions"]
            assert [r["version"] for r in revisions] == sorted(taken, reverse=True)
            for revision in revisions:
                content = reference.open_record(
                    d.key, letter, KIND, revision["format"], revision["sealed"]
                )
                assert (revision["deviceId"], content) == taken[revision["version"]]
                marks |= set(marks_of(content))
        return marks

    async def _the_other_account_never_receives_them(self) -> None:
        stranger = self.stranger
        await stranger.pull()
        assert stranger.seen_ids == {self.stranger_letter}
        theirs = {s.mutation.get("sealed") for d in self.devices for s in d.sent} - {None}
        assert not stranger.seen_envelopes & theirs
        letters = {s.record_id for d in self.devices for s in d.sent}
        for letter in sorted(letters)[:3]:
            result = await gql(stranger.client, REVISIONS, {"id": letter})
            assert error_code(result) == "NOT_FOUND", result
        mine = await gql(self.devices[0].client, REVISIONS, {"id": self.stranger_letter})
        assert error_code(mine) == "NOT_FOUND", mine


def run_machine(database_url: str, template: str | None) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    machine = type(
        "LetterMachineRun",
        (LetterMachine,),
        {"database_url": database_url, "sqlite_template": template},
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_three_offline_devices_converge_without_losing_a_word(database_url, request):
    template = None
    if database_url.startswith("sqlite://"):
        template = request.getfixturevalue("sqlite_template")
    run_machine(database_url, template)
