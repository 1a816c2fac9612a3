// The outbox: every change is written here, with the record, in one transaction,
// before anything else happens. The rules follow docs/sync.md:
//
// - unsent edits to one record collapse into one pending mutation;
// - a sent mutation is frozen (same id, same fields) until the server answers;
// - a change queued behind another change to the same record waits for that answer,
//   so it is based on the version the server gave the earlier one.

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
    } else if (entry.op === "delete") {
      deleted = true;
    } else if (entry.op === "restore" || entry.op === "restore_revision") {
      deleted = false;
    } else if (entry.op === "resolve_conflict") {
      delete fields.conflictBody;
      delete fields.conflictTitle;
      delete fields.conflictRevisionId;
    }
  }
  return { fields, deleted };
}

// Queue one change inside the caller's transaction. `entries` are the record's
// outbox entries, oldest first.
// Queue one change inside the caller's transaction. `entries` are the record's
// outbox entries, oldest first; it is updated in place.
export function enqueue(tx, record, entries, op, fields = null) {
  const outbox = tx.objectStore("outbox");
  const last = entries.at(-1);
  if (op === "upsert" && last && last.op === "upsert" && last.mutationId == null) {
    last.fields = { ...last.fields, ...fields };
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
  };
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

function sizeOf(entry) {
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

// Freeze the next batch: give each new mutation its id, in one transaction.
export function takeBatch() {
  return write(["outbox", "meta"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const batch = nextBatch(await done(outbox.getAll()));
    let next = await metaIn(tx, "nextMutationId", 1);
    for (const entry of batch) {
      if (entry.mutationId == null) {
        entry.mutationId = next++;
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
// person can see it, and let the next change of each record go.
export function settle(batch, results) {
  const byId = new Map(batch.map((entry) => [entry.mutationId, entry]));
  return write([...RECORD_STORES, "outbox", "rejected"], async (tx) => {
    const outbox = tx.objectStore("outbox");
    const records = tx.objectStore("records");
    for (const result of results) {
      const entry = byId.get(result.mutationId);
      if (!entry) continue;
      outbox.delete(entry.seq);
      if (result.status === "REJECTED") {
        tx.objectStore("rejected").add({
          recordId: entry.recordId,
          kind: entry.kind,
          op: entry.op,
          fields: entry.fields,
          code: result.code,
          message: result.message,
          at: new Date().toISOString(),
        });
      }
      const rest = (await entriesOf(tx, entry.recordId)).filter((e) => e.seq !== entry.seq);
      const following = rest[0];
      if (following?.awaitsBase) {
        following.baseVersion = baseAfter(entry, result);
        following.awaitsBase = false;
        outbox.put(following);
      }
      const record = await done(records.get(entry.recordId));
      if (record && result.status === "APPLIED" && result.version != null) {
        // Taken exactly as sent: the server now holds what this device sent.
        if (entry.op === "upsert") Object.assign(record.server, entry.fields);
        if (entry.op === "delete") record.serverDeleted = true;
        record.version = Math.max(record.version ?? 0, result.version);
        putRecord(tx, record);
      }
    }
  });
}

// Take one page of a pull: the server's records, with this device's changes on top.
export function absorb(records, cursor, serverVersion) {
  return write([...RECORD_STORES, "outbox", "meta"], async (tx) => {
    const store = tx.objectStore("records");
    for (const incoming of records) {
      const record = (await done(store.get(incoming.id))) ?? newRecord(incoming.kind, incoming.id);
      const entries = await entriesOf(tx, incoming.id);
      record.version = incoming.version;
      record.server = incoming.fields;
      record.serverDeleted = incoming.deleted;
      record.deletedAt = incoming.deletedAt;
      record.updatedAt = incoming.updatedAt;
      const purged = incoming.deleted && Object.keys(incoming.fields).length === 0;
      if (purged && entries.length === 0) {
        deleteRecord(tx, incoming.id);
        continue;
      }
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
