// "I used this": a use of the toolkit, with how it felt before and after if the person
// wants to say. Nothing is asked for; everything can be skipped.

import { logUse } from "../toolkit.js";
import { h } from "./dom.js";
import { DISTRESS, distressValue, selectField } from "./fields.js";

export function useLogger({ itemId = null, note = "", onLogged = async () => {} }) {
  const before = selectField("distress-before", "Before: how hard was it? (0 calm, 10 the hardest)", DISTRESS, "");
  const after = selectField("distress-after", "After (optional)", DISTRESS, "");
  const done = h("p", { class: "quiet", id: "use-logged", "aria-live": "polite" });
  return h(
    "form",
    {
      class: "use-log",
      onsubmit: async (event) => {
        event.preventDefault();
        await logUse({
          itemId,
          note,
          distressBefore: distressValue(before.input),
          distressAfter: distressValue(after.input),
        });
        before.input.value = "";
        after.input.value = "";
        done.textContent = "Noted, on this device.";
        await onLogged();
      },
    },
    h("h2", { id: "use-heading" }, "I used this"),
    h("p", { class: "quiet" }, "How you felt is optional. It is only for you, to see what helps."),
    before.element,
    after.element,
    h("div", { class: "row" }, h("button", { type: "submit", id: "log-use" }, "Note that I used it"), done),
  );
}
