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

function without(content, fields) {
  const rest = { ...(content ?? {}) };
  for (const field of fields) delete rest[field];
  return rest;
}

// Deleted for good (purged, or emptied after its time in the trash): a tombstone with
// no content left.
const emptied = (current) => current.deleted && current.content != null && Object.keys(current.content).length === 0;

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
// (sealed-kinds.js); `at`: when, for new conflicts. `options.provenance` goes into each
// new conflict ({device, label, editedAt}: where and when the set-aside words were
// written) and `options.stamps` are the kind's stamps (sealed-kinds.js).
//
// `options.edited` says whether the pending changes held an edit (by default, whether
// the answered one is an upsert): a record changed here and then put in the trash
// keeps those words, in the trash.
//
// Returns the record's new server state ({server, serverDeleted, version}; `server`
// null keeps what the device had), `gone` when the record is deleted for good
// everywhere and this device has nothing left to say about it, `pending`: null, or the
// change ({op, fields, baseContent}) that replaces every pending change of the record,
// based on `version`, and `trash`: whether a delete follows it.
export function afterStale(entry, record, current, textFields, at, merges = {}, options = {}) {
  const { provenance = {}, stamps = [], edited = entry.op === "upsert" } = options;
  const state = { server: current.content, serverDeleted: current.deleted, version: current.version };
  if (entry.op === "purge") return afterPurge(entry, current, state);
  if (record.deleted && !edited) {
    // A delete made while someone changed it elsewhere: the change wins, and the
    // record shows the other device's words (nothing is deleted that this device has
    // not seen). Deleted for good elsewhere: nothing is left.
    return { ...state, pending: null, gone: emptied(current), trash: false };
  }
  // Changed here, then put in the trash: the words go to the trash with the record.
  const trash = record.deleted;
  if (current.content == null || emptied(current)) {
    // The server's copy cannot be read on this device, or it was deleted for good
    // while this device changed it: this device's copy stays, and is sent whole, so
    // what the person wrote reaches the server again.
    return { ...state, server: null, pending: { op: "upsert", fields: { ...record.fields }, baseContent: {} }, trash };
  }
  const base = entry.baseContent ?? {};
  const theirs = current.content;
  const aside = ["conflicts", ...stamps];
  const merged = mergeContent(
    without(base, aside),
    without(record.fields, aside),
    without(theirs, aside),
    textFields,
    merges,
  );
  const content = { ...merged.content };
  // Who wrote last: the other device when its words are the ones shown, else the newer.
  if (stamps.length) {
    const [time] = stamps;
    const mineNewer = (record.fields[time] ?? "") > (theirs[time] ?? "");
    const writer = merged.conflicts.length || !mineNewer ? theirs : record.fields;
    for (const stamp of stamps) if (writer[stamp] !== undefined) content[stamp] = writer[stamp];
  }
  const conflicts = mergeConflicts(
    base.conflicts,
    record.fields.conflicts,
    theirs.conflicts,
    merged.conflicts.map((conflict) => ({ ...conflict, at, ...provenance })),
  );
  if (conflicts.length || "conflicts" in theirs) content.conflicts = conflicts;
  const fields = {};
  for (const [field, value] of Object.entries(content)) {
    if (!same(value, theirs[field])) fields[field] = value;
  }
  // An edit beats a delete: a record deleted elsewhere comes back with this device's
  // words, even when they are the same as the server's (unless they go to the trash
  // here too, where they already are).
  const back = current.deleted && !trash;
  const pending = Object.keys(fields).length || back ? { op: "upsert", fields, baseContent: theirs } : null;
  return { ...state, pending, trash: trash && (pending != null || !current.deleted) };
}

// A delete for good made on an older version than the server's. Edited (or brought
// back) elsewhere meanwhile: an edit beats a delete, and the record comes back with
// the other device's words. Still in the trash with the words this device had: the
// purge is sent again on the server's version. Anything else stays in the trash.
function afterPurge(entry, current, state) {
  if (emptied(current)) return { ...state, pending: null, gone: true };
  const purge = { op: "purge", fields: null, baseContent: current.content };
  if (current.content == null) {
    // Unreadable here: in the trash it can go; brought back, this device's copy stays.
    return { ...state, server: null, pending: current.deleted ? purge : null };
  }
  const unchanged = current.deleted && same(current.content, entry.baseContent ?? {});
  return { ...state, pending: unchanged ? purge : null };
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
