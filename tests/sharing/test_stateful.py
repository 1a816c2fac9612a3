"""Random links, shares (now and held), cancels, deliveries, withdrawals, resends, unlinks
and letter edits, through the real app, with the server's clock moved by hand.

After every step, each therapist's device pulls, and what it can see (its live
`shared_letter` records) must be exactly the delivered, not withdrawn shares from the
clients it is linked with now, each with the letter's words as they were when shared.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from datetime import timedelta

from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from limits import parse

from server import clock
from server.auth.throttle import GuessLimits
from server.settings import Settings
from server.sharing.shares import deliver_due
from tests.conftest import build_app, truncate_postgres
from tests.graphql_client import error_code
from tests.sharing.people import (
    CANCEL,
    MY_SHARES,
    RESEND,
    UNLINK,
    WITHDRAW,
    Person,
    connect,
    share,
    sign_up,
)

WORDS = st.sampled_from(["tired", "the ribbon", "Tuesday", "I miss you", "angry", "thank you"])
_runs = itertools.count()


@dataclass
class Shared:
    letter: str
    client: int
    therapist: int
    title: str
    body: str
    note: str
    status: str
    deliver_at: object


class SharingMachine(RuleBasedStateMachine):
    # Set by the test: one running app for every example, and its event loop.
    app = None
    loop: asyncio.AbstractEventLoop

    def __init__(self) -> None:
        super().__init__()
        self.real_source = clock.source
        self.moment = self.real_source()
        clock.source = lambda: self.moment
        run = next(_runs)
        self.clients: list[Person] = [
            self.run(sign_up(self.app, f"c{run}x{n}", "CLIENT", f"Client {n}")) for n in range(2)
        ]
        self.therapists: list[Person] = [
            self.run(sign_up(self.app, f"t{run}x{n}", "THERAPIST", f"T {n}")) for n in range(2)
        ]
        self.links: dict[tuple[int, int], str] = {}
        self.letters: dict[str, tuple[int, str, str]] = {}  # id: (client, title, body)
        self.shares: dict[str, Shared] = {}
        self.notes = itertools.count()

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        try:
            # Checked once at the end, to keep each step quick.
            self.clients_see_their_shares_status_and_nothing_of_the_therapist()
        finally:
            clock.source = self.real_source
            for person in self.clients + self.therapists:
                self.run(person.http.aclose())

    people = st.integers(0, 1)

    @initialize()
    def nothing_yet(self) -> None:
        pass

    # Letters.

    @rule(client=people, title=WORDS, body=WORDS)
    def write_a_letter(self, client, title, body):
        letter = self.run(self.clients[client].write(title, f"{body}.\n"))
        self.letters[letter] = (client, title, f"{body}.\n")

    @precondition(lambda self: self.letters)
    @rule(pick=st.integers(0, 99), words=WORDS)
    def edit_a_letter(self, pick, words):
        letter = sorted(self.letters)[pick % len(self.letters)]
        client, title, body = self.letters[letter]
        body = f"{body}{words}.\n"
        self.run(self.clients[client].write(title, body, letter))
        self.letters[letter] = (client, title, body)

    # Links.

    @rule(client=people, therapist=people)
    def link(self, client, therapist):
        if (client, therapist) not in self.links:
            self.links[client, therapist] = self.run(
                connect(self.clients[client], self.therapists[therapist])
            )

    @precondition(lambda self: self.links)
    @rule(pick=st.integers(0, 99), by_therapist=st.booleans())
    def unlink(self, pick, by_therapist):
        pair = sorted(self.links)[pick % len(self.links)]
        person = self.therapists[pair[1]] if by_therapist else self.clients[pair[0]]
        self.run(person.ok(UNLINK, {"id": self.links.pop(pair)}))
        for shared in self.shares.values():
            if (shared.client, shared.therapist) == pair:
                shared.status = {"HELD": "CANCELLED", "DELIVERED": "WITHDRAWN"}.get(
                    shared.status, shared.status
                )

    # Shares.

    def _shareable(self):
        return [
            (letter, client, therapist)
            for letter, (client, _, _) in sorted(self.letters.items())
            for (linked_client, therapist) in sorted(self.links)
            if linked_client == client
        ]

    @precondition(lambda self: self._shareable())
    @rule(pick=st.integers(0, 999), hours=st.one_of(st.none(), st.integers(1, 48)))
    def share_a_letter(self, pick, hours):
        """Now (hours is None), or held until a time some hours ahead."""
        choices = self._shareable()
        letter, client, therapist = choices[pick % len(choices)]
        note = f"note {next(self.notes)}"
        extra = {"note": note}
        if hours is not None:
            extra["deliverAt"] = (self.moment + timedelta(hours=hours)).isoformat()
        answer = self.run(
            share(
                self.clients[client],
                letter,
                self.links[client, therapist],
                "NOW" if hours is None else "AT_TIME",
                **extra,
            )
        )
        _, title, body = self.letters[letter]
        status = "DELIVERED" if hours is None else "HELD"
        assert answer["status"] == status
        deliver_at = None if hours is None else self.moment + timedelta(hours=hours)
        self.shares[answer["id"]] = Shared(
            letter, client, therapist, title, body, note, status, deliver_at
        )

    def _pick_share(self, pick):
        ids = sorted(self.shares)
        return ids[pick % len(ids)]

    def _end(self, pick: int, query: str, allowed: str, becomes: str) -> None:
        """Cancel or withdraw: only a share in the `allowed` state may; any other gets
        the error that names its own state."""
        share_id = self._pick_share(pick)
        shared = self.shares[share_id]
        result = self.run(self.clients[shared.client].ask(query, {"id": share_id}))
        refusals = {
            "HELD": "NOT_DELIVERED",
            "DELIVERED": "ALREADY_DELIVERED",
            "WITHDRAWN": "ALREADY_WITHDRAWN",
            "CANCELLED": "ALREADY_CANCELLED",
        }
        expected = None if shared.status == allowed else refusals[shared.status]
        assert error_code(result) == expected, result
        if expected is None:
            shared.status = becomes

    @precondition(lambda self: self.shares)
    @rule(pick=st.integers(0, 999))
    def cancel(self, pick):
        self._end(pick, CANCEL, "HELD", "CANCELLED")

    @precondition(lambda self: self.shares)
    @rule(pick=st.integers(0, 999))
    def withdraw(self, pick):
        self._end(pick, WITHDRAW, "DELIVERED", "WITHDRAWN")

    @precondition(lambda self: self.shares)
    @rule(pick=st.integers(0, 999))
    def resend(self, pick):
        share_id = self._pick_share(pick)
        shared = self.shares[share_id]
        client = self.clients[shared.client]
        variables = self.run(client.resend({"id": share_id, "letterId": shared.letter}))
        result = self.run(client.ask(RESEND, variables))
        if shared.status in ("WITHDRAWN", "CANCELLED"):
            assert error_code(result) == f"ALREADY_{shared.status}", result
            return
        assert "errors" not in result, result
        _, shared.title, shared.body = self.letters[shared.letter]

    @rule(hours=st.integers(0, 30))
    def time_passes_and_the_job_runs(self, hours):
        self.moment += timedelta(hours=hours)
        delivered = {str(i) for i in self.run(deliver_due(self.app.state.pokes))}
        due = {
            share_id
            for share_id, shared in self.shares.items()
            if shared.status == "HELD" and shared.deliver_at <= self.moment
        }
        # Shares of earlier examples may fall due too; this example's must be exactly these.
        assert delivered & set(self.shares) == due
        for share_id in due:
            self.shares[share_id].status = "DELIVERED"

    # What must always hold.

    @invariant()
    def each_therapist_sees_exactly_what_was_delivered_and_not_withdrawn(self):
        for index, therapist in enumerate(self.therapists):
            seen = {
                (f["clientId"], f["note"]): (f["title"], f["body"])
                for f in self.run(therapist.snapshots()).values()
            }
            expected = {
                (self.clients[s.client].id, s.note): (s.title, s.body)
                for s in self.shares.values()
                if s.therapist == index and s.status == "DELIVERED"
            }
            assert seen == expected, therapist.username
            linked = {self.clients[c].id for (c, t) in self.links if t == index}
            assert {client for client, _ in seen} <= linked
            assert {r.get("kind") for r in therapist.feed.values()} <= {"shared_letter"}

    def clients_see_their_shares_status_and_nothing_of_the_therapist(self):
        for index, client in enumerate(self.clients):
            mine = self.run(client.ok(MY_SHARES))["myShares"]
            expected = {i: s.status for i, s in self.shares.items() if s.client == index}
            assert {s["id"]: s["status"] for s in mine} == expected
            assert all(r["kind"] != "shared_letter" for r in self.run(client.pull()))


async def _start(database_url: str):
    if not database_url.startswith("sqlite://"):
        await truncate_postgres(database_url)
    app = build_app(Settings(database_url=database_url))
    # One app serves every example, each with new accounts (and code guesses) from the
    # same address.
    plenty = parse("100000/minute")
    app.state.accounts.throttle.limits = GuessLimits(plenty, plenty, plenty, plenty)
    lifespan = LifespanManager(app)
    await lifespan.__aenter__()
    return app, lifespan


def test_therapists_see_exactly_the_delivered_snapshots(database_url):
    loop = asyncio.new_event_loop()
    try:
        app, lifespan = loop.run_until_complete(_start(database_url))
        try:
            machine = type("SharingRun", (SharingMachine,), {"app": app, "loop": loop})
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=30,
                    stateful_step_count=20,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                ),
            )
        finally:
            loop.run_until_complete(lifespan.__aexit__(None, None, None))
    finally:
        loop.close()
