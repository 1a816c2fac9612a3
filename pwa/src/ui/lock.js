// The lock screen, and the neutral screen of quick hide. Neither shows anything of
// the person's own; Help now's crisis lines stay one tap away on both.

import { NEUTRAL_NAME, hasPin, unlock } from "../lock.js";
import { h, replace } from "./dom.js";

export async function drawCover(main, state) {
  const pinned = await hasPin();
  const helpArea = h("div", { id: "cover-help" });
  const showHelp = h("button", { type: "button", class: "button help-now", id: "cover-help-now" }, "Help now");
  showHelp.addEventListener("click", async () => {
    const { crisisSection } = await import("./help.js");
    replace(helpArea, await crisisSection());
    helpArea.querySelector("h2")?.focus();
  });

  if (state === "hidden" && !pinned) {
    // A plain page someone else could see; one tap goes back.
    replace(
      main,
      h("h1", {}, NEUTRAL_NAME),
      h("p", { class: "quiet" }, "Nothing here yet."),
      h("div", { class: "row" }, h("button", { type: "button", id: "cover-open", onclick: () => unlock("") }, "Open")),
      h("div", { class: "row" }, showHelp),
      helpArea,
    );
    return;
  }

  const pin = h("input", {
    id: "pin",
    type: "password",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 12,
  });
  const message = h("p", { class: "form-error", id: "pin-error", role: "alert" });
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
    h("button", { type: "submit", class: "primary" }, "Open"),
  );
  replace(
    main,
    h("h1", {}, state === "hidden" ? NEUTRAL_NAME : "Locked"),
    state === "hidden" ? h("p", { class: "quiet" }, "Nothing here yet.") : null,
    form,
    h("div", { class: "row" }, showHelp),
    helpArea,
  );
}
