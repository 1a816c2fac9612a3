// Home: start typing and it is saved; below, the letters, with search on the device.

import { createLetter, editLetter, excerpt, letterList, letters, matches } from "../../letters.js";
import { bus } from "../../sync.js";
import { autosave } from "../kit/autosave.js";
import { h, replace, when } from "../kit/dom.js";
import { drawHeld } from "../sharing/client/held-share.js";
import { marks } from "./marks.js";
import { sharedView } from "../sharing/therapist/shared.js";
import { me } from "../../me.js";
import { heldShares } from "../../sharing.js";
import { wording } from "../../wording.js";
import { button } from "../kit/button.js";
import { todayOnHome } from "../plans/today.js";

const FIRST_SCREEN = 20;
const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

export async function homeView(main) {
  const account = await me();
  if (account?.role === "THERAPIST") return sharedView(main);

  const capture = captureBox();
  const search = h("input", {
    type: "search",
    id: "search",
    autocomplete: "off",
    placeholder: "Words, a title, a tag",
  });
  const list = h("ul", { class: "letters", id: "letter-list" });
  const count = h("p", { class: "quiet", "aria-live": "polite", id: "letter-count" });

  let drawing = 0;
  async function draw() {
    const run = ++drawing;
    const query = search.value.trim();
    // Searching needs every word; the list alone needs only the beginnings.
    const [all, held, words] = await Promise.all([query ? letters() : letterList(), heldShares(), wording()]);
    if (run !== drawing) return;
    const shown = all.filter((letter) => matches(letter, query));
    const letterItem = (letter) => listItem(letter, held[letter.id], words);
    // A screenful first, the rest after it is on screen: a long list must not keep
    // the person waiting for the letters at the top.
    replace(list, shown.slice(0, FIRST_SCREEN).map(letterItem));
    (async () => {
      for (let start = FIRST_SCREEN; start < shown.length; start += FIRST_SCREEN * 4) {
        await afterPaint();
        if (run !== drawing) return;
        list.append(...shown.slice(start, start + FIRST_SCREEN * 4).map(letterItem));
      }
    })();
    if (!all.length) {
      count.textContent =
        "No letters yet. What you write stays on this device and your account, and is never sent unless you choose to.";
    } else if (query) {
      count.textContent = `${shown.length} of ${all.length} ${all.length === 1 ? "letter" : "letters"} ${shown.length === 1 ? "matches" : "match"}.`;
    } else {
      count.textContent = "";
    }
  }

  search.addEventListener("input", draw);
  // The list is filled before the screen is shown, so it never appears empty; the
  // Today card of a break is read at the same time, so nothing moves once shown. Its
  // code comes with the app's, so opening is not a chain of fetches.
  const [today] = await Promise.all([todayOnHome().catch(() => null), draw()]);
  replace(
    main,
    h("h1", {}, "Letters"),
    capture.element,
    today,
    h(
      "section",
      { "aria-labelledby": "your-letters" },
      h("h2", { id: "your-letters" }, "Your letters"),
      h("label", { for: "search" }, "Search your letters"),
      search,
      count,
      list,
    ),
  );
  // Typing in the capture box saves often; the list follows a moment later.
  let pending = null;
  const redraw = () => {
    clearTimeout(pending);
    pending = setTimeout(draw, 250);
  };
  bus.addEventListener("records", redraw);
  bus.addEventListener("saved", redraw);
  bus.addEventListener("shares", redraw);
  return {
    async leave() {
      drawing += 1; // stops a long list still being drawn
      bus.removeEventListener("records", redraw);
      bus.removeEventListener("saved", redraw);
      bus.removeEventListener("shares", redraw);
      clearTimeout(pending);
      await capture.leave();
    },
  };
}

// A letter held to share says so under its link, with Cancel (see held-share.js).
function listItem(letter, held, words) {
  const name = letter.title.trim() || excerpt(letter, 60) || "Untitled";
  return h(
    "li",
    {},
    h(
      "a",
      { href: `/letters/${letter.id}`, class: "letter-link" },
      h("span", { class: "letter-title" }, name),
      letter.title.trim() && letter.body.trim() ? h("span", { class: "letter-excerpt" }, excerpt(letter)) : null,
      h("span", { class: "letter-meta" }, when(letter.editedAt), marks(letter)),
    ),
    held ? heldInList(letter.id, words) : null,
  );
}

function heldInList(letterId, words) {
  const area = h("div", { class: "held-in-list" });
  drawHeld(area, letterId, { compact: true, words });
  return area;
}

// Quick capture: the first keystroke makes a letter; every later one saves into it.
function captureBox() {
  const field = h("textarea", {
    id: "capture",
    rows: 5,
    placeholder: "Start typing. It is saved as you go.",
  });
  const saved = h("p", { class: "quiet", id: "capture-status", "aria-live": "polite" });
  let id = null;
  let lastBody = "";

  const saver = autosave(async () => {
    const body = field.value;
    if (body === lastBody) return;
    if (id == null) id = await createLetter({ body });
    else await editLetter(id, { body });
    lastBody = body;
    replace(saved, "Saved on this device. ", h("a", { href: `/letters/${id}` }, "Open this letter"));
  });
  field.addEventListener("input", () => saver.touch());

  const again = button("Start a new letter", { class: "quiet" });
  again.addEventListener("click", async () => {
    await saver.flush();
    id = null;
    lastBody = "";
    field.value = "";
    saved.textContent = "";
    field.focus();
  });

  return {
    element: h(
      "section",
      { class: "capture", "aria-labelledby": "capture-label" },
      h("h2", { id: "capture-label" }, h("label", { for: "capture" }, "Write")),
      field,
      h("div", { class: "row" }, saved, again),
    ),
    async leave() {
      await saver.flush();
      saver.stop();
    },
  };
}
