// The small labels beside a letter. Words, not colours alone.

import { h } from "../kit/dom.js";

export function marks(letter) {
  const labels = [];
  if (letter.state === "never_send") labels.push("Never send");
  if (letter.state === "kept") labels.push("Kept");
  if (letter.forNextSession) labels.push("For session");
  if (letter.conflict) labels.push("Two versions");
  return labels.map((label) => h("span", { class: "mark" }, label));
}
