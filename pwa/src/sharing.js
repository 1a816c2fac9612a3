// Sharing from this device (docs/sharing.md): connect codes, links and shares through
// the server, which sharing needs; and the therapist's shared letters as they sit on
// this device after a pull, which work offline.

import { ApiError, gql, offline } from "./api.js";
import { asLetter } from "./letters.js";
import { edit } from "./records.js";
import { getMeta, getRecord, metaIn, outboxEntries, recordsOfKind, setMeta, write } from "./store.js";
import { bus, status, syncNow } from "./sync.js";

const LINK = `id personId personName linkedAt comparedSafetyNumber
  personKeys { accountId encryptionAlgorithm encryptionKey signingAlgorithm signingKey }`;
const SHARE = `id letterId linkId therapistName title body note delivery deliverAt status
  edition sharedAt createdAt deliveredAt withdrawnAt cancelledAt`;

// ---- Links, both sides ----

export async function links() {
  return (await gql(`query { sharingLinks { ${LINK} } }`)).sharingLinks;
}

// Ending a link withdraws what was shared through it; a sync shows that at once.
export async function unlink(linkId) {
  await gql("mutation Unlink($id: ID!) { unlink(linkId: $id) }", { id: linkId });
  syncNow();
}

// ---- Connect codes: therapists make them, clients use them ----

// The server keeps only a hash, so the code it gave is kept here until it expires.
const CODE = "connectCode";

export async function currentCode() {
  const [held, expiresAt] = await Promise.all([
    getMeta(CODE),
    gql("query { connectCodeExpiresAt }").then((data) => data.connectCodeExpiresAt),
  ]);
  // No usable code on the server: the one held here was used or replaced.
  const usable = held && expiresAt && held.expiresAt === expiresAt && new Date(expiresAt) > new Date();
  if (held && !usable) await setMeta(CODE, null);
  return { code: usable ? held : null, elsewhereUntil: !usable && expiresAt ? expiresAt : null };
}

export async function newCode() {
  const made = (await gql("mutation { newConnectCode { code expiresAt } }")).newConnectCode;
  await setMeta(CODE, made);
  return made;
}

export async function lookUp(code) {
  return (
    await gql(
      "query LookUp($code: String!) { lookUpConnectCode(code: $code) { therapistName expiresAt alreadyLinked } }",
      { code },
    )
  ).lookUpConnectCode;
}

export async function linkWith(code) {
  return (await gql(`mutation Link($code: String!) { linkWithTherapist(code: $code) { ${LINK} } }`, { code }))
    .linkWithTherapist;
}

// ---- Shares, for the client ----

export async function myShares(letterId = null) {
  const asked = new Date().toISOString();
  const shares = (await gql(`query Shares($letterId: ID) { myShares(letterId: $letterId) { ${SHARE} } }`, { letterId }))
    .myShares;
  await rememberShared({ shares, letterId, asked, whole: true });
  return shares;
}

export const isLive = (share) => share.status === "HELD" || share.status === "DELIVERED";
const SHARED_LETTERS = "sharedLetters";
let remembering = Promise.resolve();

// Which letters were last seen shared and not taken back, so that the device can
// still say so when it is offline:
//   { letterId: { therapistName, checkedAt, live: { shareId: { therapistName, status, deliverAt } } } }
// `whole`: the answer lists every share (of one letter, or of all), so what it does
// not list is no longer shared. A share that is no longer live leaves its letter's
// entry, and an entry with none left goes. An older answer never replaces a newer
// one, and updates run one after another so that none is lost. Each update is told
// on the bus ("shares"), so the letter and the list can show a held share at once.
function rememberShared({ shares, letterId = null, asked, whole }) {
  // What this answer speaks for and is newer than: it replaces that.
  const replaces = (id, seen) => whole && (!letterId || id === letterId) && seen.checkedAt <= asked;
  const step = remembering.then(async () => {
    const before = await getMeta(SHARED_LETTERS, {});
    const known = Object.fromEntries(Object.entries(before).filter(([id, seen]) => !replaces(id, seen)));
    for (const share of shares) {
      const seen = known[share.letterId];
      if (seen?.checkedAt > asked) continue;
      const live = { ...(seen?.live ?? {}) };
      if (isLive(share)) {
        live[share.id] = { therapistName: share.therapistName, status: share.status, deliverAt: share.deliverAt };
      } else {
        delete live[share.id];
      }
      const names = Object.values(live);
      if (names.length) {
        known[share.letterId] = { therapistName: names[0].therapistName, checkedAt: asked, live };
      } else {
        delete known[share.letterId];
      }
    }
    await setMeta(SHARED_LETTERS, known);
    bus.dispatchEvent(new Event("shares"));
  });
  // A failed write (the device being cleared, say) must not stop the ones after it.
  remembering = step.catch(() => {});
  return remembering;
}

// A share just made or changed: noted at once, without waiting for a list that may
// not come.
async function noted(share) {
  await rememberShared({ shares: [share], asked: new Date().toISOString(), whole: false });
  return share;
}

// As last seen from the server, or null.
export async function lastKnownShared(letterId) {
  return (await getMeta(SHARED_LETTERS, {}))[letterId] ?? null;
}

// The shares this device last saw held and not yet due, by letter:
// { letterId: [{ id, therapistName, deliverAt, checkedAt }] }, soonest first. Known
// offline too; a held share whose time has passed has most likely been delivered, so
// it is not offered for cancelling.
export async function heldShares(now = Date.now()) {
  const held = {};
  for (const [letterId, seen] of Object.entries(await getMeta(SHARED_LETTERS, {}))) {
    const list = Object.entries(seen.live ?? {})
      .filter(([, share]) => share.status === "HELD" && new Date(share.deliverAt).getTime() > now)
      .map(([id, share]) => ({ id, ...share, checkedAt: seen.checkedAt }))
      .sort((a, b) => a.deliverAt.localeCompare(b.deliverAt));
    if (list.length) held[letterId] = list;
  }
  return held;
}

// Clients: look when the app opens or signs in, so a letter shared from another device
// is known here before this one goes offline.
export function refreshShared() {
  return myShares().catch(() => {});
}

// The server cannot read a letter's marks, so this device is the one that refuses to
// share a letter marked "never send": as it shows it, or as the server holds it.
async function refuseNeverSend(letterId) {
  const record = await getRecord(letterId);
  if (record?.fields?.state === "never_send" || record?.server?.state === "never_send") {
    throw new ApiError("NEVER_SEND", "This letter is marked never to send.");
  }
}

export async function shareLetter(input) {
  await refuseNeverSend(input.letterId);
  const query = `mutation Share($input: ShareLetterInput!) { shareLetter(input: $input) { ${SHARE} } }`;
  return noted((await gql(query, { input })).shareLetter);
}

async function shareAction(name, id) {
  const query = `mutation Act($id: ID!) { ${name}(id: $id) { ${SHARE} } }`;
  return noted((await gql(query, { id }))[name]);
}

export const cancelShare = (id) => shareAction("cancelShare", id);
export const withdrawShare = (id) => shareAction("withdrawShare", id);

// Sends the letter's words as this device holds them at `copy.version` (see serverCopy).
export async function resendShare(id, copy) {
  await refuseNeverSend(copy.id);
  const query = `mutation Resend($id: ID!, $letterVersion: Int, $title: String, $body: String) {
    resendShare(id: $id, letterVersion: $letterVersion, title: $title, body: $body) { ${SHARE} } }`;
  const words = { letterVersion: copy.version, title: copy.title, body: copy.body };
  return noted((await gql(query, { id, ...words })).resendShare);
}

// What the server holds of a letter, which is what a share would send: the device's
// own edits go first, so the preview is exactly what the therapist would get.
// Throws OFFLINE when those edits cannot reach the server now.
export async function serverCopy(letterId) {
  const waiting = async () => (await outboxEntries()).some((entry) => entry.recordId === letterId);
  if (await waiting()) await syncNow();
  if (await waiting()) throw new ApiError("OFFLINE", "This letter's latest words have not reached your account yet.");
  const record = await getRecord(letterId);
  if (!record || record.version == null) throw new ApiError("NOT_FOUND", "This letter is not on your account.");
  return { ...asLetter({ ...record, fields: record.server, deleted: record.serverDeleted }), version: record.version };
}

export const differsFrom = (share, copy) => share.title !== copy.title || share.body !== copy.body;

// ---- The therapist's shared letters, on this device ----

const KIND = "shared_letter";

// A withdrawn letter arrives as a tombstone without words. A mark made offline for it
// can keep the record here until the server refuses the mark; it is never shown.
const shown = (record) =>
  record.version != null && !record.deleted && !record.serverDeleted && record.server.body != null;

function asShared(record) {
  const f = record.fields;
  return {
    id: record.id,
    clientId: f.clientId,
    clientName: f.clientName ?? "",
    title: f.title ?? "",
    body: f.body ?? "",
    note: f.note ?? "",
    sharedAt: f.sharedAt,
    deliveredAt: f.deliveredAt,
    edition: f.edition ?? 1,
    discussed: Boolean(f.discussedInSession),
  };
}

export async function sharedLetters() {
  return (await recordsOfKind(KIND)).filter(shown).map(asShared);
}

export async function sharedLetter(id) {
  const record = await getRecord(id);
  return record && record.kind === KIND && shown(record) ? asShared(record) : null;
}

// Grouped by client, names in order; each client's letters newest first.
export function byClient(letters) {
  const groups = new Map();
  for (const letter of letters) {
    if (!groups.has(letter.clientId)) groups.set(letter.clientId, { clientId: letter.clientId, letters: [] });
    groups.get(letter.clientId).letters.push(letter);
  }
  return [...groups.values()]
    .map((group) => {
      group.letters.sort((a, b) => (b.sharedAt ?? "").localeCompare(a.sharedAt ?? ""));
      group.clientName = group.letters[0].clientName;
      return group;
    })
    .sort((a, b) => a.clientName.localeCompare(b.clientName));
}

// The therapist's private mark: synced to their own devices only.
export const markDiscussed = (id, discussed) => edit(KIND, id, { discussedInSession: discussed });

// ---- Openings, for the client's access log ----

const OPEN = `mutation Open($id: ID!, $openedAt: String) {
  openSharedLetter(id: $id, openedAt: $openedAt) { id edition }
}`;
// Reported later even if the letter was withdrawn meanwhile: the words were here.
const REPORT = "mutation Report($id: ID!, $openedAt: String!) { reportOpening(id: $id, openedAt: $openedAt) }";
const OPENINGS = "openingsToSend";
// Answers after which an opening can never be logged (not this therapist's letter).
const FINAL = new Set(["NOT_FOUND", "BAD_INPUT", "FORBIDDEN"]);

// Every opening reaches the access log: now, or later with the device's time.
// Returns the server's answer, or null when offline.
export async function opening(id) {
  const openedAt = new Date().toISOString();
  try {
    return (await gql(OPEN, { id, openedAt: null })).openSharedLetter;
  } catch (error) {
    if (!offline(error)) throw error;
    await write(["meta"], async (tx) => {
      const queued = await metaIn(tx, OPENINGS, []);
      tx.objectStore("meta").put({ key: OPENINGS, value: [...queued, { id, openedAt }] });
    });
    return null;
  }
}

let sending = null;

export function sendOpenings() {
  sending ??= (async () => {
    const run = async () => {
      for (const entry of await getMeta(OPENINGS, [])) {
        try {
          await gql(REPORT, entry);
        } catch (error) {
          if (!(error instanceof ApiError) || !FINAL.has(error.code)) return;
        }
        await write(["meta"], async (tx) => {
          const queued = await metaIn(tx, OPENINGS, []);
          const rest = queued.filter((e) => !(e.id === entry.id && e.openedAt === entry.openedAt));
          tx.objectStore("meta").put({ key: OPENINGS, value: rest });
        });
      }
    };
    await (navigator.locks ? navigator.locks.request("between-openings", run) : run());
  })()
    .catch(() => {})
    .finally(() => {
      sending = null;
    });
  return sending;
}

let watching = false;

// After each good sync the device is online: send what was opened offline.
export function watchOpenings() {
  if (watching) return;
  watching = true;
  bus.addEventListener("status", () => {
    if (!status.running && !status.problem) sendOpenings();
  });
  sendOpenings();
}
