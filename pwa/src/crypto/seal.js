// Sealing: AES-256-GCM under a key derived with HKDF-SHA-256 from a long-term key and
// a fresh random salt, so that however often a record is saved, no key and nonce pair
// is ever used twice. docs/crypto.md is the contract; docs/crypto-vectors.json checks it.
//
// A sealed value is unpadded base64url of:
//   version (1 byte) | HKDF salt (16) | GCM nonce (12) | ciphertext | GCM tag (16)
// `info` names the purpose of the key; `aad` binds what the value belongs to (a
// record's id and kind, say), so a sealed value cannot be moved to another place.

import { concat, fromBase64url, randomBytes, toBase64url, utf8 } from "./bytes.js";

export const SEAL_VERSION = 1;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
const HEADER_BYTES = 1 + SALT_BYTES + NONCE_BYTES;

// reason: "malformed" (not a sealed value), "unsupported" (a version this device does
// not know) or "unverified" (wrong key, or changed since it was sealed).
export class SealError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = "SealError";
    this.reason = reason;
  }
}

async function derivedKey(secret, salt, info) {
  const base = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: utf8(info) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function checkSecret(secret) {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) {
    throw new TypeError("a sealing secret is 32 bytes");
  }
}

// `fixed` ({salt, nonce}) exists for the test vectors only; leave it out.
export async function seal(secret, plaintext, { info, aad }, fixed = {}) {
  checkSecret(secret);
  const salt = fixed.salt ?? randomBytes(SALT_BYTES);
  const nonce = fixed.nonce ?? randomBytes(NONCE_BYTES);
  const key = await derivedKey(secret, salt, info);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: utf8(aad), tagLength: TAG_BYTES * 8 },
    key,
    plaintext,
  );
  return toBase64url(concat(Uint8Array.of(SEAL_VERSION), salt, nonce, new Uint8Array(sealed)));
}

export async function open(secret, sealedText, { info, aad }) {
  checkSecret(secret);
  let bytes;
  try {
    bytes = fromBase64url(sealedText);
  } catch {
    throw new SealError("malformed", "not a sealed value");
  }
  if (bytes.length < HEADER_BYTES + TAG_BYTES) {
    throw new SealError("malformed", "too short to be a sealed value");
  }
  if (bytes[0] !== SEAL_VERSION) {
    throw new SealError("unsupported", `sealed with version ${bytes[0]}`);
  }
  const salt = bytes.subarray(1, 1 + SALT_BYTES);
  const nonce = bytes.subarray(1 + SALT_BYTES, HEADER_BYTES);
  const key = await derivedKey(secret, salt, info);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: nonce, additionalData: utf8(aad), tagLength: TAG_BYTES * 8 },
      key,
      bytes.subarray(HEADER_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    throw new SealError("unverified", "could not be opened with this key");
  }
}
