// The device's side of the account protocol (docs/crypto.md): the password never
// leaves this device. From it and the account's seed the device derives a master key,
// which opens the account key, and an authentication key, which is sent instead.

import { gql } from "./api.js";
import { getMeta, setMeta } from "./store.js";
import { randomBytes, toHex } from "./crypto/bytes.js";
import * as keys from "./crypto/keys.js";
import { SealError } from "./crypto/seal.js";

// The server's canonical form of a username, which the salt is made from.
export function canonicalUsername(username) {
  return username.normalize("NFKC").trim().toLowerCase();
}

export class WrongPassword extends Error {
  constructor() {
    super("That password did not open your account. Nothing has changed; please try again.");
    this.code = "WRONG_PASSWORD";
  }
}

async function keyParams(username) {
  const { keyParams: params } = await gql(
    "query KeyParams($username: String!) { keyParams(username: $username) { seed version memoryKiB iterations parallelism } }",
    { username },
  );
  return params;
}

// The keys a password gives for an account as the server describes it.
export async function passwordKeysFor(username, password) {
  const { seed, ...params } = await keyParams(username);
  return keys.passwordKeys(password, canonicalUsername(username), seed, params);
}

// A new password for `accountKey`: a new seed each time, and the key sealed again.
export async function newPasswordKeys(username, password, accountKey) {
  const seed = toHex(randomBytes(16));
  const params = keys.PASSWORD_KDF;
  const { masterKey, authKey } = await keys.passwordKeys(password, canonicalUsername(username), seed, params);
  const sealedAccountKey = await keys.sealAccountKey(accountKey, masterKey);
  return { authKey, keys: { seed, params: { ...params }, sealedAccountKey } };
}

// Ten new codes for `accountKey`: the codes to show once, and what the server keeps.
export async function newRecoveryCodes(accountKey) {
  const codes = keys.newRecoveryCodes();
  const sealed = await Promise.all(
    codes.map(async (code) => {
      const codeKeys = await keys.recoveryKeys(code);
      return {
        lookup: codeKeys.lookup,
        verifier: codeKeys.verifier,
        sealedAccountKey: await keys.sealAccountKeyForRecovery(accountKey, codeKeys),
      };
    }),
  );
  return { codes, sealed };
}

export const newAccountKey = keys.newAccountKey;

// The account key this master key opens. A key that does not open is a wrong password
// (or a server that changed it): said calmly, and nothing on the device changes.
export async function openWithPassword(sealedAccountKey, masterKey) {
  try {
    return await keys.openAccountKey(sealedAccountKey, masterKey);
  } catch (error) {
    if (error instanceof SealError) throw new WrongPassword();
    throw error;
  }
}

export async function recoveryCodeKeys(code) {
  if (!keys.normalizeRecoveryCode(code)) {
    const error = new Error("That is not a recovery code. A code is 25 letters and digits, in five groups.");
    error.field = "recoveryCode";
    throw error;
  }
  return keys.recoveryKeys(code);
}

export async function openWithRecoveryCode(sealedAccountKey, codeKeys) {
  try {
    return await keys.openAccountKeyWithRecovery(sealedAccountKey, codeKeys);
  } catch (error) {
    if (error instanceof SealError) {
      throw new Error("That recovery code did not open your account. Nothing has changed; please check it.");
    }
    throw error;
  }
}

// The account key stays beside the device's data, in IndexedDB, until sign-out or
// deletion clears it with everything else (a PIN will wrap it: issue #15).
export const keepAccountKey = (accountKey) => setMeta("accountKey", accountKey);
export const keptAccountKey = () => getMeta("accountKey");
