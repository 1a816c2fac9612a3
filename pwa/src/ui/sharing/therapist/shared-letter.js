// A therapist reads one shared letter: the words as they were when shared, the
// client's note, and a private "discussed in session" mark. No edit, no reply box.
// Each opening goes into the client's access log, now or when back online.

import { markDiscussed, opening, sharedLetter, watchOpenings } from "../../../sharing.js";
import { bus, syncNow } from "../../../sync.js";
import { fullDate, h, replace } from "../../kit/dom.js";

export async function sharedLetterView(main, id) {
  const back = h("p", {}, h("a", { href: "/" }, "← Shared with you"));
  const area = h("div", {});
  replace(main, back, area);

  function gone() {
    replace(
      area,
      h("h1", {}, "No longer shared"),
      h("p", { id: "shared-gone" }, "This letter is no longer shared with you."),
    );
  }

  async function draw() {
    const letter = await sharedLetter(id);
    if (!letter) return gone();
    const discussed = h("input", { type: "checkbox", id: "discussed", checked: letter.discussed });
    discussed.addEventListener("change", () => markDiscussed(id, discussed.checked));
    replace(
      area,
      h("h1", { id: "shared-title" }, letter.title.trim() || "Untitled letter"),
      h(
        "p",
        { class: "quiet" },
        `From ${letter.clientName}, shared ${fullDate(letter.sharedAt)}`,
        letter.edition > 1 ? " (an updated version)" : "",
      ),
      letter.note
        ? h(
            "section",
            { class: "offer", "aria-labelledby": "note-heading" },
            h("h2", { id: "note-heading" }, "Their note"),
            h("p", { class: "version-text", id: "shared-note" }, letter.note),
          )
        : null,
      h(
        "article",
        { "aria-labelledby": "shared-title" },
        h("p", { class: "version-text", id: "shared-body" }, letter.body),
      ),
      h(
        "div",
        { class: "check" },
        discussed,
        h("label", { for: "discussed" }, "Discussed in session (only you see this mark)"),
      ),
    );
  }

  await draw();
  if (!(await sharedLetter(id))) return null;
  watchOpenings();
  // After the words are on screen: the server's answer only tells if they are stale.
  opening(id)
    .then((answer) => {
      if (answer) return sharedLetter(id).then((held) => held && held.edition !== answer.edition && syncNow());
      return null;
    })
    .catch((error) => {
      if (error.code === "NOT_FOUND") syncNow(); // withdrawn meanwhile: the sync drops it
    });
  // A mark from another device, an updated version or a withdrawal arrive by sync.
  const onRecords = () => draw();
  bus.addEventListener("records", onRecords);
  return { leave: () => bus.removeEventListener("records", onRecords) };
}
