// Records other than letters (toolkit, plans, preferences): the same outbox path as
// letters.js, so each change is saved on the device first and synced later.

import { change } from "./outbox.js";
import { listsOf } from "./sealed-kinds.js";
import { getRecord, recordsOfKind } from "./store.js";
import { announce } from "./sync.js";

// The record as a plain object: its fields, plus its id and whether it has synced.
export function plain(record) {
  return { ...record.fields, id: record.id, synced: record.version != null, updatedAt: record.updatedAt };
}

export async function all(kind) {
  return (await recordsOfKind(kind)).filter((record) => !record.deleted).map(plain);
}

export async function one(kind, id) {
  const record = await getRecord(id);
  return record && record.kind === kind && !record.deleted ? plain(record) : null;
}

export async function create(kind, fields, id = crypto.randomUUID()) {
  await change(kind, id, "upsert", fields);
  announce("saved", { id });
  return id;
}

export async function edit(kind, id, fields) {
  const record = await change(kind, id, "upsert", fields);
  announce("saved", { id });
  return record;
}

// A record the server never saw is simply forgotten; otherwise it is deleted there too.
export async function remove(kind, id) {
  await change(kind, id, "delete", null, (current, entries) =>
    current.version == null && entries.every((entry) => entry.mutationId == null) ? "forget" : true,
  );
  announce("saved", { id });
}

export const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1);

// After the last one: positions leave gaps, so moving one thing rewrites two records.
export function nextPosition(list) {
  return list.reduce((high, entry) => Math.max(high, entry.position ?? 0), 0) + 1024;
}

// Swap `list[index]` with its neighbour (`step` is -1 or 1); `list` is in order.
export async function move(kind, list, index, step) {
  const other = index + step;
  if (other < 0 || other >= list.length) return;
  let a = list[index].position ?? 0;
  let b = list[other].position ?? 0;
  if (a === b) {
    // Equal positions (made on two devices at once): spread them out first.
    a = (index + 1) * 1024;
    b = (other + 1) * 1024;
  }
  await edit(kind, list[index].id, { position: b });
  await edit(kind, list[other].id, { position: a });
}

const sameConflict = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// A list with one thing of it set back to this side's version (`conflict.mine`), by
// its id: put back at the end if it was removed since, so the words are not lost.
function withThing(list, conflict) {
  const things = Array.isArray(list) ? list : [];
  const at = things.findIndex((thing) => thing?.id === conflict.item);
  return at < 0 ? [...things, conflict.mine] : things.map((thing, index) => (index === at ? conflict.mine : thing));
}

// Words or choices set aside when a sealed record was changed on two devices at once
// (rebase.js): keep them (they take the field's place, or the list thing's) or let
// them go. Either way the notice goes. One function for every kind.
export async function settleSetAside(kind, id, conflict, keep) {
  const current = await one(kind, id);
  if (!current) return;
  const conflicts = (current.conflicts ?? []).filter((other) => !sameConflict(other, conflict));
  const fields = { conflicts };
  if (keep) {
    const byThing = conflict.item != null && Object.hasOwn(listsOf(kind), conflict.field);
    fields[conflict.field] = byThing ? withThing(current[conflict.field], conflict) : conflict.mine;
  }
  await edit(kind, id, fields);
}
