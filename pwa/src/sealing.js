// Sealing what a push sends and opening what a pull brings, with the account key this
// device keeps (account-keys.js). The outbox freezes each sealed change's content in
// IndexedDB first; WebCrypto is asynchronous, so it runs here, outside any
// transaction, and a resend seals the same content again (with a fresh salt).

import { keptAccountKey } from "./account-keys.js";
import { openRecord, sealRecord } from "./crypto/records.js";
import { SealError } from "./crypto/seal.js";
import { asMutation } from "./outbox.js";
import { SEALED_KINDS, isSealed } from "./sealed-kinds.js";

// Opening one envelope takes about 0.8 ms on a slow phone: a page is opened in
// batches running side by side, not one after another.
const OPEN_BATCH = 100;

export class MissingAccountKey extends Error {
  constructor() {
    super("This device does not hold your account's key. Sign out and sign in again to sync.");
    this.code = "NO_ACCOUNT_KEY";
  }
}

let keyFetch = null;

async function accountKey() {
  keyFetch ??= keptAccountKey().finally(() => {
    keyFetch = null;
  });
  const key = await keyFetch;
  if (!key) throw new MissingAccountKey();
  return key;
}

// The mutation a frozen outbox entry sends: a sealed kind's upsert carries its whole
// frozen content as an envelope and no fields.
export async function mutationsOf(batch) {
  const needsKey = batch.some((entry) => entry.content != null);
  const key = needsKey ? await accountKey() : null;
  return Promise.all(
    batch.map(async (entry) => {
      const mutation = asMutation(entry);
      if (!isSealed(entry.kind)) return mutation;
      mutation.fields = null;
      if (entry.op === "upsert") {
        const { format } = SEALED_KINDS[entry.kind];
        mutation.sealed = await sealRecord(key, {
          id: entry.recordId,
          kind: entry.kind,
          format,
          content: entry.content,
        });
        mutation.format = format;
      }
      return mutation;
    }),
  );
}

// { content } for a record whose envelope opened, { content: {} } for one with none
// (a deleted record), or { unopened: reason } for one that did not open.
async function openOne(key, record) {
  if (record.sealed == null) return record.deleted ? { content: {} } : { unopened: "malformed" };
  try {
    return { content: await openRecord(key, record) };
  } catch (error) {
    if (error instanceof SealError) return { unopened: error.reason };
    if (error instanceof TypeError) return { unopened: "malformed" };
    throw error;
  }
}

export async function openSealed(records) {
  const sealed = records.filter((record) => record.sealed != null || isSealed(record.kind));
  const key = sealed.length ? await accountKey() : null;
  const opened = new Map();
  for (let start = 0; start < sealed.length; start += OPEN_BATCH) {
    const batch = sealed.slice(start, start + OPEN_BATCH);
    const results = await Promise.all(batch.map((record) => openOne(key, record)));
    for (const [index, record] of batch.entries()) opened.set(record, results[index]);
  }
  return opened;
}

// A pulled page as the outbox stores it: sealed records with their opened content as
// their fields, and apart, those that did not open.
export async function openPage(records) {
  const opened = await openSealed(records);
  const readable = [];
  const unopened = [];
  for (const record of records) {
    const result = opened.get(record);
    if (!result) readable.push(record);
    else if (result.unopened) unopened.push({ ...record, reason: result.unopened });
    else readable.push({ ...record, fields: result.content });
  }
  return { readable, unopened };
}

// The `current` record of each STALE answer, opened: mutationId → {version, deleted,
// content}, `content` null when it did not open.
export async function openCurrents(results) {
  const stale = results.filter((result) => result.status === "STALE" && result.current);
  const opened = await openSealed(stale.map((result) => result.current));
  return new Map(
    stale.map((result) => {
      const outcome = opened.get(result.current) ?? { content: result.current.fields ?? {} };
      const { version, deleted, id, kind } = result.current;
      return [
        result.mutationId,
        { id, kind, version, deleted, content: outcome.content ?? null, reason: outcome.unopened },
      ];
    }),
  );
}
