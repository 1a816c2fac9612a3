// A held share, named where the morning regret happens: on the letter and in the list,
// "Held for Anna until 08:00", with Cancel right there. What is held is known on the
// device (sharing.js notes each share), so it shows offline too; cancelling needs the
// server, and says so plainly when there is no connection.

import { offline } from "../../../api.js";
import { cancelShare, heldShares, myShares } from "../../../sharing.js";
import { bus } from "../../../sync.js";
import { timeOfDay } from "../../../times.js";
import { wording } from "../../../wording.js";
import { h, replace } from "../../kit/dom.js";
import { problem } from "../share-words.js";
import { button } from "../../kit/button.js";
import { errorBox } from "../../kit/form.js";

const day = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
const dayKey = (date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

// "08:00" today, "tomorrow at 08:00", else "Thursday 4 December at 08:00", in local time.
export function untilWhen(iso, now = new Date()) {
  const at = new Date(iso);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (dayKey(at) === dayKey(now)) return timeOfDay(at);
  if (dayKey(at) === dayKey(tomorrow)) return `tomorrow at ${timeOfDay(at)}`;
  return `${day.format(at)} at ${timeOfDay(at)}`;
}

// One held share: what it is, and the Cancel button. `done` runs after a cancel.
function heldLine(share, { words, compact, done }) {
  const until = untilWhen(share.deliverAt);
  const said = errorBox(null, "held-problem");
  const cancel = button("Cancel", { class: "cancel-held", "aria-label": `Cancel sharing with ${share.therapistName}` });
  const offlineNote = navigator.onLine
    ? null
    : h("p", { class: "quiet" }, "This device is offline: this is what it last knew. Cancelling needs a connection.");
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    said.textContent = "";
    try {
      await cancelShare(share.id);
      await done();
    } catch (error) {
      cancel.disabled = false;
      offlineNote?.remove(); // the sentence below says it all
      said.textContent = offline(error)
        ? `Cancelling needs the internet, and this device is offline. It stays held until ${until}: cancel it here once you're connected.`
        : problem(error, words);
    }
  });
  return h(
    "div",
    { class: "held", "data-share": share.id },
    h("p", { class: "held-what" }, `Held for ${share.therapistName} until ${until}.`),
    compact
      ? null
      : h(
          "p",
          { class: "quiet" },
          `Until then ${share.therapistName} knows nothing of it. If you've changed your mind, you can cancel it, and it never reaches ${words.yourTherapist}.`,
        ),
    offlineNote,
    h("div", { class: "row" }, cancel),
    said,
  );
}

// The held shares of one letter, drawn into `area` (empty when there are none).
export async function drawHeld(area, letterId, { compact = false, words = null } = {}) {
  const list = (await heldShares())[letterId] ?? [];
  const own = words ?? (await wording());
  const done = async () => {
    await myShares(letterId).catch(() => {});
    await drawHeld(area, letterId, { compact, words: own });
  };
  replace(
    area,
    list.map((share) => heldLine(share, { words: own, compact, done })),
  );
}

// For the letter screen: an area that follows what the device knows, and asks the
// server once when it opens (a share held on another device, or delivered since).
export function heldArea(letterId) {
  const area = h("div", { id: "held-shares" });
  const draw = () => drawHeld(area, letterId);
  bus.addEventListener("shares", draw);
  draw().then(async () => {
    if (navigator.onLine && (await heldShares())[letterId]) myShares(letterId).catch(() => {});
  });
  return { element: area, leave: () => bus.removeEventListener("shares", draw) };
}
