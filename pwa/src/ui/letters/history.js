// Earlier versions of a letter, kept by the server; any of them can come back.

import { offline } from "../../api.js";
import { letter as loadLetter, restoreRevision, revisions } from "../../letters.js";
import { go } from "../../router.js";
import { syncNow } from "../../sync.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { button } from "../kit/button.js";

const REASONS = {
  edit: "Saved",
  merge: "Joined with another device's changes",
  restore: "Brought back",
  client: "This device's words before joining",
  conflict: "A version that could not be joined",
};

function preview(text) {
  const flat = text.trim().replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat || "(empty)";
}

export async function historyView(main, id) {
  const current = await loadLetter(id);
  const back = h("p", {}, h("a", { href: `/letters/${id}` }, "← Back to the letter"));
  const list = h("ol", { class: "revisions" });
  const message = h("p", { "aria-live": "polite" }, "Looking for earlier versions…");
  replace(main, back, h("h1", {}, "Earlier versions"), message, list);
  if (!current) {
    message.textContent = "This letter is not on this device.";
    return null;
  }
  if (!current.synced) {
    message.textContent =
      "This letter has not reached your account yet. Its earlier versions appear here once it has synced.";
    return null;
  }
  let found;
  try {
    await syncNow();
    found = await revisions(id);
  } catch (error) {
    message.textContent = offline(error)
      ? "Earlier versions are kept on your account. They can be seen when you are online; the letter itself is here on this device."
      : error.message;
    return null;
  }
  message.textContent = found.length
    ? `${found.length} ${found.length === 1 ? "version" : "versions"}, newest first.`
    : "No earlier versions yet.";
  replace(
    list,
    found.map((revision) =>
      h(
        "li",
        {},
        h(
          "details",
          {},
          h(
            "summary",
            {},
            `${fullDate(revision.createdAt)}, ${REASONS[revision.reason] ?? revision.reason}: `,
            h("span", { class: "quiet" }, preview(revision.body)),
          ),
          revision.title ? h("p", { class: "letter-title" }, revision.title) : null,
          h("p", { class: "version-text" }, revision.body),
          button("Bring this version back", {
            onClick: async () => {
              await restoreRevision(id, revision.id);
              syncNow();
              go(`/letters/${id}`);
            },
          }),
        ),
      ),
    ),
  );
  return null;
}
