// A record's content, sealed under the account key. The server keeps the sealed text
// beside the record's id, kind and version and never sees a field of it.
// Associated data binds the id, the kind and the content's format version, so a
// sealed content moved to another record, or read as another kind, does not open.

import { fromUtf8, utf8 } from "./bytes.js";
import { open, SealError, seal } from "./seal.js";

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const INFO = "between/v1/record";

function purpose({ id, kind, format }) {
  if (!NAME.test(id) || !NAME.test(kind) || !Number.isInteger(format) || format < 1) {
    throw new TypeError("a record needs an id, a kind and a format version");
  }
  return { info: INFO, aad: `between/v1/record/${kind}/${format}/${id}` };
}

export function sealRecord(accountKey, record, fixed) {
  return seal(accountKey, utf8(JSON.stringify(record.content)), purpose(record), fixed);
}

export async function openRecord(accountKey, record) {
  const plain = await open(accountKey, record.sealed, purpose(record));
  try {
    return JSON.parse(fromUtf8(plain));
  } catch {
    throw new SealError("malformed", "opened, but not a record's content");
  }
}
