// Letters on this device: every change goes through the outbox, so it is saved here
// first and reaches the server when it can. A letter is a sealed kind
// (sealed-kinds.js): the server keeps it, and its earlier versions, only as envelopes.

import { deviceLabel } from "./device-label.js";
import { change } from "./outbox.js";
import { deviceId, getRecord, letterSummaries, recordsOfKind } from "./store.js";
import { announce } from "./sync.js";

const KIND = "letter";
export const STATES = { draft: "Draft", kept: "Kept", never_send: "Never send" };
// How long the server keeps a letter in the trash (TRASH_DAYS in server/sync/trash.py;
// a test keeps the two equal).
export const TRASH_DAYS = 30;
// The fields whose two versions the letter screen sets side by side.
export const WORDS = ["title", "body"];

const stamp = () => new Date().toISOString();

// Where an edit was made, sealed with it, so another device can say "the phone".
export async function editedOn() {
  return { device: await deviceId(), label: deviceLabel() };
}

function saved(record) {
  announce("saved", { id: record?.id ?? null });
  return record;
}

export function asLetter(record) {
  const f = record.fields;
  const conflicts = Array.isArray(f.conflicts) ? f.conflicts : [];
  return {
    id: record.id,
    title: f.title ?? "",
    body: f.body ?? "",
    recipient: f.recipient ?? "",
    part: f.part ?? "",
    tags: f.tags ?? [],
    state: f.state ?? "draft",
    forNextSession: Boolean(f.forNextSession),
    createdAt: f.clientCreatedAt ?? record.updatedAt,
    editedAt: f.clientEditedAt ?? record.updatedAt,
    editedOn: f.editedOn ?? null,
    deleted: record.deleted,
    deletedAt: record.deletedAt,
    synced: record.version != null,
    conflicts,
    // Two versions of its words are waiting for the person to choose.
    conflict: conflicts.some((conflict) => WORDS.includes(conflict.field)),
  };
}

const newest = (a, b) => (b.editedAt ?? "").localeCompare(a.editedAt ?? "");
// A letter deleted for good here, on its way to the server, is no longer shown.
const kept = (records) => records.filter((record) => !record.purging);

export async function allLetters() {
  return kept(await recordsOfKind(KIND))
    .map(asLetter)
    .sort(newest);
}

export async function letters() {
  return (await allLetters()).filter((letter) => !letter.deleted);
}

// The list: like letters(), but each body is only its beginning. Reading the whole of
// every letter would make opening the app slower with every page written.
export async function letterList() {
  return (await letterSummaries())
    .map(asLetter)
    .sort(newest)
    .filter((letter) => !letter.deleted);
}

export async function trashed() {
  return (await allLetters()).filter((letter) => letter.deleted);
}

export async function letter(id) {
  const record = await getRecord(id);
  return record && record.kind === KIND && !record.purging ? asLetter(record) : null;
}

export async function createLetter(fields = {}) {
  const now = stamp();
  const id = crypto.randomUUID();
  const all = {
    title: "",
    body: "",
    recipient: "",
    tags: [],
    state: "draft",
    forNextSession: false,
    clientCreatedAt: now,
    clientEditedAt: now,
    editedOn: await editedOn(),
    ...fields,
  };
  await change(KIND, id, "upsert", all);
  saved({ id });
  return id;
}

// The one write path for typing: the changed fields and the outbox, in one transaction.
export async function editLetter(id, fields) {
  return saved(await change(KIND, id, "upsert", { ...fields, clientEditedAt: stamp(), editedOn: await editedOn() }));
}

// To the trash: a delete the server keeps, envelope and all, for TRASH_DAYS.
export async function trashLetter(id) {
  const record = await change(KIND, id, "delete", null, (current, entries) =>
    current.version == null && entries.every((entry) => entry.mutationId == null) ? "forget" : true,
  );
  return saved(record ?? { id });
}

// Back from the trash: the letter as it was, sent again on the tombstone's version.
export const restoreLetter = async (id) => saved(await change(KIND, id, "upsert", {}));

// Deleted for good. If it was changed elsewhere meanwhile, it comes back with those
// words (an edit beats a delete); until the server answers it is not shown.
export async function purgeLetter(id) {
  const record = await change(KIND, id, "purge", null, (current) => {
    current.purging = true;
    return true;
  });
  return saved(record);
}

// Set-aside words of a letter, grouped by the merge that set them aside (one group
// holds a title and a body written at the same time).
export function versionGroups(letter) {
  const groups = new Map();
  for (const conflict of letter.conflicts) {
    if (!WORDS.includes(conflict.field)) continue;
    const key = JSON.stringify([conflict.at, conflict.device ?? null, conflict.editedAt ?? null]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(conflict);
  }
  return [...groups.values()];
}

const sameConflict = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The person chose between the letter's words and a group of set-aside words:
// "this" keeps the letter as it is, "other" puts the set-aside words in their place,
// "both" makes the set-aside words a letter of their own. Every choice is an
// ordinary edit that syncs; the group's notice goes. Returns the new letter's id for
// "both".
export async function chooseVersion(id, group, choice) {
  const current = await letter(id);
  if (!current) return null;
  const fields = { conflicts: current.conflicts.filter((c) => !group.some((g) => sameConflict(c, g))) };
  const other = Object.fromEntries(group.map((conflict) => [conflict.field, conflict.mine]));
  if (choice === "other") Object.assign(fields, other);
  let copy = null;
  if (choice === "both") {
    const title = other.title ?? current.title;
    copy = await createLetter({
      title: title ? `${title} (other version)` : "Other version",
      body: other.body ?? current.body,
      recipient: current.recipient,
      part: current.part,
      tags: current.tags,
    });
  }
  await editLetter(id, fields);
  return copy;
}

// Another field's words or choice set aside (tags, a mark): keep it instead, or let
// it go, as an edit of the letter (ui/kit/set-aside.js).
export async function settleLetterAside(id, conflict, keep) {
  const current = await letter(id);
  if (!current) return;
  const fields = { conflicts: current.conflicts.filter((other) => !sameConflict(other, conflict)) };
  if (keep) fields[conflict.field] = conflict.mine;
  await editLetter(id, fields);
}

// Search on the device only: accents and case do not matter.
const fold = (text) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLocaleLowerCase();

export function matches(letter, query) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = fold([letter.title, letter.body, letter.recipient, letter.part, ...letter.tags].join("\n"));
  return words.every((word) => haystack.includes(word));
}

export function excerpt(letter, length = 140) {
  const text = letter.body
    .slice(0, length * 2)
    .trim()
    .replace(/\s+/g, " ");
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
