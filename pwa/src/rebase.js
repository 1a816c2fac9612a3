// What a sealed record becomes when the server answers STALE: another device changed
// it first, and nothing of this device's change was applied. The server cannot merge
// sealed content, so this device does, three ways (merge.js), and sends the result as
// one new change based on the server's version. Everything here is pure.
//
// Nothing is lost: text changed on one side is taken; text changed on both sides
// merges by line, and where it cannot, the other device's words stay and this
// device's are set aside in the content's `conflicts`, appended to any already there,
// until the person keeps them or lets them go.

import { mergeById } from "./merge-lists.js";
import { mergeContent } from "./merge.js";
import { listsOf } from "./sealed-kinds.js";

const keyOf = (value) => JSON.stringify(value);

function same(x, y) {
  return x === y || keyOf(x) === keyOf(y);
}

function withoutConflicts(content) {
  const { conflicts: _, ...rest } = content ?? {};
  return rest;
}

// The conflicts list merged three ways: one let go on either side stays gone, one
// added on either side stays, and `added` (this merge's) come last.
export function mergeConflicts(base = [], mine = [], theirs = [], added = []) {
  const inBase = new Set(base.map(keyOf));
  const inMine = new Set(mine.map(keyOf));
  const kept = theirs.filter((conflict) => inMine.has(keyOf(conflict)) || !inBase.has(keyOf(conflict)));
  const inKept = new Set(kept.map(keyOf));
  const mineOnly = mine.filter((conflict) => !inBase.has(keyOf(conflict)) && !inKept.has(keyOf(conflict)));
  return [...kept, ...mineOnly, ...added];
}

// `entry`: the answered change ({op, baseContent}); `record`: the device's record,
// whose `fields` and `deleted` are what it shows (the server's content with every
// pending change on top); `current`: the server's record ({version, deleted, content}),
// `content` null when its envelope did not open; `textFields` and `merges`: the kind's
// (sealed-kinds.js); `at`: when, for new conflicts.
//
// Returns the record's new server state ({server, serverDeleted, version}; `server`
// null keeps what the device had) and `pending`: null, or the one change
// ({op, fields, baseContent}) that replaces every pending change of the record, based
// on `version`.
export function afterStale(entry, record, current, textFields, at, merges = {}) {
  const state = { server: current.content, serverDeleted: current.deleted, version: current.version };
  if (current.content == null) {
    // The server's copy cannot be read on this device: this device's copy stays, and
    // is sent whole, so what the person wrote reaches the server again.
    const pending = record.deleted
      ? { op: "delete", fields: null, baseContent: null }
      : { op: "upsert", fields: { ...record.fields }, baseContent: {} };
    return { ...state, server: null, pending };
  }
  if (record.deleted) {
    // A delete made while someone edited it elsewhere: the edit wins, and the record
    // shows the other device's words.
    return { ...state, pending: null };
  }
  const base = entry.baseContent ?? {};
  const theirs = current.content;
  const merged = mergeContent(
    withoutConflicts(base),
    withoutConflicts(record.fields),
    withoutConflicts(theirs),
    textFields,
    merges,
  );
  const content = { ...merged.content };
  const conflicts = mergeConflicts(
    base.conflicts,
    record.fields.conflicts,
    theirs.conflicts,
    merged.conflicts.map((conflict) => ({ ...conflict, at })),
  );
  if (conflicts.length || "conflicts" in theirs) content.conflicts = conflicts;
  const fields = {};
  for (const [field, value] of Object.entries(content)) {
    if (!same(value, theirs[field])) fields[field] = value;
  }
  // An edit beats a delete: a record deleted elsewhere comes back with this device's
  // words, even when they are the same as the server's.
  const pending = Object.keys(fields).length || current.deleted ? { op: "upsert", fields, baseContent: theirs } : null;
  return { ...state, pending };
}

// The merges mergeContent runs for a kind's lists.
export function mergesOf(kind) {
  return Object.fromEntries(
    Object.entries(listsOf(kind)).map(([field, textFields]) => [
      field,
      (base, mine, theirs) => mergeById(base, mine, theirs, textFields),
    ]),
  );
}
