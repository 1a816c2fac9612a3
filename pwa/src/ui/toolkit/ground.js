// 5-4-3-2-1 grounding, one step at a time: large Back and Next buttons, each step
// read aloud to screen readers and marked by a short vibration.

import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { useLogger } from "./use-log.js";
import { button } from "../kit/button.js";

const STEPS = [
  ["5", "things you can see", "Look around slowly. Name them, out loud or to yourself."],
  ["4", "things you can touch", "Your feet on the floor, the cloth of your sleeve, something in your texture box."],
  ["3", "things you can hear", "Near and far. The fridge, a car, your own breath."],
  ["2", "things you can smell", "Or two smells you like to remember."],
  ["1", "thing you can taste", "Or one kind thing you can say to yourself."],
];

export async function groundView(main) {
  const words = await wording();
  let index = 0;
  const step = h("div", { class: "ground-step", id: "ground-step", "aria-live": "polite" });
  const back = button("Back", { id: "ground-back" });
  const next = button("Next", { class: "primary", id: "ground-next" });

  function draw(buzz = true) {
    if (index >= STEPS.length) {
      replace(
        step,
        h("p", { class: "ground-number" }, "✓"),
        h(
          "p",
          {},
          words.innerChild
            ? "You are here, now. Every part of you is here, now, in this moment."
            : "You are here, now, in this moment.",
        ),
      );
      next.textContent = "Start again";
    } else {
      const [number, what, hint] = STEPS[index];
      replace(
        step,
        h("p", { class: "ground-number" }, number),
        h("p", { class: "ground-what" }, what),
        h("p", { class: "quiet" }, hint),
      );
      next.textContent = "Next";
    }
    back.disabled = index === 0;
    if (buzz) navigator.vibrate?.(60);
  }

  back.addEventListener("click", () => {
    index = Math.max(0, index - 1);
    draw();
  });
  next.addEventListener("click", () => {
    index = index >= STEPS.length ? 0 : index + 1;
    draw();
  });
  replace(
    main,
    h("p", {}, h("a", { href: "/toolkit" }, "← Toolkit")),
    h("h1", {}, "5-4-3-2-1"),
    h("p", { class: "quiet" }, "Take your time with each one. There is no right answer."),
    step,
    h("div", { class: "row ground-buttons" }, back, next),
    h("details", {}, h("summary", {}, "Note how it went"), useLogger({ note: "Grounding" })),
  );
  draw(false);
  return null;
}
