// A breathing pacer that works with eyes closed: each phase is spoken to screen
// readers, and felt as a vibration where the device allows it (one long pulse to
// breathe in, two short ones to breathe out). With reduced motion there is no
// animation, only the words and the count.
//
// The circle and Start come first, in view on the smallest phone. While it runs the
// pacer is the whole screen: the tabs and the settings step aside, and the top bar
// (with Help now) stays.

import { h, replace } from "../kit/dom.js";
import { checkField, selectField } from "../kit/fields.js";
import { useLogger } from "./use-log.js";
import { button } from "../kit/button.js";

export const PACES = {
  "4-6": {
    label: "In for 4, out for 6",
    phases: [
      ["in", 4],
      ["out", 6],
    ],
  },
  "4-7-8": {
    label: "In for 4, hold for 7, out for 8",
    phases: [
      ["in", 4],
      ["hold", 7],
      ["out", 8],
    ],
  },
  box: {
    label: "Box: in 4, hold 4, out 4, hold 4",
    phases: [
      ["in", 4],
      ["hold", 4],
      ["out", 4],
      ["hold", 4],
    ],
  },
};
const WORDS = { in: "Breathe in", hold: "Hold", out: "Breathe out" };
export const BUZZ = { in: [400], hold: [], out: [120, 120, 120] };

const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

export function breatheView(main) {
  const canVibrate = typeof navigator.vibrate === "function";
  const pace = selectField(
    "pace",
    "Pace",
    Object.fromEntries(Object.entries(PACES).map(([k, v]) => [k, v.label])),
    "4-6",
  );
  const vibrate = checkField("vibrate", "Vibrate with each breath", canVibrate);
  if (!canVibrate) vibrate.input.disabled = true;
  const circle = h("div", { class: "pacer-circle", "aria-hidden": "true" });
  const phase = h("p", { class: "pacer-phase", id: "pacer-phase", "aria-live": "assertive" }, "Ready when you are.");
  const count = h("p", { class: "pacer-count", id: "pacer-count", "aria-hidden": "true" });
  const start = button("Start", { class: "primary pacer-start", id: "pacer-start" });
  let timer = null;
  let wakeLock = null;

  const pacing = (on) => document.body.classList.toggle("pacing", on);

  function stop() {
    pacing(false);
    clearTimeout(timer);
    timer = null;
    navigator.vibrate?.(0);
    wakeLock?.release?.().catch(() => {});
    wakeLock = null;
    circle.className = "pacer-circle";
    start.textContent = "Start";
    phase.textContent = "Stopped. You can start again whenever you like.";
    count.textContent = "";
  }

  function run(phases, index, secondsLeft) {
    const [name, length] = phases[index];
    if (secondsLeft === length) {
      phase.textContent = WORDS[name];
      if (vibrate.input.checked && BUZZ[name].length) navigator.vibrate?.(BUZZ[name]);
      if (!reducedMotion()) {
        circle.style.transitionDuration = `${length}s`;
        circle.className = `pacer-circle ${name === "hold" ? (circle.dataset.last ?? "out") : name}`;
        if (name !== "hold") circle.dataset.last = name;
      }
    }
    count.textContent = String(secondsLeft);
    timer = setTimeout(() => {
      if (secondsLeft > 1) run(phases, index, secondsLeft - 1);
      else {
        const next = (index + 1) % phases.length;
        run(phases, next, phases[next][1]);
      }
    }, 1000);
  }

  start.addEventListener("click", async () => {
    if (timer) return stop();
    start.textContent = "Stop";
    pacing(true);
    try {
      wakeLock = await navigator.wakeLock?.request("screen");
    } catch {
      wakeLock = null; // the screen may sleep; the vibration keeps going while it can
    }
    const phases = PACES[pace.input.value].phases;
    run(phases, 0, phases[0][1]);
  });
  pace.input.addEventListener("change", () => timer && stop());

  replace(
    main,
    h("p", { class: "pacer-extra" }, h("a", { href: "/toolkit" }, "← Toolkit")),
    h("h1", { class: "pacer-title" }, "Breathing"),
    h("div", { class: "pacer" }, circle, phase, count),
    h("div", { class: "row pacer-buttons" }, start),
    h(
      "div",
      { class: "pacer-extra" },
      h(
        "p",
        { class: "quiet" },
        "You can close your eyes. ",
        canVibrate
          ? "The phone vibrates once, long, to breathe in, and three short times to breathe out."
          : "This browser cannot vibrate, so follow the words or the circle.",
      ),
      h("details", {}, h("summary", {}, "Pace and vibration"), pace.element, vibrate.element),
      h("details", {}, h("summary", {}, "Note how it went"), useLogger({ note: "Breathing" })),
    ),
  );
  return { leave: stop };
}
