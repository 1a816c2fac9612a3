// The signed-in account, read from the device once and then kept in memory.

import { earlyValue, getMeta, setMeta } from "./store.js";

let known;

export async function me() {
  if (known === undefined) known = (await earlyValue("account")) ?? (await getMeta("account"));
  return known;
}

export async function remember(account) {
  if (account) await setMeta("account", account);
  known = account;
}
