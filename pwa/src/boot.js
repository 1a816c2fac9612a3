// A classic script, run while the page is still being read: it starts opening the
// device's database before the app's modules have loaded. On a slow phone that open
// is the longest wait before the letters can be shown, so it should not wait its turn.
//
// records    one row per synced record: the server's fields and version, and the
//            fields as this device shows them (the server's with unsent edits on top)
// summaries  one small row per letter, enough for the list: read at every open, so
//            its size must not grow with the letters' length
// outbox     edits not yet acknowledged by the server, oldest first
// rejected   what the server refused, kept so the words stay visible
// meta       device id, sync cursor, next mutation id, account, last sync time

// The neutral name and icon (lock.js), in place before anything is drawn: someone
// glancing at the tab or the app switcher must not see the real name for a moment.
// The flag is kept in localStorage because only a synchronous read is early enough.
const NEUTRAL_FLAG = "between-neutral";
self.neutralName = "Notes";
const NAME_LINKS = [
  ["manifest", "/manifest.webmanifest", "/neutral.webmanifest"],
  ["icon", "/icons/icon.svg", "/icons/neutral.svg"],
  ["apple-touch-icon", "/icons/apple-touch-icon.png", "/icons/neutral-apple-touch-icon.png"],
];

self.showNeutralName = (neutral) => {
  try {
    localStorage.setItem(NEUTRAL_FLAG, neutral ? "1" : "");
  } catch {
    // Storage refused (private mode): the database's setting still applies once read.
  }
  for (const [rel, normal, other] of NAME_LINKS) {
    const link = document.querySelector(`link[rel="${rel}"]`);
    const href = neutral ? other : normal;
    if (link && link.getAttribute("href") !== href) link.setAttribute("href", href);
  }
};

try {
  if (localStorage.getItem(NEUTRAL_FLAG) === "1") {
    document.title = self.neutralName;
    self.showNeutralName(true);
  }
} catch {
  // As above.
}

// Long enough for the list's excerpt; the rest of a letter stays in `records`.
const SUMMARY_BODY = 400;

// The list's view of a letter record. store.js writes one beside every letter.
self.letterSummary = (record) => {
  const fields = { ...record.fields, body: (record.fields.body ?? "").slice(0, SUMMARY_BODY) };
  // The list only says that there are two versions: which fields, not their words.
  if (Array.isArray(fields.conflicts)) fields.conflicts = fields.conflicts.map(({ field }) => ({ field }));
  return {
    id: record.id,
    kind: record.kind,
    version: record.version,
    fields,
    deleted: record.deleted,
    deletedAt: record.deletedAt,
    updatedAt: record.updatedAt,
  };
};

// One upgrade step per version, like the server's migrations: never edit a step,
// add the next one.
function upgrade(db, tx, oldVersion) {
  if (oldVersion < 1) {
    const records = db.createObjectStore("records", { keyPath: "id" });
    records.createIndex("kind", "kind");
    const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("recordId", "recordId");
    db.createObjectStore("rejected", { keyPath: "seq", autoIncrement: true });
    db.createObjectStore("meta", { keyPath: "key" });
  }
  if (oldVersion < 2) {
    const summaries = db.createObjectStore("summaries", { keyPath: "id" });
    tx.objectStore("records").index("kind").openCursor("letter").onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      summaries.put(self.letterSummary(cursor.value));
      cursor.continue();
    };
  }
}

self.openBetweenDatabase = () =>
  new Promise((resolve, reject) => {
    const request = indexedDB.open("between", 2);
    request.onupgradeneeded = (event) => upgrade(request.result, request.transaction, event.oldVersion);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    // An upgrade waits while another tab saves what is typed there and lets go.
  });

self.openingBetweenDatabase = self.openBetweenDatabase();

// The first screen needs the account, the lock settings and the letter list: read
// them now, in one go.
self.earlyRead = self.openingBetweenDatabase.then(
  (db) =>
    new Promise((resolve) => {
      const tx = db.transaction(["meta", "summaries"], "readonly");
      const meta = tx.objectStore("meta");
      const account = meta.get("account");
      const discretion = meta.get("discretion");
      const letters = tx.objectStore("summaries").getAll();
      tx.oncomplete = () =>
        resolve({
          account: account.result?.value ?? null,
          discretion: discretion.result?.value ?? null,
          letters: letters.result,
        });
      tx.onerror = () => resolve(null);
    }),
  () => null,
);
