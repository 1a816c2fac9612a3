// This account's key pairs and the safety number of each link (docs/crypto.md, "Key
// pairs"; docs/sharing.md, "Safety numbers").
//
// The device makes the pairs at registration, or at the first sign-in or open of an
// account that has none. The private halves reach the server only sealed by the account
// key. A link's safety number is computed here from both people's public keys, so the
// server cannot make two people see the same number for keys it swapped.

import { gql } from "./api.js";
import { keptAccountKey } from "./account-keys.js";
import { me } from "./me.js";
import { getMeta, setMeta } from "./store.js";
import { fromBase64url, toBase64url } from "./crypto/bytes.js";
import { groupedNumber, newKeyPairs, openPrivateKey, safetyNumber, sealPrivateKey } from "./crypto/pairs.js";

const PUBLIC = "accountId encryptionAlgorithm encryptionKey signingAlgorithm signingKey";
const MINE = `${PUBLIC} sealedEncryptionKey sealedSigningKey`;
const OWN_KEYS = "keyPairs";
// The safety number this device last showed or compared for each link: a different one
// later means a key changed, which the client is told before their next share.
const SEEN = "safetyNumbersSeen";

const publicPart = (keys) => ({
  accountId: keys.accountId,
  encryptionAlgorithm: keys.encryptionAlgorithm,
  encryptionKey: keys.encryptionKey,
  signingAlgorithm: keys.signingAlgorithm,
  signingKey: keys.signingKey,
});

async function opens(accountKey, keys) {
  try {
    await openPrivateKey(
      accountKey,
      "encryption",
      keys.encryptionAlgorithm,
      fromBase64url(keys.encryptionKey),
      keys.sealedEncryptionKey,
    );
    await openPrivateKey(
      accountKey,
      "signing",
      keys.signingAlgorithm,
      fromBase64url(keys.signingKey),
      keys.sealedSigningKey,
    );
    return true;
  } catch {
    return false;
  }
}

// New pairs for this account, replacing any it had: every link's safety number changes.
export async function makeNewKeyPairs(accountKey) {
  const key = accountKey ?? (await keptAccountKey());
  const pairs = await newKeyPairs();
  const input = {
    encryptionAlgorithm: pairs.encryption.algorithm,
    encryptionKey: toBase64url(pairs.encryption.publicKey),
    sealedEncryptionKey: await sealPrivateKey(key, "encryption", pairs.encryption),
    signingAlgorithm: pairs.signing.algorithm,
    signingKey: toBase64url(pairs.signing.publicKey),
    sealedSigningKey: await sealPrivateKey(key, "signing", pairs.signing),
  };
  const { setMyKeyPairs } = await gql(
    `mutation Pairs($input: KeyPairsInput!) { setMyKeyPairs(input: $input) { ${PUBLIC} } }`,
    { input },
  );
  await setMeta(OWN_KEYS, publicPart(setMyKeyPairs));
  return setMyKeyPairs;
}

let ensuring = null;

// The account's pairs, made here if it has none yet (an account made before pairs
// existed), or if its sealed halves do not open with this account key. Needs the
// network; a later open tries again.
export function ensureKeyPairs(accountKey) {
  ensuring ??= (async () => {
    const key = accountKey ?? (await keptAccountKey());
    if (!key) return null;
    const { myKeyPairs } = await gql(`{ myKeyPairs { ${MINE} } }`);
    if (myKeyPairs && (await opens(key, myKeyPairs))) {
      await setMeta(OWN_KEYS, publicPart(myKeyPairs));
      return myKeyPairs;
    }
    return makeNewKeyPairs(key);
  })().finally(() => {
    ensuring = null;
  });
  return ensuring;
}

// As the server has them now (another of this person's devices may have made new ones).
// At an open: only an account this device has not yet seen with pairs asks the server.
export async function ensureKeyPairsOnce() {
  return (await getMeta(OWN_KEYS)) ?? ensureKeyPairs();
}

export async function ownKeys() {
  const { myKeyPairs } = await gql(`{ myKeyPairs { ${PUBLIC} } }`);
  if (myKeyPairs) await setMeta(OWN_KEYS, publicPart(myKeyPairs));
  return myKeyPairs ?? (await ensureKeyPairs());
}

async function partnerKeys(link) {
  if (link.personKeys !== undefined) return link.personKeys;
  const query = `query Keys($id: ID!) { publicKeys(accountId: $id) { ${PUBLIC} } }`;
  return (await gql(query, { id: link.personId })).publicKeys;
}

// Where a link's safety number stands:
//   { missing: true } while either person has no keys yet, else
//   { number, grouped, compared, changed }: `compared` while the number this side
//   compared is the number now; `changed` when the number differs from the one this
//   device last showed the person (or, on a device that never showed it, the one they
//   compared): a key changed since.
// `own` (this account's public keys, from `ownKeys`) spares a request per link in a list.
export async function linkSafety(link, own = null) {
  const account = await me();
  const [mine, theirs] = await Promise.all([own ?? ownKeys(), partnerKeys(link)]);
  if (!mine || !theirs) return { missing: true };
  const client = account.role === "CLIENT" ? mine : theirs;
  const therapist = account.role === "CLIENT" ? theirs : mine;
  const number = await safetyNumber(client, therapist);
  const compared = link.comparedSafetyNumber === number;
  const baseline = (await getMeta(SEEN, {}))[link.id] ?? link.comparedSafetyNumber;
  if (baseline == null) await noteSeen(link.id, number);
  const changed = baseline != null && baseline !== number && !compared;
  return { missing: false, number, grouped: groupedNumber(number), compared, changed };
}

// This device has shown the person this number (and they went on): a later change is
// measured from it.
// One after another: a list works out every link at once, and no note may be lost.
let noting = Promise.resolve();
export function noteSeen(linkId, number) {
  noting = noting
    .catch(() => {})
    .then(async () => {
      const seen = await getMeta(SEEN, {});
      await setMeta(SEEN, { ...seen, [linkId]: number });
    });
  return noting;
}

export async function markCompared(link, number) {
  const query = `mutation Compared($id: ID!, $number: String!) {
    markSafetyNumberCompared(linkId: $id, safetyNumber: $number) { id comparedSafetyNumber } }`;
  await gql(query, { id: link.id, number });
  await noteSeen(link.id, number);
}
