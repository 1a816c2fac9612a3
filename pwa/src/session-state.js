// Signing in and out on this device. Signing out clears everything the device holds,
// the account key with it. The password never leaves the device (account-keys.js).

import { gql } from "./api.js";
import { disconnect, listen } from "./live.js";
import { outboxCount, wipe } from "./store.js";
import { startSyncing, syncNow } from "./sync.js";
import { me, remember } from "./me.js";
import {
  keepAccountKey,
  keptAccountKey,
  newAccountKey,
  newPasswordKeys,
  newRecoveryCodes,
  openWithPassword,
  openWithRecoveryCode,
  passwordKeysFor,
  recoveryCodeKeys,
} from "./account-keys.js";
import { checkNewPassword } from "./password-rules.js";

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

async function begin(account, accountKey) {
  await remember(account);
  await keepAccountKey(accountKey);
  // Ask the browser not to clear this device's letters when space runs low.
  navigator.storage?.persist?.().catch(() => {});
  startSyncing();
  listen();
  await syncNow();
  // Key pairs are made once per account, here for an account that has none yet; a
  // failure (offline) is tried again at the next open.
  import("./key-pairs.js").then((pairs) => pairs.ensureKeyPairs(accountKey).catch(() => {}));
  if (account.role === "CLIENT") import("./sharing.js").then((sharing) => sharing.refreshShared());
}

export async function register({ username, password, displayName, role }) {
  await checkNewPassword(password, { username, displayName });
  await makeRoomFor(username);
  // The device makes the account key and the codes; the server keeps them only sealed.
  const accountKey = newAccountKey();
  const made = await newPasswordKeys(username, password, accountKey);
  const codes = await newRecoveryCodes(accountKey);
  const data = await gql(`mutation Register($input: RegisterInput!) { register(input: $input) { ${ACCOUNT} } }`, {
    input: { username, authKey: made.authKey, keys: made.keys, recoveryCodes: codes.sealed, displayName, role },
  });
  await begin(data.register.account, accountKey);
  return codes.codes;
}

export async function signIn({ username, password }) {
  await makeRoomFor(username);
  const { masterKey, authKey } = await passwordKeysFor(username, password);
  const data = await gql(
    `mutation SignIn($input: SignInInput!) { signIn(input: $input) { ${ACCOUNT_FIELDS} sealedAccountKey } }`,
    { input: { username, authKey } },
  );
  const { sealedAccountKey, ...account } = data.signIn;
  await begin(account, await openWithPassword(sealedAccountKey, masterKey));
  return account;
}

// A recovery code opens the account key first (using nothing up), so the words come
// back with the account; only then is the new password set and the code used.
export async function recover({ username, recoveryCode, newPassword }) {
  await checkNewPassword(newPassword, { username }, "newPassword");
  await makeRoomFor(username);
  const codeKeys = await recoveryCodeKeys(recoveryCode);
  const opening = { username, lookup: codeKeys.lookup, verifier: codeKeys.verifier };
  const sealed = await gql("mutation Open($input: OpenRecoveryInput!) { openRecovery(input: $input) }", {
    input: opening,
  });
  const accountKey = await openWithRecoveryCode(sealed.openRecovery, codeKeys);
  const made = await newPasswordKeys(username, newPassword, accountKey);
  const data = await gql(
    `mutation Recover($input: RecoverAccountInput!) { recoverAccount(input: $input) { ${ACCOUNT_FIELDS} } }`,
    { input: { ...opening, newAuthKey: made.authKey, keys: made.keys } },
  );
  await begin(data.recoverAccount, accountKey);
  return data.recoverAccount;
}

// The account key as this password opens it: the one kept here, or, on a device that
// has none yet, the server's sealed copy opened with the password.
async function confirmed(password) {
  const account = await me();
  const { masterKey, authKey } = await passwordKeysFor(account.username, password);
  let accountKey = await keptAccountKey();
  if (!accountKey) {
    const data = await gql("{ me { sealedAccountKey } }");
    accountKey = await openWithPassword(data.me.sealedAccountKey, masterKey);
    await keepAccountKey(accountKey);
  }
  return { account, authKey, accountKey };
}

export async function changePassword({ currentPassword, newPassword }) {
  const current = await me();
  await checkNewPassword(newPassword, { username: current.username, displayName: current.displayName }, "newPassword");
  const { account, authKey, accountKey } = await confirmed(currentPassword);
  const made = await newPasswordKeys(account.username, newPassword, accountKey);
  await gql("mutation Change($input: ChangePasswordInput!) { changePassword(input: $input) }", {
    input: { currentAuthKey: authKey, newAuthKey: made.authKey, keys: made.keys },
  });
}

export async function regenerateRecoveryCodes(password) {
  const { authKey, accountKey } = await confirmed(password);
  const codes = await newRecoveryCodes(accountKey);
  await gql(
    "mutation Codes($authKey: String!, $codes: [RecoveryCodeInput!]!) { regenerateRecoveryCodes(authKey: $authKey, recoveryCodes: $codes) }",
    { authKey, codes: codes.sealed },
  );
  return codes.codes;
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
  const account = await me();
  const { authKey } = await passwordKeysFor(account.username, password);
  await gql("mutation Delete($authKey: String!) { deleteAccount(authKey: $authKey) }", { authKey });
  await forgetThisDevice();
}

export const unsyncedCount = outboxCount;
