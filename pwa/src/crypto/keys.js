// The key hierarchy (docs/crypto.md):
//   password --Argon2id--> master key (stays here) + authentication key (sent instead)
//   account key (random) sealed by the master key, and by each recovery code
// so a password change or new recovery codes re-seal one key and re-encrypt nothing.

import { concat, fromHex, randomBytes, toHex, utf8 } from "./bytes.js";
import { open, seal } from "./seal.js";

// The parameters this version uses for new accounts. A server may ask for stronger
// ones; the device refuses weaker ones, so a server cannot make a password cheaper to
// guess from what the device sends it.
export const PASSWORD_KDF = Object.freeze({
  version: 1,
  memoryKiB: 65536,
  iterations: 1,
  parallelism: 1,
});
const MAX_MEMORY_KIB = 1048576;
const MAX_ITERATIONS = 64;
const MAX_PARALLELISM = 16;

const ARGON2 = new URL("../../vendor/hash-wasm/argon2.umd.min.js", import.meta.url);
let argon2Loaded;

// hash-wasm's Argon2id, loaded only when a key is derived (it is precached for offline
// use, but stays out of the cold open). The UMD build attaches itself to globalThis.
async function argon2id(options) {
  argon2Loaded ??= import(ARGON2.href).then(() => globalThis.hashwasm.argon2id);
  const run = await argon2Loaded;
  return run(options);
}

export function checkPasswordKdf(params) {
  const ok =
    params?.version === PASSWORD_KDF.version &&
    Number.isInteger(params.memoryKiB) &&
    Number.isInteger(params.iterations) &&
    Number.isInteger(params.parallelism) &&
    params.memoryKiB >= PASSWORD_KDF.memoryKiB &&
    params.memoryKiB <= MAX_MEMORY_KIB &&
    params.iterations >= PASSWORD_KDF.iterations &&
    params.iterations <= MAX_ITERATIONS &&
    params.parallelism >= 1 &&
    params.parallelism <= MAX_PARALLELISM;
  if (!ok) throw new RangeError("key parameters this device will not use");
  return params;
}

// Passwords are compared as NFKC, so the same words typed on another keyboard (or
// pasted from a note) give the same keys.
export function normalizePassword(password) {
  return password.normalize("NFKC");
}

export async function passwordSalt(username, seedHex) {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    concat(utf8(`between/v1/password-salt\0${username}\0`), fromHex(seedHex)),
  );
  return new Uint8Array(digest).subarray(0, 16);
}

// `username` is the server's canonical form of it; `seedHex` and `params` come from
// the server's key parameters for that username.
export async function passwordKeys(password, username, seedHex, params = PASSWORD_KDF) {
  checkPasswordKdf(params);
  const out = await argon2id({
    password: utf8(normalizePassword(password)),
    salt: await passwordSalt(username, seedHex),
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    parallelism: params.parallelism,
    hashLength: 64,
    outputType: "binary",
  });
  return { masterKey: out.slice(0, 32), authKey: toHex(out.slice(32, 64)) };
}

export function newAccountKey() {
  return randomBytes(32);
}

const ACCOUNT_KEY = { info: "between/v1/account-key", aad: "between/v1/account-key" };

export function sealAccountKey(accountKey, masterKey, fixed) {
  return seal(masterKey, accountKey, ACCOUNT_KEY, fixed);
}

export function openAccountKey(sealedKey, masterKey) {
  return open(masterKey, sealedKey, ACCOUNT_KEY);
}

// Recovery codes: 25 characters of Crockford's base32 in five groups (125 bits). The
// first group is the lookup the server finds the code by; the other 100 bits are
// secret, so a fast key derivation is enough.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CONFUSABLE = { i: "1", l: "1", o: "0" };
export const RECOVERY_CODE = Object.freeze({ groups: 5, groupLength: 5, count: 10 });
const CODE_LENGTH = RECOVERY_CODE.groups * RECOVERY_CODE.groupLength;

export function newRecoveryCode() {
  // 32 symbols: the low five bits of a random byte are uniform.
  const raw = Array.from(randomBytes(CODE_LENGTH), (byte) => ALPHABET[byte & 31]).join("");
  return raw.match(new RegExp(`.{${RECOVERY_CODE.groupLength}}`, "g")).join("-");
}

export function newRecoveryCodes() {
  const codes = [];
  const lookups = new Set();
  while (codes.length < RECOVERY_CODE.count) {
    const code = newRecoveryCode();
    const lookup = code.slice(0, RECOVERY_CODE.groupLength);
    if (lookups.has(lookup)) continue;
    lookups.add(lookup);
    codes.push(code);
  }
  return codes;
}

// The canonical form of a typed code, or null if it cannot be one.
export function normalizeRecoveryCode(text) {
  const raw = Array.from(text.toLowerCase().replace(/[\s-]/g, ""), (ch) => CONFUSABLE[ch] ?? ch).join("");
  if (raw.length !== CODE_LENGTH || [...raw].some((ch) => !ALPHABET.includes(ch))) return null;
  return raw;
}

async function hkdfBytes(secret, salt, info) {
  const base = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: utf8(salt), info: utf8(info) },
    base,
    256,
  );
  return new Uint8Array(bits);
}

// What one code gives: the lookup and verifier the server checks, and the key that
// seals the account key for this code (which never leaves the device).
export async function recoveryKeys(code) {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new RangeError("not a recovery code");
  const secret = utf8(normalized);
  return {
    lookup: normalized.slice(0, RECOVERY_CODE.groupLength),
    verifier: toHex(await hkdfBytes(secret, "between/v1/recovery", "verifier")),
    sealingKey: await hkdfBytes(secret, "between/v1/recovery", "account-key"),
  };
}

function recoveryPurpose(lookup) {
  return { info: "between/v1/recovery-account-key", aad: `between/v1/recovery-account-key/${lookup}` };
}

export function sealAccountKeyForRecovery(accountKey, keys, fixed) {
  return seal(keys.sealingKey, accountKey, recoveryPurpose(keys.lookup), fixed);
}

export function openAccountKeyWithRecovery(sealedKey, keys) {
  return open(keys.sealingKey, sealedKey, recoveryPurpose(keys.lookup));
}
