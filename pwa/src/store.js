// The device's own copy of everything, in IndexedDB. Nothing here needs the network.
// The stores are described, and first opened, in boot.js.

const NAME = "between";
let opening = null;

export function open() {
  opening ??= (self.openingBetweenDatabase ?? self.openBetweenDatabase()).then((db) => {
    db.onversionchange = (event) => {
      if (event.newVersion === null) {
        // Another tab is deleting the database (signing out): let it, and open
        // again when next asked.
        db.close();
        opening = null;
        knownDevice = null;
      } else {
        // A newer version of the app, in another tab, needs to upgrade the database.
        // This tab is out of date: main.js saves what is typed, then lets go.
        document.dispatchEvent(new CustomEvent("outdated", { detail: () => db.close() }));
      }
    };
    return db;
  });
  self.openingBetweenDatabase = null;
  return opening;
}

export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Run `work(tx)` in one transaction; resolves with its result once the transaction
// has committed. Writes that carry the user's words use strict durability, so they
// are on disk before we say they are saved.
export async function transact(stores, mode, work) {
  if (mode === "readwrite") early = null;
  const db = await open();
  const options = mode === "readwrite" ? { durability: "strict" } : undefined;
  const tx = db.transaction(stores, mode, options);
  const committed = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error ?? new Error("The save was interrupted."));
    tx.onerror = () => reject(tx.error);
  });
  let result;
  try {
    result = await work(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished; the commit promise reports what happened.
    }
    await committed.catch(() => {});
    throw error;
  }
  await committed;
  return result;
}

export const read = (stores, work) => transact(stores, "readonly", work);
export const write = (stores, work) => transact(stores, "readwrite", work);

export async function getMeta(key, fallback = null) {
  const row = await read(["meta"], (tx) => done(tx.objectStore("meta").get(key)));
  return row ? row.value : fallback;
}

export function setMeta(key, value) {
  return write(["meta"], (tx) => done(tx.objectStore("meta").put({ key, value })));
}

export function metaIn(tx, key, fallback = null) {
  return done(tx.objectStore("meta").get(key)).then((row) => (row ? row.value : fallback));
}

// This device's sync id, made once. Read at every letter edit, so it is kept in memory
// until the database is deleted.
let knownDevice = null;

export function deviceId() {
  knownDevice ??= (async () => {
    let id = await getMeta("deviceId");
    if (!id) {
      id = crypto.randomUUID();
      await setMeta("deviceId", id);
    }
    return id;
  })();
  return knownDevice;
}

// What boot.js read while the app loaded, good until the first write.
let early = self.earlyRead ?? null;
self.earlyRead = null;

export async function earlyValue(name) {
  const taken = early && (await early);
  return taken && early ? taken[name] : undefined;
}

export function recordsOfKind(kind) {
  return read(["records"], (tx) => done(tx.objectStore("records").index("kind").getAll(kind)));
}

// The letter list's small rows (see boot.js): what is read to show the list.
export async function letterSummaries() {
  const letters = await earlyValue("letters");
  if (letters) {
    early = null; // once: after this the list follows the database
    return letters;
  }
  return read(["summaries"], (tx) => done(tx.objectStore("summaries").getAll()));
}

// Every write of a record goes through these two, so a letter's summary never
// differs from the letter. `tx` must include RECORD_STORES.
export const RECORD_STORES = ["records", "summaries"];

export function putRecord(tx, record) {
  tx.objectStore("records").put(record);
  if (record.kind === "letter") tx.objectStore("summaries").put(self.letterSummary(record));
}

export function deleteRecord(tx, id) {
  tx.objectStore("records").delete(id);
  tx.objectStore("summaries").delete(id);
}

export function getRecord(id) {
  return read(["records"], (tx) => done(tx.objectStore("records").get(id)));
}

export function outboxCount() {
  return read(["outbox"], (tx) => done(tx.objectStore("outbox").count()));
}

export function outboxEntries() {
  return read(["outbox"], (tx) => done(tx.objectStore("outbox").getAll()));
}

export function rejectedEntries() {
  return read(["rejected"], (tx) => done(tx.objectStore("rejected").getAll()));
}

export function dismissRejected(seq) {
  return write(["rejected"], (tx) => done(tx.objectStore("rejected").delete(seq)));
}

// Everything this device holds, gone: used only after signing out.
export async function wipe() {
  const db = await open();
  db.close();
  opening = null;
  knownDevice = null;
  await done(indexedDB.deleteDatabase(NAME));
}
