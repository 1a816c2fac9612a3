// Move up / move down: buttons, so reordering works with one hand and a screen reader.

import { button } from "./button.js";
import { h } from "./dom.js";

// `name` says which entry moves; `moveBy(-1 or 1)` moves the one at `index` of `count`.
export function reorderButtons(name, index, count, moveBy) {
  return h(
    "div",
    { class: "row reorder" },
    button("↑", { class: "quiet", disabled: index === 0, "aria-label": `Move ${name} up`, onClick: () => moveBy(-1) }),
    button("↓", {
      class: "quiet",
      disabled: index === count - 1,
      "aria-label": `Move ${name} down`,
      onClick: () => moveBy(1),
    }),
  );
}
