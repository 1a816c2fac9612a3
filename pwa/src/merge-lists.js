// A list of things with ids (a plan's steps), merged three ways by id, so that two
// devices adding to one list offline both keep what they added. Pure, like merge.js.
//
// - a thing added on either side is kept, once, where that side put it;
// - a thing removed on one side and left alone on the other is removed;
// - a thing removed on one side and changed on the other is kept, changed: an edit
//   beats a removal, as it does for whole records, so no words are lost;
// - a thing changed on both sides merges field by field (`textFields` by line); where
//   it cannot, the other side's version stays and this side's is set aside whole.
//
// The order is the other side's, with this side's additions placed after the thing
// they followed here.

import { mergeContent } from "./merge.js";

const same = (x, y) => x === y || JSON.stringify(x) === JSON.stringify(y);

// id → thing, first of each id; things without an id are not merged and pass through
// as the side they came from has them.
function byId(list) {
  const things = new Map();
  for (const thing of Array.isArray(list) ? list : []) {
    if (thing?.id != null && !things.has(thing.id)) things.set(thing.id, thing);
  }
  return things;
}

// { value, conflicts }: the merged list, and { item, mine } for each thing whose
// version from this side was set aside (`item` is its id).
export function mergeById(base, mine, theirs, textFields = []) {
  const [o, a, b] = [byId(base), byId(mine), byId(theirs)];
  const ids = [];
  const merged = new Map();
  const conflicts = [];
  for (const [id, their] of b) {
    const old = o.get(id);
    const own = a.get(id);
    if (!own) {
      // Removed here: it goes unless the other side changed it since.
      if (old && same(old, their)) continue;
      merged.set(id, their);
    } else {
      const result = mergeContent(old ?? {}, own, their, textFields);
      merged.set(id, result.content);
      if (result.conflicts.length) conflicts.push({ item: id, mine: own });
    }
    ids.push(id);
  }
  let after = -1; // where this side's next addition goes: after the thing it followed
  for (const [id, own] of a) {
    if (merged.has(id)) {
      after = ids.indexOf(id);
      continue;
    }
    const old = o.get(id);
    // Removed on the other side: it goes unless this side changed it since.
    if (old && same(old, own)) continue;
    merged.set(id, own);
    ids.splice(after + 1, 0, id);
    after += 1;
  }
  return { value: ids.map((id) => merged.get(id)), conflicts };
}
