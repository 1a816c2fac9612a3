// "I used this": a use of the toolkit, with how it felt before and after if the person
// wants to say. Nothing is asked for; everything can be skipped. How hard it was is a
// tap on a 0 to 10 scale (large targets, two rows on a small phone), not a menu.

import { logUse } from "../../toolkit.js";
import { h } from "../kit/dom.js";
import { submitButton } from "../kit/button.js";

// Eleven numbers and "Skip", as radio buttons: arrow keys move along them, and a screen
// reader says "8, 9 of 12" inside the question.
function scale(name, question) {
  const options = [...Array.from({ length: 11 }, (_, n) => [String(n), String(n)]), ["", "Skip"]];
  const field = h(
    "fieldset",
    { class: "scale", id: name },
    h("legend", {}, question),
    h(
      "div",
      { class: "scale-options" },
      options.map(([value, text]) => {
        const id = `${name}-${value === "" ? "skip" : value}`;
        return h(
          "div",
          { class: `check scale-option${value === "" ? " scale-skip" : ""}` },
          h("input", { type: "radio", name, id, value, checked: value === "" }),
          h("label", { for: id }, text),
        );
      }),
    ),
  );
  return {
    element: field,
    value() {
      const chosen = field.querySelector("input:checked")?.value ?? "";
      return chosen === "" ? null : Number(chosen);
    },
    reset() {
      field.querySelector("input[value='']").checked = true;
    },
  };
}

export function useLogger({ itemId = null, note = "", onLogged = async () => {} }) {
  const before = scale("distress-before", "Before: how hard was it? (0 calm, 10 the hardest)");
  const after = scale("distress-after", "After (optional)");
  const done = h("p", { class: "quiet", id: "use-logged", "aria-live": "polite" });
  return h(
    "form",
    {
      class: "use-log",
      onsubmit: async (event) => {
        event.preventDefault();
        await logUse({ itemId, note, distressBefore: before.value(), distressAfter: after.value() });
        before.reset();
        after.reset();
        done.textContent = "Noted, on this device.";
        await onLogged();
      },
    },
    h("h2", { id: "use-heading" }, "I used this"),
    h("p", { class: "quiet" }, "How you felt is optional. It is only for you, to see what helps."),
    before.element,
    after.element,
    h("div", { class: "row" }, submitButton("Note that I used it", { id: "log-use", class: "primary" }), done),
  );
}
