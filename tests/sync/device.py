"""A model device that syncs letters the way the PWA must: the reference client for tests.

Letters are sealed: the server holds envelopes it cannot open and takes a change only on
the record's current version. So, as pwa/src/outbox.js and rebase.js do:

- Unsent edits to one record collapse into one pending change, which keeps the version
  and the content (`base_content`) the first of them was made on.
- Once sent, a change is frozen with its id and its whole content: a retry after a
  lost answer sends exactly the same words, and later changes queue behind it, based
  on what the answer says the server then holds.
- STALE: the device opens `current` and merges three ways, by line, with `merge3`:
  base = what its change was made on, mine = what it shows, theirs = `current`. Where
  the merge is unclean the other device's words stay and this device's are appended to
  `conflicts`. The merged content replaces every pending change of the record, based
  on `current`'s version. A stale delete or purge is dropped (an edit beats a delete).
- A letter deleted for good elsewhere goes from the device, unless a change of its own
  is pending: then its copy stays, is sent whole on the new version, and comes back.
- DUPLICATE: the server took that change once and its answer was lost. An edit may
  have been APPLIED or STALE, so the device cannot know whether its words were written:
  it sends what it shows again on the same base, which the server answers STALE, and
  the merge then keeps its words once, whichever it was. A creation can only have been
  applied. What the server holds after a delete or purge comes with the next pull.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import merge3

from tests.graphql_client import gql
from tests.sealed import reference
from tests.sync_client import PUSH, pull_in_order

KIND = "letter"
FORMAT = 1
TEXT_FIELDS = ("title", "body")
REVISIONS = """
query Revisions($id: ID!) {
  letterRevisions(letterId: $id) { id version sealed format deviceId createdAt }
}
"""
_START = datetime(2026, 5, 1, 21, 0, tzinfo=UTC)


# The device's merge (pwa/src/merge.js and rebase.js), in Python.


def lines(text: str) -> list[str]:
    """Lines with their line breaks, so joining them gives back the text exactly."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def merge_text(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """(text, clean): the merge by line when clean, else `theirs` unchanged."""
    if mine in (theirs, base):
        return theirs, True
    if theirs == base:
        return mine, True
    merged: list[str] = []
    a, o, b = lines(mine), lines(base), lines(theirs)
    for region in merge3.Merge3(o, a, b).merge_regions():
        what = region[0]
        if what == "conflict":
            return theirs, False
        if what == "unchanged":
            merged.extend(o[region[1] : region[2]])
        elif what in ("a", "same"):
            merged.extend(a[region[1] : region[2]])
        else:
            merged.extend(b[region[1] : region[2]])
    return "".join(merged), True


def merge_content(base: dict, mine: dict, theirs: dict) -> tuple[dict, list[dict]]:
    """Field by field: text fields by line; any other field changed on both sides keeps
    theirs. Returns the content and the fields whose value from this device was set aside."""
    content = dict(theirs)
    conflicts = []
    for name in dict.fromkeys([*mine, *theirs]):
        o, a, b = base.get(name), mine.get(name), theirs.get(name)
        if a in (b, o):
            continue
        if b == o:
            content[name] = a
            continue
        if name in TEXT_FIELDS and isinstance(a, str) and isinstance(b, str):
            text, clean = merge_text(o if isinstance(o, str) else "", a, b)
            content[name] = text
            if clean:
                continue
        conflicts.append({"field": name, "mine": a})
    return content, conflicts


def merge_conflicts(base: list, mine: list, theirs: list, added: list) -> list:
    """One let go on either side stays gone, one added on either side stays, and this
    merge's come last."""
    kept = [c for c in theirs if c in mine or c not in base]
    mine_only = [c for c in mine if c not in base and c not in kept]
    return [*kept, *mine_only, *added]


def without_conflicts(content: dict) -> dict:
    return {k: v for k, v in content.items() if k != "conflicts"}


# The device.


@dataclass
class Record:
    version: int | None = None
    server: dict = field(default_factory=dict)
    server_deleted: bool = False
    # The server holds no envelope: the letter was deleted for good.
    erased: bool = False
    fields: dict = field(default_factory=dict)
    deleted: bool = False


@dataclass
class Entry:
    seq: int
    record_id: str
    op: str
    fields: dict
    base_version: int | None
    base_content: dict | None
    awaits_base: bool
    mutation_id: int | None = None
    content: dict | None = None


@dataclass
class Current:
    """A STALE answer's record, opened: `content` is None when it was deleted for good."""

    version: int
    deleted: bool
    content: dict | None


@dataclass
class Sent:
    """One change as it went out, and the answer, when it came back."""

    tick: int
    record_id: str
    op: str
    mutation: dict
    content: dict | None
    status: str
    version: int | None
    lost: bool


@dataclass
class Device:
    client: object
    device_id: str
    key: bytes
    label: str = "phone"
    records: dict[str, Record] = field(default_factory=dict)
    outbox: list[Entry] = field(default_factory=list)
    next_mutation_id: int = 1
    cursor: str | None = None
    sent: list[Sent] = field(default_factory=list)
    last_answered: list[dict] = field(default_factory=list)
    # Letters for which a change of this device has been answered.
    answered: set[str] = field(default_factory=set)
    seen_ids: set[str] = field(default_factory=set)
    seen_envelopes: set[str] = field(default_factory=set)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _moments: itertools.count = field(default_factory=itertools.count)

    # What the person does, all offline.

    def create(self, record_id: str, content: dict) -> None:
        self._change(record_id, "upsert", dict(content))

    def edit(self, record_id: str, changes: dict) -> None:
        self._change(record_id, "upsert", dict(changes))

    def trash(self, record_id: str) -> None:
        record = self.records[record_id]
        entries = self.entries_of(record_id)
        if record.version is None and all(e.mutation_id is None for e in entries):
            # Never reached the server: nothing to tell it, nothing to keep.
            del self.records[record_id]
            self.outbox = [e for e in self.outbox if e.record_id != record_id]
            return
        self._change(record_id, "delete", {})

    def bring_back(self, record_id: str) -> None:
        """Out of the trash: an upsert of the letter as it is, on the tombstone's version."""
        self._change(record_id, "upsert", {})

    def purge(self, record_id: str) -> None:
        self._change(record_id, "purge", {})

    def live_ids(self) -> list[str]:
        return sorted(i for i, r in self.records.items() if not r.deleted)

    def trashed_ids(self) -> list[str]:
        return sorted(i for i, r in self.records.items() if r.deleted)

    def entries_of(self, record_id: str) -> list[Entry]:
        return [e for e in self.outbox if e.record_id == record_id]

    def _change(self, record_id: str, op: str, fields: dict) -> None:
        record = self.records.setdefault(record_id, Record())
        entries = self.entries_of(record_id)
        last = entries[-1] if entries else None
        if op == "upsert" and last and last.op == "upsert" and last.mutation_id is None:
            last.fields.update(fields)
        else:
            waiting = bool(entries)
            self.outbox.append(
                Entry(
                    next(self._seq),
                    record_id,
                    op,
                    fields,
                    base_version=None if waiting else record.version,
                    # The merge after a STALE answer needs the content this was made on.
                    base_content=None if waiting else dict(record.server),
                    awaits_base=waiting,
                )
            )
        self._show(record_id)

    def _show(self, record_id: str) -> None:
        """What the person sees: the server's record with every pending change on top.
        A letter deleted for good on the server, with nothing pending here, goes."""
        record = self.records[record_id]
        if record.erased and record.server_deleted and not self.entries_of(record_id):
            del self.records[record_id]
            return
        record.fields = dict(record.server)
        record.deleted = record.server_deleted
        for entry in self.entries_of(record_id):
            if entry.op == "upsert":
                record.fields.update(entry.fields)
                record.deleted = False
            else:
                record.deleted = True

    # Pushing.

    def take_batch(self) -> list[Entry]:
        """What is in flight, resent unchanged, then the oldest ready change of each
        record, frozen with its id and whole content."""
        batch = sorted((e for e in self.outbox if e.mutation_id), key=lambda e: e.mutation_id)
        busy = {e.record_id for e in batch}
        for entry in sorted(self.outbox, key=lambda e: e.seq):
            if entry.mutation_id is not None or entry.record_id in busy:
                continue
            busy.add(entry.record_id)
            if entry.awaits_base:
                continue
            entry.mutation_id = self.next_mutation_id
            self.next_mutation_id += 1
            if entry.op == "upsert":
                if entry.base_content is None:
                    entry.base_content = dict(self.records[entry.record_id].server)
                entry.content = {**entry.base_content, **entry.fields}
            batch.append(entry)
        return batch

    def mutation_of(self, entry: Entry) -> dict:
        mutation = {
            "mutationId": entry.mutation_id,
            "kind": KIND,
            "op": entry.op,
            "recordId": entry.record_id,
            "baseVersion": entry.base_version,
            "fields": None,
        }
        if entry.op == "upsert":
            # Sealed again on every resend (a fresh salt): the same words, new bytes.
            sealed = reference.seal_record(self.key, entry.record_id, KIND, FORMAT, entry.content)
            mutation |= {"sealed": sealed, "format": FORMAT}
        return mutation

    async def push(
        self, tick: int, *, lose_answer: bool = False, meanwhile: Callable[[], None] | None = None
    ) -> dict | None:
        """Send the next batch. `lose_answer`: the server takes it, the answer never
        arrives. `meanwhile`: the person edits while the answer is on its way."""
        batch = self.take_batch()
        if not batch:
            return None
        mutations = [self.mutation_of(e) for e in batch]
        result = await gql(self.client, PUSH, {"device": self.device_id, "mutations": mutations})
        assert "errors" not in result, result
        answer = result["data"]["push"]
        for entry, mutation, outcome in zip(batch, mutations, answer["results"], strict=True):
            self.sent.append(
                Sent(
                    tick,
                    entry.record_id,
                    entry.op,
                    mutation,
                    entry.content,
                    outcome["status"],
                    outcome["version"],
                    lost=lose_answer,
                )
            )
        if meanwhile is not None:
            meanwhile()
        if lose_answer:
            return answer
        self.last_answered = mutations
        self.settle(batch, answer["results"])
        return answer

    def settle(self, batch: list[Entry], results: list[dict]) -> None:
        by_id = {e.mutation_id: e for e in batch}
        for result in results:
            entry = by_id[result["mutationId"]]
            status = result["status"]
            assert status in ("APPLIED", "STALE", "DUPLICATE", "REJECTED"), result
            if status == "REJECTED":
                # Another device brought the letter back before this purge arrived.
                assert (entry.op, result["code"]) == ("purge", "NOT_IN_TRASH"), result
            # The first change of a letter made here is its creation, which the server
            # can only have applied.
            created = entry.op == "upsert" and entry.base_version is None
            created = created and entry.record_id not in self.answered
            self.answered.add(entry.record_id)
            if status == "DUPLICATE" and entry.op == "upsert" and not created:
                self._again_on_the_same_base(entry)
                continue
            self.outbox.remove(entry)
            rest = self.entries_of(entry.record_id)
            if status == "STALE":
                self._rebase(entry, rest, self._open_current(result["current"]))
                continue
            applied = status == "APPLIED"
            if rest and rest[0].awaits_base:
                # Based on what the server holds after this change: its words if taken.
                following = rest[0]
                following.base_version = result["version"] if applied else entry.base_version
                taken = (applied or created) and entry.op == "upsert"
                following.base_content = dict(entry.content if taken else entry.base_content or {})
                following.awaits_base = False
            record = self.records.get(entry.record_id)
            if record is None:
                continue
            # Otherwise (DUPLICATE, REJECTED) the pull says what the server holds: it
            # took this change before any pull that came after it.
            if applied and entry.op == "upsert":
                record.server, record.server_deleted = dict(entry.content), False
                record.erased = False
            elif applied and entry.op == "delete":
                record.server_deleted = True
            elif applied and entry.op == "purge":
                record.server_deleted = record.erased = True
            elif created and record.version is None:
                record.server = dict(entry.content)
            if applied:
                record.version = max(record.version or 0, result["version"])
            self._show(entry.record_id)

    def _again_on_the_same_base(self, entry: Entry) -> None:
        """The change in its place again, unfrozen: what the device shows, sent whole on
        the same base, so the server answers STALE and the merge decides."""
        record = self.records[entry.record_id]
        entry.mutation_id = None
        entry.fields = {k: v for k, v in record.fields.items()}
        entry.content = None
        self._show(entry.record_id)

    def _open_current(self, current: dict) -> Current:
        if current["sealed"] is None:
            assert current["deleted"], current
            return Current(current["version"], True, None)
        self.seen_envelopes.add(current["sealed"])
        content = reference.open_record(
            self.key, current["id"], current["kind"], current["format"], current["sealed"]
        )
        return Current(current["version"], current["deleted"], content)

    def _rebase(self, entry: Entry, rest: list[Entry], current: Current) -> None:
        """STALE: merge on this device, and replace the record's pending changes with
        what follows from the merge, based on the server's version."""
        for other in rest:
            self.outbox.remove(other)
        record = self.records[entry.record_id]
        # What the person sees, every pending change on top (not yet recomputed).
        shown, deleted = dict(record.fields), record.deleted
        edited = any(e.op == "upsert" for e in [entry, *rest])
        record.version = current.version
        record.server_deleted = current.deleted
        record.erased = current.content is None
        if current.content is not None:
            record.server = dict(current.content)
        chain: list[tuple[str, dict, dict]] = []
        if deleted and not edited:
            # A delete or purge made while someone changed the letter elsewhere is
            # dropped (an edit beats a delete): the letter shows the other's words, and
            # nothing is erased that this device has not seen.
            pass
        elif current.content is None:
            # Deleted for good elsewhere: this device's copy is sent whole, so its words
            # come back with it.
            chain.append(("upsert", shown, {}))
        else:
            theirs = current.content
            changed = self._merged(entry.base_content or {}, shown, theirs)
            # An edit beats a delete: a letter deleted elsewhere comes back with these words.
            if changed or (current.deleted and not deleted):
                chain.append(("upsert", changed, dict(theirs)))
        if deleted and edited and (chain or not current.deleted):
            # Edited, then trashed here: the words go to the trash with the letter.
            chain.append(("delete", {}, {}))
        for n, (op, fields, base_content) in enumerate(chain):
            self.outbox.append(
                Entry(
                    next(self._seq),
                    entry.record_id,
                    op,
                    fields,
                    base_version=None if n else current.version,
                    base_content=None if n else base_content,
                    awaits_base=bool(n),
                )
            )
        self._show(entry.record_id)

    def _merged(self, base: dict, mine: dict, theirs: dict) -> dict:
        """The fields whose merged value differs from `theirs`, conflicts included."""
        merged, set_aside = merge_content(
            without_conflicts(base), without_conflicts(mine), without_conflicts(theirs)
        )
        at = self._moment()
        added = [
            {**c, "at": at, "device": self.device_id, "label": self.label, "editedAt": at}
            for c in set_aside
        ]
        conflicts = merge_conflicts(
            base.get("conflicts", []),
            mine.get("conflicts", []),
            theirs.get("conflicts", []),
            added,
        )
        if conflicts or "conflicts" in theirs:
            merged["conflicts"] = conflicts
        return {k: v for k, v in merged.items() if theirs.get(k) != v}

    def _moment(self) -> str:
        return (_START + timedelta(seconds=next(self._moments))).isoformat()

    # Pulling.

    async def pull(self) -> None:
        records, self.cursor = await pull_in_order(self.client, self.cursor, limit=50)
        for incoming in records:
            self._absorb(incoming)

    def _absorb(self, incoming: dict) -> None:
        record_id = incoming["id"]
        self.seen_ids.add(record_id)
        assert incoming["kind"] == KIND and incoming["fields"] == {}, incoming
        record = self.records.setdefault(record_id, Record())
        record.version = incoming["version"]
        record.server_deleted = incoming["deleted"]
        record.erased = incoming["sealed"] is None
        if record.erased:
            # Deleted for good elsewhere. A change made here keeps this device's copy,
            # which goes back whole; with nothing pending the letter goes from here too.
            assert incoming["deleted"], incoming
        else:
            self.seen_envelopes.add(incoming["sealed"])
            record.server = reference.open_record(
                self.key, record_id, KIND, incoming["format"], incoming["sealed"]
            )
        self._show(record_id)

    async def sync(
        self, tick: Callable[[], int], *, lose_answer: bool = False, meanwhile=None
    ) -> None:
        """Push until nothing is left to send (a merge is sent in the same sync), then
        pull. A lost answer ends the sync there, as a dropped connection does."""
        for _ in range(20):
            answer = await self.push(tick(), lose_answer=lose_answer, meanwhile=meanwhile)
            meanwhile = None
            if answer is None:
                break
            if lose_answer:
                return
        else:
            raise AssertionError(f"{self.device_id} kept pushing")
        await self.pull()

    def settled(self) -> bool:
        return not self.outbox
