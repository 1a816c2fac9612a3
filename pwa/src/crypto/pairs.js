// Key pairs and the safety number (docs/crypto.md, "Key pairs").
//
// Every account has an encryption pair (X25519, or ECDH on P-256 where the browser has
// no X25519) and a signing pair (Ed25519, or ECDSA on P-256). A private half is kept
// as its 32-byte scalar, sealed by the account key with associated data naming its use,
// its algorithm and its public half; a public half is raw (32 bytes, or an uncompressed
// P-256 point) and lives on the server.

import { concat, fromBase64url, toBase64url, utf8 } from "./bytes.js";
import { open, seal } from "./seal.js";

export const PREFERRED = Object.freeze({ encryption: "X25519", signing: "Ed25519" });
export const FALLBACK = Object.freeze({ encryption: "P-256", signing: "ECDSA-P256" });

// PKCS #8 wrappings of a bare 32-byte private key, so that one import works for every
// algorithm (WebCrypto imports no raw private keys). The browser works out the public
// half from it; exported as a JWK, it gives that half.
const PKCS8_PREFIX = {
  X25519: "302e020100300506032b656e04220420",
  Ed25519: "302e020100300506032b657004220420",
  "P-256": "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420",
};
PKCS8_PREFIX["ECDSA-P256"] = PKCS8_PREFIX["P-256"];

function hexBytes(hex) {
  return Uint8Array.from(hex.match(/../g), (pair) => Number.parseInt(pair, 16));
}

function webAlgorithm(algorithm) {
  switch (algorithm) {
    case "X25519":
      return { name: "X25519" };
    case "Ed25519":
      return { name: "Ed25519" };
    case "P-256":
      return { name: "ECDH", namedCurve: "P-256" };
    case "ECDSA-P256":
      return { name: "ECDSA", namedCurve: "P-256" };
    default:
      throw new RangeError(`unknown key algorithm ${algorithm}`);
  }
}

const USAGES = {
  X25519: ["deriveBits"],
  "P-256": ["deriveBits"],
  Ed25519: ["sign"],
  "ECDSA-P256": ["sign"],
};

function importPrivate(algorithm, privateKey, extractable = false) {
  const pkcs8 = concat(hexBytes(PKCS8_PREFIX[algorithm]), privateKey);
  return crypto.subtle.importKey("pkcs8", pkcs8, webAlgorithm(algorithm), extractable, USAGES[algorithm]);
}

// The raw public half of a 32-byte private key.
export async function publicKeyOf(algorithm, privateKey) {
  const jwk = await crypto.subtle.exportKey("jwk", await importPrivate(algorithm, privateKey, true));
  if (jwk.kty === "OKP") return fromBase64url(jwk.x);
  return concat(Uint8Array.of(4), fromBase64url(jwk.x), fromBase64url(jwk.y));
}

async function privateScalar(key) {
  return fromBase64url((await crypto.subtle.exportKey("jwk", key)).d);
}

// A new pair for `use` ("encryption" or "signing"): { algorithm, publicKey, privateKey }.
// X25519 and Ed25519 where this browser has them, else P-256.
async function newPair(use) {
  for (const algorithm of [PREFERRED[use], FALLBACK[use]]) {
    try {
      const pair = await crypto.subtle.generateKey(webAlgorithm(algorithm), true, USAGES[algorithm]);
      const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
      return { algorithm, publicKey, privateKey: await privateScalar(pair.privateKey) };
    } catch (error) {
      if (error?.name !== "NotSupportedError" && algorithm === FALLBACK[use]) throw error;
    }
  }
  throw new Error(`this browser cannot make a key pair for ${use}`);
}

export async function newKeyPairs() {
  return { encryption: await newPair("encryption"), signing: await newPair("signing") };
}

function privatePurpose(use, algorithm, publicKey) {
  return {
    info: "between/v1/private-key",
    aad: `between/v1/private-key/${use}/${algorithm}/${toBase64url(publicKey)}`,
  };
}

export function sealPrivateKey(accountKey, use, pair, fixed) {
  return seal(accountKey, pair.privateKey, privatePurpose(use, pair.algorithm, pair.publicKey), fixed);
}

export function openPrivateKey(accountKey, use, algorithm, publicKey, sealed) {
  return open(accountKey, sealed, privatePurpose(use, algorithm, publicKey));
}

// Ed25519, or ECDSA P-256 with SHA-256; the signature as WebCrypto writes it (r ‖ s).
export async function sign(algorithm, privateKey, message) {
  const params = algorithm === "ECDSA-P256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "Ed25519" };
  const key = await importPrivate(algorithm, privateKey);
  return new Uint8Array(await crypto.subtle.sign(params, key, message));
}

export async function verify(algorithm, publicKey, message, signature) {
  const params = algorithm === "ECDSA-P256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "Ed25519" };
  const key = await crypto.subtle.importKey("raw", publicKey, webAlgorithm(algorithm), false, ["verify"]);
  return crypto.subtle.verify(params, key, signature, message);
}

// One person's 30 digits: six 5-byte pieces of a SHA-512 of their id and public keys,
// each read as a number mod 100000 (as Signal's safety numbers are written).
async function safetyDigits(keys) {
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-512",
      concat(
        utf8(`between/v1/safety-number\0${keys.accountId}\0${keys.encryptionAlgorithm}\0`),
        fromBase64url(keys.encryptionKey),
        utf8(`\0${keys.signingAlgorithm}\0`),
        fromBase64url(keys.signingKey),
      ),
    ),
  );
  let digits = "";
  for (let at = 0; at < 30; at += 5) {
    let value = 0;
    for (const byte of digest.subarray(at, at + 5)) value = value * 256 + byte;
    digits += String(value % 100000).padStart(5, "0");
  }
  return digits;
}

// 60 digits, the client's half first: both sides compute the same number. `client` and
// `therapist` are public keys as the server lists them (base64url).
export async function safetyNumber(client, therapist) {
  return (await safetyDigits(client)) + (await safetyDigits(therapist));
}

export const groupedNumber = (number) => number.match(/.{5}/g).join(" ");
