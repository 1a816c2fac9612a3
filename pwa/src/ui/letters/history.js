// Earlier versions of a letter, kept by the server sealed and opened here; any of them
// can come back, as an ordinary edit.

import { offline } from "../../api.js";
import { editLetter, editedOn, letter as loadLetter } from "../../letters.js";
import { revisions } from "../../revisions.js";
import { go } from "../../router.js";
import { syncNow } from "../../sync.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { button } from "../kit/button.js";
import { deviceName } from "../kit/provenance.js";

function preview(text) {
  const flat = String(text ?? "")
    .trim()
    .replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat || "(empty)";
}

// "this phone", "the computer", or "another device": the label sealed with the words
// counts only when it was sealed by the device that sent them.
function madeOn(revision, here) {
  const sealedBy = revision.content?.editedOn;
  const label = sealedBy?.device === revision.deviceId ? sealedBy.label : null;
  return deviceName({ device: revision.deviceId, label }, here);
}

function unopenedItem(revision) {
  return h(
    "li",
    { class: "unopened" },
    h(
      "p",
      { class: "quiet" },
      `${fullDate(revision.createdAt)}: a version that could not be opened on this device. It may have been changed on the server since it was saved. The others are not affected.`,
    ),
  );
}

function revisionItem(id, revision, here) {
  const { title = "", body = "" } = revision.content;
  return h(
    "li",
    {},
    h(
      "details",
      {},
      h(
        "summary",
        {},
        `${fullDate(revision.createdAt)}, ${madeOn(revision, here)}: `,
        h("span", { class: "quiet" }, preview(body)),
      ),
      title ? h("p", { class: "letter-title" }, title) : null,
      h("p", { class: "version-text" }, body),
      button("Bring this version back", {
        onClick: async () => {
          await editLetter(id, { title, body });
          syncNow();
          go(`/letters/${id}`);
        },
      }),
    ),
  );
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
  let here;
  try {
    await syncNow();
    [found, here] = await Promise.all([revisions(id), editedOn()]);
  } catch (error) {
    message.textContent = offline(error)
      ? "Earlier versions are kept on your account. They can be seen when you are online; the letter itself is here on this device."
      : error.message;
    return null;
  }
  message.textContent = found.length
    ? found.length === 1
      ? "One version, opened here from your account, which keeps it sealed."
      : `${found.length} versions, newest first, opened here from your account, which keeps them sealed.`
    : "No earlier versions yet.";
  replace(
    list,
    found.map((revision) => (revision.content ? revisionItem(id, revision, here) : unopenedItem(revision))),
  );
  return null;
}
