// One letter: write, mark, see both versions after a conflict, move to the trash.

import {
  STATES,
  WORDS,
  createLetter,
  editLetter,
  letter as loadLetter,
  restoreLetter,
  settleLetterAside,
  trashLetter,
} from "../../letters.js";
import { go } from "../../router.js";
import { starters } from "../../starters.js";
import { dismissRejected, rejectedEntries } from "../../store.js";
import { bus } from "../../sync.js";
import { autosave } from "../kit/autosave.js";
import { h, replace, when } from "../kit/dom.js";
import { heldArea } from "../sharing/client/held-share.js";
import { writingSpace } from "./writing-space.js";
import { button, linkButton } from "../kit/button.js";

// Strings compare directly: a long letter is not copied into JSON on every keystroke.
const sameValue = (a, b) =>
  typeof a === "string" || typeof b === "string" ? a === b : JSON.stringify(a) === JSON.stringify(b);

function parseTags(text) {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

export async function letterView(main, id) {
  const initial = await loadLetter(id);
  if (!initial) {
    replace(
      main,
      h("h1", {}, "Letter not found"),
      h("p", {}, "This letter is not on this device. It may have been deleted for good."),
      h("a", { href: "/" }, "Back to letters"),
    );
    return null;
  }

  const title = h("input", {
    id: "title",
    type: "text",
    value: initial.title,
    maxlength: 500,
    placeholder: "Title (optional)",
  });
  const body = h("textarea", {
    id: "body",
    rows: 12,
    value: initial.body,
    placeholder: "Write here. It is saved as you go.",
  });
  const space = writingSpace(body);
  const recipient = h("input", {
    id: "recipient",
    type: "text",
    value: initial.recipient,
    maxlength: 200,
    placeholder: "e.g. my T",
  });
  const part = h("input", {
    id: "part",
    type: "text",
    value: initial.part,
    maxlength: 200,
    placeholder: "e.g. the little girl, we",
  });
  const tags = h("input", { id: "tags", type: "text", value: initial.tags.join(", ") });
  const state = h(
    "select",
    { id: "state" },
    Object.entries(STATES).map(([value, label]) => h("option", { value, selected: value === initial.state }, label)),
  );
  const forSession = h("input", {
    id: "for-session",
    type: "checkbox",
    checked: initial.forNextSession,
  });
  const savedNote = h("p", { class: "quiet", id: "saved", "aria-live": "polite" }, "Saved on this device.");
  const conflictArea = h("div", {});
  const rejectedArea = h("div", {});
  const trashArea = h("div", {});
  const startersArea = h("div", {});

  const read = () => ({
    title: title.value,
    body: body.value,
    recipient: recipient.value,
    part: part.value,
    tags: parseTags(tags.value),
    state: state.value,
    forNextSession: forSession.checked,
  });
  let lastSaved = read();

  const saver = autosave(async () => {
    const now = read();
    const changes = {};
    for (const [name, value] of Object.entries(now)) {
      if (!sameValue(value, lastSaved[name])) changes[name] = value;
    }
    if (!Object.keys(changes).length) return;
    await editLetter(id, changes);
    lastSaved = now;
    savedNote.textContent = "Saved on this device.";
  });
  for (const input of [title, body, recipient, part, tags]) {
    input.addEventListener("input", () => saver.touch());
  }
  for (const input of [state, forSession]) input.addEventListener("change", () => saver.touch());

  // Another device's words arrived: show them, unless the person is mid-sentence here.
  async function refresh() {
    const current = await loadLetter(id);
    if (!current) return;
    const typed = read();
    if (sameValue(typed, lastSaved)) {
      const fresh = {
        title: current.title,
        body: current.body,
        recipient: current.recipient,
        part: current.part,
        tags: current.tags,
        state: current.state,
        forNextSession: current.forNextSession,
      };
      if (!sameValue(fresh, typed)) {
        if (title.value !== fresh.title) title.value = fresh.title;
        if (body.value !== fresh.body) {
          body.value = fresh.body;
          space.refit();
        }
        recipient.value = fresh.recipient;
        part.value = fresh.part;
        tags.value = fresh.tags.join(", ");
        state.value = fresh.state;
        forSession.checked = fresh.forNextSession;
        lastSaved = read();
      }
    }
    await drawConflict(current);
    await drawRejected();
    drawTrash(current);
  }

  // Words set aside when the letter was changed on two devices at once: its title and
  // words as two versions to choose between, anything else (tags, marks) in the
  // notice every sealed kind shows. Each loads only when a letter has some.
  async function drawConflict(current) {
    const others = current.conflicts.filter((conflict) => !WORDS.includes(conflict.field));
    if (!current.conflict && !others.length) {
      replace(conflictArea);
      return;
    }
    const [versions, aside] = await Promise.all([
      current.conflict ? import("./versions.js") : null,
      others.length ? import("../kit/set-aside.js") : null,
    ]);
    const chosen = async (copy) => {
      if (copy) go(`/letters/${copy}`);
      else await refresh();
    };
    replace(
      conflictArea,
      versions ? await versions.versionsArea(current, { before: () => saver.flush(), chosen }) : null,
      aside?.setAsideNotice(
        "letter",
        { ...current, conflicts: others },
        refresh,
        "letter-set-aside",
        async (conflict, keep) => {
          await saver.flush();
          await settleLetterAside(id, conflict, keep);
        },
      ),
    );
  }

  // A change the server could not take: its words stay here until the person decides.
  async function drawRejected() {
    const mine = (await rejectedEntries()).filter((entry) => entry.recordId === id);
    replace(
      rejectedArea,
      mine.map((entry) => {
        const words = entry.fields?.body ?? entry.fields?.title ?? null;
        return h(
          "section",
          { class: "notice alert", "aria-label": "A change that was not synced" },
          h("p", {}, `A change could not be saved to your account: ${entry.message ?? entry.code}`),
          words ? h("blockquote", { class: "version-text" }, words) : null,
          h(
            "div",
            { class: "row" },
            words
              ? button("Keep these words as a new letter", {
                  onClick: async () => {
                    const copy = await createLetter({ body: words });
                    await dismissRejected(entry.seq);
                    go(`/letters/${copy}`);
                  },
                })
              : null,
            button("Dismiss", {
              class: "quiet",
              onClick: async () => {
                await dismissRejected(entry.seq);
                await drawRejected();
              },
            }),
          ),
        );
      }),
    );
  }

  function drawTrash(current) {
    const editable = !current.deleted;
    for (const input of [title, body, recipient, part, tags, state, forSession]) {
      input.disabled = !editable;
    }
    startersArea.hidden = !editable;
    replace(
      trashArea,
      editable
        ? null
        : h(
            "div",
            { class: "notice", role: "status" },
            h("p", {}, "This letter is in the trash. Bring it back to keep writing."),
            button("Bring it back", {
              onClick: async () => {
                await restoreLetter(id);
                await refresh();
              },
            }),
          ),
    );
  }

  // A starter goes in at the cursor, as its own paragraph, and the cursor ends after
  // it. A selection is never typed over: the cursor moves to its end first. It is
  // inserted as typing is, so the same input event saves it through the same autosave
  // (and undo takes it out again).
  function begin(text) {
    if (body.disabled) return;
    const at = body.selectionEnd;
    const before = body.value.slice(0, at);
    const after = body.value.slice(at);
    const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const start = `${lead}${text} `;
    const trail = !after || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    body.focus();
    body.setSelectionRange(at, at);
    if (!document.execCommand("insertText", false, start + trail)) {
      body.setRangeText(start + trail, at, at, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    body.setSelectionRange(at + start.length, at + start.length);
  }

  let drawnStarters = null;
  function drawStarters(words) {
    const list = words.showStarters ? starters(words) : [];
    const key = JSON.stringify(list);
    if (key === drawnStarters) return;
    drawnStarters = key;
    if (!list.length) {
      replace(startersArea);
      return;
    }
    const hide = button("Hide these", { class: "quiet", id: "hide-starters" });
    hide.addEventListener("click", async () => {
      const { setPreferences } = await import("../../preferences.js");
      await setPreferences({ showStarters: false });
      drawnStarters = "[]";
      const note = h(
        "p",
        { class: "quiet", id: "starters-hidden", tabindex: "-1" },
        "Hidden on all your devices. You can bring them back in ",
        h("a", { href: "/settings" }, "Settings"),
        ".",
      );
      replace(startersArea, note);
      note.focus();
    });
    const open = startersArea.querySelector("details")?.open;
    replace(
      startersArea,
      h(
        "details",
        { id: "starters", open },
        h("summary", {}, "Ways to begin"),
        h(
          "p",
          { class: "quiet", id: "starters-hint" },
          "If a first line is hard to find, tap one to add it where the cursor is. Change it as you like.",
        ),
        h(
          "div",
          { class: "suggestions", role: "group", "aria-labelledby": "starters-hint" },
          list.map((text) => button(text, { class: "suggestion", onClick: () => begin(text) })),
        ),
        hide,
      ),
    );
  }

  const moveToTrash = button("Move to trash", { class: "quiet" });
  moveToTrash.addEventListener("click", async () => {
    await saver.flush();
    await trashLetter(id);
    await go("/");
    if (initial.synced) import("../sharing/client/shares.js").then((shares) => shares.offerAfterTrash(id));
  });
  const share = linkButton("Share…", `/letters/${id}/share`, { id: "to-share" });
  const held = heldArea(id);

  replace(
    main,
    h("p", { class: "editor-top" }, h("a", { href: "/" }, "← Letters")),
    h("h1", { class: "visually-hidden" }, "Letter"),
    held.element,
    trashArea,
    rejectedArea,
    conflictArea,
    h(
      "form",
      { class: "letter", onsubmit: (event) => event.preventDefault() },
      h("label", { for: "title", class: "visually-hidden" }, "Title"),
      title,
      h("label", { for: "body", class: "visually-hidden" }, "Letter"),
      body,
      savedNote,
      h(
        "details",
        {},
        h("summary", {}, "To, from, tags and marks"),
        h("label", { for: "recipient" }, "To"),
        recipient,
        h("label", { for: "part" }, "Written as or for a part (optional)"),
        part,
        h("label", { for: "tags" }, "Tags, separated by commas"),
        tags,
        h("label", { for: "state" }, "This letter is"),
        state,
        h("div", { class: "check" }, forSession, h("label", { for: "for-session" }, "Bring to my next session")),
      ),
      startersArea,
    ),
    h(
      "p",
      { class: "quiet" },
      `Started ${when(initial.createdAt)}. `,
      h("a", { href: `/letters/${id}/history` }, "Earlier versions"),
    ),
    h("div", { class: "row" }, share, moveToTrash),
  );
  await drawConflict(initial);
  await drawRejected();
  drawTrash(initial);
  // The person's own words, loaded after the letter is on screen so typing never waits.
  const ownWords = () => import("../../wording.js").then(({ wording }) => wording());
  ownWords().then((words) => {
    share.textContent = `Share with ${words.yourTherapist}…`;
    recipient.placeholder = `e.g. ${words.myTherapist}`;
    if (!words.innerChild && !initial.part) part.hidden = part.labels[0].hidden = true;
    drawStarters(words);
  });

  // Another device may have changed the letter, or the person's words.
  const onRecords = () => {
    refresh();
    ownWords().then(drawStarters);
  };
  bus.addEventListener("records", onRecords);
  return {
    async leave() {
      bus.removeEventListener("records", onRecords);
      held.leave();
      space.stop();
      await saver.flush();
      saver.stop();
    },
  };
}
