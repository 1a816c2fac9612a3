"""A model device that syncs the way the PWA must: the reference client for tests.

- Unsent edits to one record collapse into one pending mutation, which remembers
  the version the first edit was based on.
- Once sent, a mutation is frozen with its id: a retry after a lost response sends
  exactly the same thing, and later edits queue behind it.
- A pull shows the server's record with this device's unacknowledged edits on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.graphql_client import gql
from tests.sync_client import PUSH, pull_in_order


@dataclass
class Pending:
    op: str
    base: int | None
    fields: dict = field(default_factory=dict)


@dataclass
class Device:
    client: object
    device_id: str
    records: dict[str, dict] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)
    in_flight: list[dict] = field(default_factory=list)
    last_sent: list[dict] = field(default_factory=list)
    next_mutation_id: int = 1
    cursor: str | None = None
    pushed_bodies: list[tuple[str, str]] = field(default_factory=list)

    # Editing, all offline.

    def create(self, record_id: str, fields: dict) -> None:
        self.records[record_id] = {"version": None, "deleted": False, "fields": dict(fields)}
        self.pending[record_id] = Pending("upsert", None, dict(fields))

    def edit(self, record_id: str, changes: dict) -> None:
        record = self.records[record_id]
        record["fields"].update(changes)
        pending = self.pending.get(record_id)
        if pending is None or pending.op != "upsert":
            pending = self.pending[record_id] = Pending("upsert", record["version"])
        pending.fields.update(changes)

    def delete(self, record_id: str) -> None:
        record = self.records[record_id]
        pending = self.pending.get(record_id)
        if record["version"] is None and not self._sent(record_id):
            # Never left the device: nothing to tell the server.
            del self.records[record_id]
            self.pending.pop(record_id, None)
            return
        record["deleted"] = True
        base = pending.base if pending else record["version"]
        self.pending[record_id] = Pending("delete", base)

    def _sent(self, record_id: str) -> bool:
        return any(m["recordId"] == record_id for m in self.in_flight)

    def live_ids(self) -> list[str]:
        return sorted(i for i, r in self.records.items() if not r["deleted"])

    # Syncing.

    def outgoing(self) -> list[dict]:
        """The next push: a retry of what is in flight, or the pending edits, frozen."""
        if not self.in_flight:
            for record_id, pending in self.pending.items():
                self.in_flight.append(
                    {
                        "mutationId": self.next_mutation_id,
                        "kind": "letter",
                        "op": pending.op,
                        "recordId": record_id,
                        "baseVersion": pending.base,
                        "fields": pending.fields if pending.op == "upsert" else None,
                    }
                )
                self.next_mutation_id += 1
            self.pending.clear()
        return list(self.in_flight)

    async def push(self, *, lose_response: bool = False) -> dict | None:
        mutations = self.outgoing()
        if not mutations:
            return None
        for m in mutations:
            if m["fields"] and "body" in m["fields"]:
                self.pushed_bodies.append((m["recordId"], m["fields"]["body"]))
        result = await gql(self.client, PUSH, {"device": self.device_id, "mutations": mutations})
        assert "errors" not in result, result
        if lose_response:
            return None
        self.last_sent = mutations
        self.in_flight = []
        return result["data"]["push"]

    async def pull(self) -> None:
        records, self.cursor = await pull_in_order(self.client, self.cursor, limit=50)
        for record in records:
            self._take(record)

    def _take(self, record: dict) -> None:
        local = {"version": record["version"], "deleted": record["deleted"]}
        local["fields"] = dict(record["fields"])
        # This device's own unacknowledged edits stay on top until the server has them.
        for m in self.in_flight:
            if m["recordId"] == record["id"] and m["op"] == "upsert":
                local["fields"].update(m["fields"])
        pending = self.pending.get(record["id"])
        if pending is not None:
            if pending.op == "upsert":
                local["fields"].update(pending.fields)
            else:
                local["deleted"] = True
        self.records[record["id"]] = local

    async def sync(self, *, lose_response: bool = False) -> None:
        if await self.push(lose_response=lose_response) is None and self.in_flight:
            return
        await self.pull()

    def settled(self) -> bool:
        return not self.pending and not self.in_flight
