// A therapist's home: the letters clients chose to share, grouped by client, from this
// device's own copy (so it works offline after a sync). No reply, no chat.

import { bus } from "../../../sync.js";
import { h, replace, when } from "../../kit/dom.js";

export async function sharedView(main) {
  // Loaded here, not with the app: clients never need it.
  const { byClient, sharedLetters } = await import("../../../sharing.js");
  const list = h("div", { id: "shared-list" });
  replace(
    main,
    h("h1", {}, "Shared with you"),
    h(
      "p",
      { class: "quiet" },
      "Letters your clients chose to share, as they were when shared. There is no reply here: what is shared is for bringing into the session.",
    ),
    list,
  );

  async function draw() {
    const groups = byClient(await sharedLetters());
    replace(
      list,
      groups.length
        ? groups.map((group, index) =>
            h(
              "section",
              { class: "client-group", "aria-labelledby": `client-${index}` },
              h("h2", { id: `client-${index}` }, group.clientName),
              h("ul", { class: "letters" }, group.letters.map(sharedItem)),
            ),
          )
        : [
            h(
              "p",
              { id: "shared-empty" },
              "Nothing has been shared with you yet. When a client chooses to share a letter, it appears here.",
            ),
            h("p", {}, h("a", { href: "/connect" }, "Connect with a client")),
          ],
    );
  }
  await draw();
  bus.addEventListener("records", draw);
  return { leave: () => bus.removeEventListener("records", draw) };
}

function sharedItem(letter) {
  return h(
    "li",
    {},
    h(
      "a",
      { href: `/shared/${letter.id}`, class: "letter-link" },
      h("span", { class: "letter-title" }, letter.title.trim() || "Untitled letter"),
    ),
    h(
      "p",
      { class: "letter-meta" },
      h("span", {}, `Shared ${when(letter.sharedAt)}`),
      letter.edition > 1 ? h("span", { class: "mark" }, "Updated") : null,
      letter.discussed ? h("span", { class: "mark" }, "Discussed in session") : null,
    ),
  );
}
