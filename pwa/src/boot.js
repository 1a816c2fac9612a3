// A classic script, run while the page is still being read: it starts opening the
// device's database before the app's modules have loaded. On a slow phone that open
// is the longest wait before the letters can be shown, so it should not wait its turn.
//
// records  one row per synced record: the server's fields and version, and the
//          fields as this device shows them (the server's with unsent edits on top)
// outbox   edits not yet acknowledged by the server, oldest first
// rejected what the server refused, kept so the words stay visible
// meta     device id, sync cursor, next mutation id, account, last sync time

self.openBetweenDatabase = () =>
  new Promise((resolve, reject) => {
    const request = indexedDB.open("between", 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      const records = db.createObjectStore("records", { keyPath: "id" });
      records.createIndex("kind", "kind");
      const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("recordId", "recordId");
      db.createObjectStore("rejected", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("meta", { keyPath: "key" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("The app is open in another tab that is busy."));
  });

self.openingBetweenDatabase = self.openBetweenDatabase();

// The first screen needs the account and the letters: read them now, in one go.
self.earlyRead = self.openingBetweenDatabase.then(
  (db) =>
    new Promise((resolve) => {
      const tx = db.transaction(["meta", "records"], "readonly");
      const account = tx.objectStore("meta").get("account");
      const letters = tx.objectStore("records").index("kind").getAll("letter");
      tx.oncomplete = () => resolve({ account: account.result?.value ?? null, letters: letters.result });
      tx.onerror = () => resolve(null);
    }),
  () => null,
);
