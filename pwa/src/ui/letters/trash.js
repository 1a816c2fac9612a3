// Letters in the trash: kept for a while (TRASH_DAYS), then deleted for good by the server.

import { TRASH_DAYS, excerpt, purgeLetter, restoreLetter, trashed } from "../../letters.js";
import { bus } from "../../sync.js";
import { h, replace, when } from "../kit/dom.js";
import { button } from "../kit/button.js";

export async function trashView(main) {
  const list = h("ul", { class: "letters" });
  const message = h("p", { "aria-live": "polite" });
  replace(
    main,
    h("h1", {}, "Trash"),
    h("p", { class: "quiet" }, `Letters here are kept for ${TRASH_DAYS} days, then deleted for good.`),
    message,
    list,
  );

  async function draw() {
    const letters = await trashed();
    message.textContent = letters.length ? "" : "The trash is empty.";
    replace(
      list,
      letters.map((letter) => item(letter, draw)),
    );
  }
  await draw();
  bus.addEventListener("records", draw);
  return { leave: () => bus.removeEventListener("records", draw) };
}

function item(letter, draw) {
  const name = letter.title.trim() || excerpt(letter, 60) || "Untitled";
  const forGood = button("Delete for good", { class: "quiet" });
  forGood.addEventListener("click", async () => {
    // Deleting for good is the only step that cannot be undone: ask once, plainly.
    if (!confirm(`Delete “${name}” for good? It and all its versions will be gone.`)) return;
    await purgeLetter(letter.id);
    await draw();
  });
  return h(
    "li",
    { class: "trashed" },
    h("a", { href: `/letters/${letter.id}`, class: "letter-link" }, h("span", { class: "letter-title" }, name)),
    h("p", { class: "letter-meta" }, letter.deletedAt ? `Moved here ${when(letter.deletedAt)}` : "Moved here"),
    h(
      "div",
      { class: "row" },
      button("Bring it back", {
        onClick: async () => {
          await restoreLetter(letter.id);
          await draw();
        },
      }),
      forGood,
    ),
  );
}
