// Signing in and out on this device. Signing out clears everything the device holds.

import { gql } from "./api.js";
import { disconnect, listen } from "./live.js";
import { outboxCount, wipe } from "./store.js";
import { startSyncing, syncNow } from "./sync.js";
import { me, remember } from "./me.js";

const ACCOUNT = "account { id username displayName role }";
const ACCOUNT_FIELDS = "id username displayName role";

export class LocalDataInTheWay extends Error {}

// Another person's unsynced words on this device are never wiped by a sign-in.
async function makeRoomFor(username) {
  const current = await me();
  if (!current || current.username === username) return;
  const unsynced = await outboxCount();
  if (unsynced) {
    throw new LocalDataInTheWay(
      `This device still has ${unsynced} unsynced ${unsynced === 1 ? "change" : "changes"} for “${current.username}”. Sign in as ${current.username} first, so they reach that account.`,
    );
  }
  await wipe();
}

async function begin(account) {
  await remember(account);
  // Ask the browser not to clear this device's letters when space runs low.
  navigator.storage?.persist?.().catch(() => {});
  startSyncing();
  listen();
  await syncNow();
  if (account.role === "CLIENT") import("./sharing.js").then((sharing) => sharing.refreshShared());
}

export async function register({ username, password, displayName, role }) {
  await makeRoomFor(username);
  const data = await gql(
    `mutation Register($input: RegisterInput!) {
      register(input: $input) { ${ACCOUNT} recoveryCodes }
    }`,
    { input: { username, password, displayName, role } },
  );
  await begin(data.register.account);
  return data.register.recoveryCodes;
}

export async function signIn({ username, password }) {
  await makeRoomFor(username);
  const data = await gql(`mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${ACCOUNT_FIELDS} } }`, {
    input: { username, password },
  });
  await begin(data.signIn);
  return data.signIn;
}

export async function recover({ username, recoveryCode, newPassword }) {
  await makeRoomFor(username);
  const data = await gql(
    `mutation Recover($input: RecoverAccountInput!) { recoverAccount(input: $input) { ${ACCOUNT_FIELDS} } }`,
    { input: { username, recoveryCode, newPassword } },
  );
  await begin(data.recoverAccount);
  return data.recoverAccount;
}

async function forgetThisDevice() {
  disconnect();
  await wipe();
  await remember(null);
}

export async function signOut() {
  try {
    await gql("mutation { signOut }");
  } catch {
    // Offline: the device is cleared anyway; the session ends when it expires or is
    // signed out from another device.
  }
  await forgetThisDevice();
}

// Only once the server has deleted the account is the device cleared: a wrong
// password or a lost connection leaves everything where it was.
export async function deleteAccount(password) {
  await gql("mutation Delete($password: String!) { deleteAccount(password: $password) }", { password });
  await forgetThisDevice();
}

export const unsyncedCount = outboxCount;
