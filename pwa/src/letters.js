// Letters on this device: every change goes through the outbox, so it is saved here
// first and reaches the server when it can.

import { gql } from "./api.js";
import { change } from "./outbox.js";
import { getRecord, letterSummaries, recordsOfKind } from "./store.js";
import { announce } from "./sync.js";

const KIND = "letter";
export const STATES = { draft: "Draft", kept: "Kept", never_send: "Never send" };
// How long the server keeps a letter in the trash (TRASH_DAYS in server/letters/service.py;
// a test keeps the two equal).
export const TRASH_DAYS = 30;

const stamp = () => new Date().toISOString();

function saved(record) {
  announce("saved", { id: record?.id ?? null });
  return record;
}

export function asLetter(record) {
  const f = record.fields;
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
    deleted: record.deleted,
    deletedAt: record.deletedAt,
    synced: record.version != null,
    conflict:
      f.conflictBody != null || f.conflictTitle != null
        ? { title: f.conflictTitle ?? f.title ?? "", body: f.conflictBody ?? "" }
        : null,
  };
}

const newest = (a, b) => (b.editedAt ?? "").localeCompare(a.editedAt ?? "");

export async function allLetters() {
  return (await recordsOfKind(KIND)).map(asLetter).sort(newest);
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
  return record && record.kind === KIND ? asLetter(record) : null;
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
    ...fields,
  };
  await change(KIND, id, "upsert", all);
  saved({ id });
  return id;
}

// The one write path for typing: the changed fields and the outbox, in one transaction.
export async function editLetter(id, fields) {
  return saved(await change(KIND, id, "upsert", { ...fields, clientEditedAt: stamp() }));
}

export async function trashLetter(id) {
  const record = await change(KIND, id, "delete", null, (current, entries) =>
    current.version == null && entries.every((entry) => entry.mutationId == null) ? "forget" : true,
  );
  return saved(record ?? { id });
}

export const restoreLetter = async (id) => saved(await change(KIND, id, "restore"));
export const purgeLetter = async (id) => saved(await change(KIND, id, "purge"));
export const resolveConflict = async (id) => saved(await change(KIND, id, "resolve_conflict"));
export const restoreRevision = async (id, revisionId) =>
  saved(await change(KIND, id, "restore_revision", { revisionId }));

// Keep the other version: its words become the letter, and the aside is cleared.
export async function keepOther(id) {
  const current = await letter(id);
  await editLetter(id, { title: current.conflict.title, body: current.conflict.body });
  return resolveConflict(id);
}

// Keep both: the other version becomes a letter of its own.
export async function keepBoth(id) {
  const current = await letter(id);
  const copy = await createLetter({
    title: current.conflict.title ? `${current.conflict.title} (other version)` : "Other version",
    body: current.conflict.body,
    tags: current.tags,
  });
  await resolveConflict(id);
  return copy;
}

const REVISIONS = `query Revisions($id: ID!) {
  letterRevisions(letterId: $id) { id version reason title body createdAt }
}`;

export async function revisions(id) {
  return (await gql(REVISIONS, { id })).letterRevisions;
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
