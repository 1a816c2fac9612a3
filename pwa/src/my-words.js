// "Download my words": everything this device can read, as JSON, made here from
// IndexedDB. The server's copy is sealed and could not be read by the person, so the
// export that matters is this one. It works offline, and it holds changes not yet
// synced. Earlier versions of letters stay on the account.

import { done, read } from "./store.js";

const GROUPS = {
  letter: "letters",
  toolkit_box: "toolkitBoxes",
  toolkit_item: "toolkitThings",
  toolkit_use: "toolkitUses",
  carry_card: "wordsToCarry",
  plan: "plans",
  shared_letter: "sharedLetters",
};

export async function myWords(now = new Date()) {
  const records = await read(["records"], (tx) => done(tx.objectStore("records").getAll()));
  const words = {
    madeAt: now.toISOString(),
    about: "Everything this device could read when this file was made. Your account keeps it sealed.",
    preferences: null,
    ...Object.fromEntries(Object.values(GROUPS).map((group) => [group, []])),
  };
  for (const record of records) {
    const fields = record.fields ?? {};
    // Gone: deleted for good, or deleted and not a letter (only letters have a trash).
    if (record.purging || !Object.keys(fields).length) continue;
    if (record.deleted && record.kind !== "letter") continue;
    const entry = { id: record.id, ...fields, ...(record.deleted ? { inTheTrash: true } : {}) };
    if (record.kind === "preferences") words.preferences = entry;
    else if (Object.hasOwn(GROUPS, record.kind)) words[GROUPS[record.kind]].push(entry);
  }
  return words;
}
