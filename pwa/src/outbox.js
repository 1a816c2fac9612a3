// The outbox: every change is written here, with the record, in one transaction,
// before anything else happens. The rules follow docs/sync.md:
//
// - unsent edits to one record collapse into one pending mutation;
// - a sent mutation is frozen (same id, same fields) until the server answers;
// - a change queued behind another change to the same record waits for that answer,
//   so it is based on the version the server gave the earlier one.

import { isSealed, stampsOf, textFieldsOf } from "./sealed-kinds.js";
import { RECORD_STORES, deleteRecord, done, metaIn, putRecord, write } from "./store.js";

export const MAX_MUTATIONS = 500;
// The server takes 4 MB a request; leave room for the query and the envelope.
export const MAX_PUSH_BYTES = 3_500_000;

const encoder = new TextEncoder();
const bySeq = (a, b) => a.seq - b.seq;

export function newRecord(kind, id) {
  return {
    id,
    kind,
    version: null,
    server: {},
    serverDeleted: false,
    fields: {},
    deleted: false,
    deletedAt: null,
    updatedAt: null,
  };
}

// What this device shows: the server's record with every unacknowledged change on top.
export function viewOf(record, entries) {
  const fields = { ...record.server };
  let deleted = record.serverDeleted;
  for (const entry of [...entries].sort(bySeq)) {
    if (entry.op === "upsert") {
      Object.assign(fields, entry.fields);
      deleted = false;
    } else if (entry.op === "delete" || entry.op === "purge") {
      deleted = true;
    }
  }
  return { fields, deleted };
}

// Queue one change inside the caller's transaction. `entries` are the record's
// outbox entries, oldest first; it is updated in place. `editedAt` is when the person
// last changed what the entry carries: words of it set aside after a merge say so.
export function enqueue(tx, record, entries, op, fields = null) {
  const outbox = tx.objectStore("outbox");
  const last = entries.at(-1);
  const editedAt = new Date().toISOString();
  if (op === "upsert" && last && last.op === "upsert" && last.mutationId == null) {
    last.fields = { ...last.fields, ...fields };
    last.editedAt = editedAt;
    outbox.put(last);
    return;
  }
  const waiting = entries.length > 0;
  const entry = {
    recordId: record.id,
    kind: record.kind,
    op,
    fields,
    baseVersion: waiting ? null : record.version,
    awaitsBase: waiting,
    mutationId: null,
    editedAt,
  };
  // A sealed kind is merged on this device if another device changed it first, and
  // the merge needs the content this change was made on.
  if (isSealed(record.kind) && !waiting) entry.baseContent = { ...record.server };
  outbox.add(entry);
  entries.push({ ...entry, seq: Infinity });
}

export function entriesOf(tx, recordId) {
  return done(tx.objectStore("outbox").index("recordId").getAll(recordId)).then((rows) => rows.sort(bySeq));
}

// One change to one record: the record and its outbox entry are written together.
// `apply(record)` changes the record as the person sees it; it may return false to
// say nothing needs to reach the server.
export function change(kind, id, op, fields, apply) {
  return write([...RECORD_STORES, "outbox"], async (tx) => {
    const record = (await done(tx.objectStore("records").get(id))) ?? newRecord(kind, id);
    const entries = await entriesOf(tx, id);
    const outcome = apply ? apply(record, entries) : true;
    if (outcome === "forget") {
      // Never reached the server: nothing to tell it, nothing to keep.
      deleteRecord(tx, id);
      for (const entry of entries) tx.objectStore("outbox").delete(entry.seq);
      return null;
    }
    enqueue(tx, record, entries, op, fields);
    const view = viewOf(record, entries);
    record.fields = view.fields;
    record.deleted = view.deleted;
    putRecord(tx, record);
    return record;
  });
}

// A sealed upsert sends its whole content, as base64url (4/3 the bytes) with 45 more.
function sizeOf(entry) {
  if (isSealed(entry.kind) && entry.op === "upsert") {
    const content = entry.content ?? { ...entry.baseContent, ...entry.fields };
    return Math.ceil((encoder.encode(JSON.stringify(content)).length * 4) / 3) + 400;
  }
  return encoder.encode(JSON.stringify(entry.fields)).length + 300;
}

// The next push: what is already in flight, resent unchanged, then the oldest ready
// change of each record, within the server's limits.
export function nextBatch(entries, maxCount = MAX_MUTATIONS, maxBytes = MAX_PUSH_BYTES) {
  const sorted = [...entries].sort(bySeq);
  const batch = sorted.filter((entry) => entry.mutationId != null).sort((a, b) => a.mutationId - b.mutationId);
  const busy = new Set(batch.map((entry) => entry.recordId));
  let bytes = batch.reduce((sum, entry) => sum + sizeOf(entry), 0);
  for (const entry of sorted) {
    if (entry.mutationId != null) continue;
    if (busy.has(entry.recordId)) continue;
    busy.add(entry.recordId);
    if (entry.awaitsBase) continue;
    const size = sizeOf(entry);
    if (batch.length >= maxCount || (batch.length && bytes + size > maxBytes)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

// The base for the change queued behind `entry`, once the server has answered it.
// Only a change taken exactly as sent gives a version whose text this device knows;
// otherwise the earlier base stays, so a merge never undoes another device's words.
export function baseAfter(entry, result) {
  return result.status === "APPLIED" && result.version != null ? result.version : entry.baseVersion;
}

// The content a change made on `entry`'s base has once the server has answered it.
function contentAfter(entry, result) {
  const taken = result.status === "DUPLICATE" || (result.status === "APPLIED" && result.version != null);
  return taken && entry.op === "upsert" ? entry.content : entry.baseContent;
}

// Freeze the next batch: give each new mutation its id, in one transaction. A sealed
// upsert also freezes the whole content it sends (its base's content with its fields
// on top), so a resend after a lost answer sends the same words.
export function takeBatch() {
  return write(["outbox", "meta", "records"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const batch = nextBatch(await done(outbox.getAll()));
    let next = await metaIn(tx, "nextMutationId", 1);
    for (const entry of batch) {
      if (entry.mutationId == null) {
        entry.mutationId = next++;
        if (isSealed(entry.kind) && entry.op === "upsert") {
          // A change queued before this device knew the kind was sealed has no base
          // content: the record's server content is the nearest there is.
          entry.baseContent ??= (await done(tx.objectStore("records").get(entry.recordId)))?.server ?? {};
          entry.content = { ...entry.baseContent, ...entry.fields };
        }
        outbox.put(entry);
      }
    }
    tx.objectStore("meta").put({ key: "nextMutationId", value: next });
    return batch;
  });
}

export function asMutation(entry) {
  return {
    mutationId: entry.mutationId,
    kind: entry.kind,
    op: entry.op,
    recordId: entry.recordId,
    baseVersion: entry.baseVersion,
    fields: entry.fields,
  };
}

// The server answered a push: drop what it settled, keep what it refused where the
// person can see it, and let the next change of each record go. `currents` holds,
// for each STALE answer, the server's record opened (sealing.js openCurrents), and
// `merging` is rebase.js, loaded by the caller only when there is a STALE answer (an
// import cannot wait inside an IndexedDB transaction). `here` ({device, label}) names
// this device in what a merge sets aside.
export function settle(batch, results, currents = new Map(), merging = null, here = {}) {
  const byId = new Map(batch.map((entry) => [entry.mutationId, entry]));
  const at = new Date().toISOString();
  return write([...RECORD_STORES, "outbox", "rejected", "meta"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const records = tx.objectStore("records");
    for (const result of results) {
      const entry = byId.get(result.mutationId);
      if (!entry) continue;
      outbox.delete(entry.seq);
      const rest = (await entriesOf(tx, entry.recordId)).filter((e) => e.seq !== entry.seq);
      const record = await done(records.get(entry.recordId));
      if (result.status === "STALE" && currents.has(result.mutationId)) {
        await rebase(tx, entry, record, rest, currents.get(result.mutationId), { at, here, merging });
        continue;
      }
      if (result.status === "REJECTED") {
        tx.objectStore("rejected").add({
          recordId: entry.recordId,
          kind: entry.kind,
          op: entry.op,
          fields: entry.content ?? entry.fields,
          code: result.code,
          message: result.message,
          at,
        });
      }
      const following = rest[0];
      if (unknownOutcome(entry, result)) {
        sendAgain(outbox, entry, following);
        continue;
      }
      if (following?.awaitsBase) {
        following.baseVersion = baseAfter(entry, result);
        if (isSealed(entry.kind)) following.baseContent = { ...contentAfter(entry, result) };
        following.awaitsBase = false;
        outbox.put(following);
      }
      if (!record) continue;
      if (entry.op === "purge" && ["APPLIED", "DUPLICATE"].includes(result.status) && !rest.length) {
        // Deleted for good, and nothing more to say about it: gone from this device too.
        deleteRecord(tx, entry.recordId);
        continue;
      }
      // A purge refused: the record shows again, as the server has it.
      if (entry.op === "purge") delete record.purging;
      if (result.status === "APPLIED" && result.version != null) {
        // Taken exactly as sent: the server now holds what this device sent.
        if (entry.op === "upsert") record.server = entry.content ?? { ...record.server, ...entry.fields };
        if (entry.op === "delete") record.serverDeleted = true;
        record.version = Math.max(record.version ?? 0, result.version);
        putRecord(tx, record);
      } else if (result.status === "DUPLICATE" && isSealed(entry.kind)) {
        // A new record, taken once already and its answer lost: the server holds what
        // was sent, at a version this device will hear of on its next pull. Later
        // changes build on it, so nothing is applied twice.
        if (entry.op === "upsert") record.server = { ...entry.content };
        if (entry.op === "delete") record.serverDeleted = true;
        putRecord(tx, record);
      } else if (entry.op === "purge") {
        putRecord(tx, record);
      }
    }
  });
}

// A sealed change to a kept record, answered DUPLICATE: it reached the server before
// and its answer was lost, and whether it was taken or found STALE (nothing written)
// this device cannot tell. Taking it as applied would leave these words only here,
// shown as synced. So it goes again on the same base as a new mutation: the server
// answers STALE with its record either way, and the merge keeps the words once.
function unknownOutcome(entry, result) {
  return (
    result.status === "DUPLICATE" &&
    isSealed(entry.kind) &&
    entry.baseVersion != null &&
    (entry.op === "upsert" || entry.op === "delete")
  );
}

function sendAgain(outbox, entry, following) {
  if (following?.awaitsBase) {
    // The next change carries this one's words too, on this one's base.
    following.baseVersion = entry.baseVersion;
    following.baseContent = { ...(entry.baseContent ?? {}) };
    if (entry.op === "upsert" && following.op === "upsert") following.fields = { ...entry.fields, ...following.fields };
    following.awaitsBase = false;
    outbox.put(following);
    return;
  }
  outbox.add({
    recordId: entry.recordId,
    kind: entry.kind,
    op: entry.op,
    fields: entry.fields,
    baseVersion: entry.baseVersion,
    baseContent: entry.baseContent,
    awaitsBase: false,
    mutationId: null,
    editedAt: entry.editedAt,
  });
}

// STALE: another device changed the record first and nothing was applied. Merge on
// this device (rebase.js) and replace the record's pending changes with one change,
// based on the server's version, which the same sync sends next.
async function rebase(tx, entry, record, rest, current, { at, here, merging }) {
  const outbox = tx.objectStore("outbox");
  for (const other of rest) outbox.delete(other.seq);
  const holder = record ?? newRecord(entry.kind, entry.recordId);
  const view = record ? { fields: record.fields, deleted: record.deleted } : viewOf(holder, [entry]);
  // When this device's words were last written: its newest pending change.
  const times = [entry, ...rest].map((change) => change.editedAt).filter(Boolean);
  const editedAt = times.sort().at(-1) ?? view.fields.clientEditedAt ?? at;
  const next = merging.afterStale(
    entry,
    { ...holder, ...view },
    current,
    textFieldsOf(entry.kind),
    at,
    merging.mergesOf(entry.kind),
    {
      provenance: { ...here, editedAt },
      stamps: stampsOf(entry.kind),
      edited: [entry, ...rest].some((change) => change.op === "upsert"),
    },
  );
  if (current.content == null)
    await noteUnopened(tx, [{ id: entry.recordId, kind: entry.kind, reason: current.reason }], holder);
  if (next.gone) {
    deleteRecord(tx, entry.recordId);
    return;
  }
  if (next.server != null) holder.server = next.server;
  holder.serverDeleted = next.serverDeleted;
  holder.version = next.version;
  const pending = [];
  // The first change is based on the server's version; a second waits for the first
  // one's answer, as any change does.
  const follow = (change) => {
    const first = pending.length === 0;
    const queued = {
      recordId: entry.recordId,
      kind: entry.kind,
      ...change,
      baseVersion: first ? next.version : null,
      baseContent: first ? change.baseContent : undefined,
      awaitsBase: !first,
      mutationId: null,
      editedAt,
    };
    outbox.add(queued);
    pending.push({ ...queued, seq: pending.length });
  };
  if (next.pending) follow(next.pending);
  if (next.trash) follow({ op: "delete", fields: null, baseContent: { ...holder.server } });
  if (next.pending?.op !== "purge") delete holder.purging;
  const shown = viewOf(holder, pending);
  holder.fields = shown.fields;
  holder.deleted = shown.deleted;
  putRecord(tx, holder);
}

// Records whose envelope did not open, kept in `meta` so the app can name them: by the
// device's own copy where it has one. A record that opens later leaves the list.
const UNOPENED = "unopened";

export async function noteUnopened(tx, failed, recordOf = null) {
  const meta = tx.objectStore("meta");
  const list = await metaIn(tx, UNOPENED, []);
  for (const { id, kind, reason } of failed) {
    const own = recordOf?.id === id ? recordOf : await done(tx.objectStore("records").get(id));
    const entry = { id, kind, reason, name: labelOf(own), at: new Date().toISOString() };
    const index = list.findIndex((row) => row.id === id);
    if (index >= 0) list[index] = entry;
    else list.push(entry);
  }
  meta.put({ key: UNOPENED, value: list });
}

function labelOf(record) {
  if (!record || record.deleted) return null;
  const text = record.fields?.name ?? record.fields?.title ?? record.fields?.text ?? record.fields?.note ?? "";
  return typeof text === "string" && text.trim() ? text.trim().slice(0, 80) : null;
}

async function forgetUnopened(tx, ids) {
  const list = await metaIn(tx, UNOPENED, []);
  const left = list.filter((row) => !ids.has(row.id));
  if (left.length !== list.length) tx.objectStore("meta").put({ key: UNOPENED, value: left });
}

// Take one page of a pull: the server's records, with this device's changes on top.
// `unopened` are sealed records whose envelope did not open: the device's own copy
// stays as it is, and they are listed (noteUnopened) so the app can say so.
export function absorb(records, cursor, serverVersion, unopened = []) {
  return write([...RECORD_STORES, "outbox", "meta"], async (tx) => {
    const store = tx.objectStore("records");
    await forgetUnopened(tx, new Set(records.map((record) => record.id)));
    if (unopened.length) await noteUnopened(tx, unopened);
    for (const incoming of records) {
      const record = (await done(store.get(incoming.id))) ?? newRecord(incoming.kind, incoming.id);
      const entries = await entriesOf(tx, incoming.id);
      const purged = incoming.deleted && Object.keys(incoming.fields).length === 0;
      if (purged && entries.length === 0) {
        deleteRecord(tx, incoming.id);
        continue;
      }
      record.version = incoming.version;
      // Deleted for good elsewhere while this device still changes it: its words stay
      // here, and the pending change, answered STALE, sends them whole.
      if (!(purged && isSealed(incoming.kind))) record.server = incoming.fields;
      record.serverDeleted = incoming.deleted;
      record.deletedAt = incoming.deletedAt;
      record.updatedAt = incoming.updatedAt;
      const view = viewOf(record, entries);
      record.fields = view.fields;
      record.deleted = view.deleted;
      putRecord(tx, record);
    }
    const meta = tx.objectStore("meta");
    meta.put({ key: "cursor", value: cursor });
    meta.put({ key: "serverVersion", value: serverVersion });
  });
}
