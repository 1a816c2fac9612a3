// The person's own words and their Help now contacts: one synced record per account,
// whose id comes from the account id, so every device writes the same record.

import { all, edit } from "./records.js";
import { me } from "./me.js";

const KIND = "preferences";
export const DEFAULTS = {
  therapistWord: "therapist",
  breakWord: "break",
  endingWord: "ending",
  innerChild: true,
  showStarters: true,
  helpCountry: "",
  helpContacts: [],
};

async function idFor(accountId) {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`between-preferences:${accountId}`)),
  ).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8: a name-based id of our own
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function preferences() {
  const account = await me();
  if (!account) return { ...DEFAULTS };
  const id = await idFor(account.id);
  const mine = (await all(KIND)).find((record) => record.id === id);
  return { ...DEFAULTS, ...mine };
}

export async function setPreferences(changes) {
  const account = await me();
  if (!account) return;
  await edit(KIND, await idFor(account.id), changes);
}
