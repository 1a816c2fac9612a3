// The device's three-way merge, for when the server holds only sealed records and a
// push finds that another device changed the record first.
//
// Text merges by line (a paragraph is a line), never by character: merging by word
// was seen to duplicate text silently elsewhere, and a person can see whole lines.
// Where both sides changed the same lines the merge is unclean: the other side's text
// stays and this device's text is set aside, whole, as a conflict to show. Nothing is
// ever dropped or applied twice. Everything here is pure.
//
// node-diff3 (vendored, its LCS made a binary search: see pwa/vendor/node-diff3/)
// does the line alignment. Its cost grows with the pairs of equal lines between two
// texts: a text of one line repeated 5,000 times has 25 million. Texts over MAX_LINES,
// or with more than MAX_PAIRS such pairs, are not merged at all: both are kept.

import { diff3Merge } from "../vendor/node-diff3/diff3.mjs";

export const MAX_LINES = 5_000;
export const MAX_PAIRS = 2_000_000;

export function equalPairs(x, y) {
  const counts = new Map();
  for (const line of y) counts.set(line, (counts.get(line) ?? 0) + 1);
  let pairs = 0;
  for (const line of x) pairs += counts.get(line) ?? 0;
  return pairs;
}

// Lines keep their line break, so joining them gives back the text exactly.
export function lines(text) {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

// { text, clean }: `text` is the merge when clean, else `theirs` unchanged.
export function mergeText(base, mine, theirs) {
  if (mine === theirs || mine === base) return { text: theirs, clean: true };
  if (theirs === base) return { text: mine, clean: true };
  const [o, a, b] = [lines(base), lines(mine), lines(theirs)];
  if (Math.max(o.length, a.length, b.length) > MAX_LINES) return { text: theirs, clean: false };
  if (equalPairs(o, a) + equalPairs(o, b) > MAX_PAIRS) return { text: theirs, clean: false };
  const merged = [];
  for (const block of diff3Merge(a, o, b, { excludeFalseConflicts: true })) {
    if (block.conflict) return { text: theirs, clean: false };
    merged.push(...block.ok);
  }
  return { text: merged.join(""), clean: true };
}

function same(x, y) {
  return x === y || JSON.stringify(x) === JSON.stringify(y);
}

// Merges a record's fields. `textFields` are merged as text; `merges` maps a field to
// its own merge, (base, mine, theirs) → { value, conflicts } (merge-lists.js); any
// other field changed on both sides keeps theirs. Returns { content, conflicts }, where
// each conflict is { field, mine } for a field whose value from this device was set
// aside, or { field, item, mine } for one thing of a list merged by `merges`.
export function mergeContent(base, mine, theirs, textFields = [], merges = {}) {
  const content = { ...theirs };
  const conflicts = [];
  for (const field of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const [o, a, b] = [base?.[field], mine[field], theirs[field]];
    if (same(a, b) || same(a, o)) continue;
    if (same(b, o)) {
      content[field] = a;
      continue;
    }
    if (Object.hasOwn(merges, field)) {
      const merged = merges[field](o, a, b);
      content[field] = merged.value;
      conflicts.push(...merged.conflicts.map((conflict) => ({ field, ...conflict })));
      continue;
    }
    if (textFields.includes(field) && typeof a === "string" && typeof b === "string") {
      const merged = mergeText(typeof o === "string" ? o : "", a, b);
      content[field] = merged.text;
      if (merged.clean) continue;
    }
    conflicts.push({ field, mine: a });
  }
  return { content, conflicts };
}
