// The lock screen, and the neutral screen of quick hide. Neither shows anything of
// the person's own. The lock screen keeps Help now's crisis lines one tap away; the
// neutral screen says nothing of the app at all, on screen or to a screen reader.

import { NEUTRAL_NAME, hasPin, lock, unlock } from "../../lock.js";
import { h, replace } from "../kit/dom.js";
import { icon } from "./icons.js";
import { button, submitButton } from "../kit/button.js";
import { errorBox } from "../kit/form.js";

// What someone else sees: an empty page of a notes app. The way back looks like that
// app's own button, and its name is that app's too.
function drawNeutral(main, pinned) {
  const back = button(icon("pencil"), { id: "cover-open", class: "neutral-back", "aria-label": "New note" });
  // With a PIN, the way back leads to the lock screen; without, straight back.
  back.addEventListener("click", () => (pinned ? lock("locked") : unlock("")));
  replace(
    main,
    h("h1", {}, NEUTRAL_NAME),
    h("p", { class: "quiet" }, "Nothing here yet."),
    h("div", { class: "row" }, back),
  );
}

export async function drawCover(main, state) {
  const pinned = await hasPin();
  if (state === "hidden") {
    drawNeutral(main, pinned);
    return;
  }
  const helpArea = h("div", { id: "cover-help" });
  const showHelp = button("Help now", { class: "button help-now", id: "cover-help-now" });
  showHelp.addEventListener("click", async () => {
    const { crisisSection } = await import("./help.js");
    replace(helpArea, await crisisSection());
    helpArea.querySelector("h2")?.focus();
  });

  const pin = h("input", {
    id: "pin",
    type: "password",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 12,
  });
  const message = errorBox("pin-error");
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = "";
        const ok = await unlock(pin.value);
        if (!ok) {
          message.textContent = "That PIN did not match. Nothing has changed; try again.";
          pin.value = "";
          pin.focus();
        }
      },
    },
    h("label", { for: "pin" }, "PIN"),
    pin,
    message,
    submitButton("Open", { class: "primary" }),
  );
  // Help now first: it must be in view even with the keyboard up for the PIN.
  replace(main, h("h1", {}, "Locked"), h("div", { class: "row" }, showHelp), helpArea, form);
}
