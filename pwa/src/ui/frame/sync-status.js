// One quiet, true word about syncing for the top bar, and the sentences behind it.
// The word never pairs a waiting change with "synced": when something is waiting,
// that is what it says.

import { bus, status } from "../../sync.js";
import { h, replace, when } from "../kit/dom.js";

const changes = (n) => `${n} ${n === 1 ? "change" : "changes"}`;

// { icon, word }: the state that matters most wins. A change waiting on this device
// matters more than a sync that went well a while ago.
export function syncSummary() {
  if (status.problem === "signed-out") return { icon: "problem", word: "Signed out" };
  if (status.running) return { icon: "syncing", word: "Syncing…" };
  if (status.unsynced) return { icon: "waiting", word: `${status.unsynced} waiting` };
  if (status.problem === "offline") return { icon: "offline", word: "Offline" };
  if (status.problem) return { icon: "problem", word: "Not synced" };
  if (status.lastSyncAt) return { icon: "synced", word: "Synced" };
  return { icon: "waiting", word: "Not synced" };
}

// What an unnamed record is, by its kind.
const SOMETHING = { plan: "A plan", preferences: "Your settings" };

// Records whose sealed copy on the server did not open here (a damaged or changed
// envelope): named by this device's own copy, which stays as it was.
export function unopenedSentence(list = status.unopened) {
  if (!list?.length) return null;
  const names = list.map((row) => row.name).filter(Boolean);
  const named = names.map((name) => `“${name}”`).join(", ");
  if (list.length === 1) {
    return names.length
      ? `The copy of ${named} in your account could not be opened on this device. The copy here is kept as it was, and everything else syncs.`
      : `${SOMETHING[list[0].kind] ?? "Something from your toolkit"}, as your account has ${list[0].kind === "preferences" ? "them" : "it"}, could not be opened on this device. Everything else syncs.`;
  }
  return `${list.length} things in your account could not be opened on this device${
    names.length ? ` (${named})` : ""
  }. The copies here are kept as they were, and everything else syncs.`;
}

// A screen's notice naming its records that did not open (`kinds`), said apart from
// the rest of the screen so that a sync ending does not redraw what is being typed.
// `stop` when the screen is left.
export function unopenedNotice(kinds) {
  const element = h("div", { role: "status" });
  let said = null;
  const draw = () => {
    const sentence = unopenedSentence(status.unopened.filter((row) => kinds.includes(row.kind)));
    if (sentence === said) return;
    said = sentence;
    replace(element, sentence ? h("p", { class: "notice", id: "unopened" }, sentence) : null);
  };
  draw();
  bus.addEventListener("status", draw);
  return { element, stop: () => bus.removeEventListener("status", draw) };
}

// The whole story, for the panel under the word and the Account screen.
export function syncDetail() {
  const n = status.unsynced;
  const sentences = [
    n
      ? `${changes(n)} saved on this device, not yet synced to your account.`
      : status.lastSyncAt && !status.problem
        ? `Everything is saved on this device and synced to your account, last ${when(status.lastSyncAt)}.`
        : "Everything is saved on this device.",
  ];
  if (status.problem === "offline") sentences.push("You are offline. It syncs by itself when there is a connection.");
  else if (status.problem === "signed-out")
    sentences.push("This device was signed out. Sign in again on the Account screen to sync.");
  else if (status.running) sentences.push("Syncing now.");
  else if (status.problem) sentences.push(`The last try did not work (${status.problem}). It tries again by itself.`);
  const unopened = unopenedSentence();
  if (unopened) sentences.push(unopened);
  return sentences.join(" ");
}
