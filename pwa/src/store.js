// The device's own copy of everything, in IndexedDB. Nothing here needs the network.
//
// records  one row per synced record: the server's fields and version, and the
//          fields as this device shows them (the server's with unsent edits on top)
// outbox   edits not yet acknowledged by the server, oldest first
// rejected what the server refused, kept so the words stay visible
// meta     device id, sync cursor, next mutation id, account, last sync time

const NAME = "between";
const VERSION = 1;
let opening = null;

export function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      const records = db.createObjectStore("records", { keyPath: "id" });
      records.createIndex("kind", "kind");
      const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("recordId", "recordId");
      db.createObjectStore("rejected", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("meta", { keyPath: "key" });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab is upgrading or deleting: let it, and open again when asked.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("The app is open in another tab that is busy."));
  });
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

export function recordsOfKind(kind) {
  return read(["records"], (tx) => done(tx.objectStore("records").index("kind").getAll(kind)));
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
  await done(indexedDB.deleteDatabase(NAME));
}
