// Settings: the person's own words (synced), privacy on this device (PIN, auto-lock,
// neutral name and icon; never synced), and exporting everything.

import { allLetters } from "../../letters.js";
import { myWords } from "../../my-words.js";
import {
  IDLE_CHOICES,
  NEUTRAL_NAME,
  discretion,
  fileName,
  hasPin,
  removePin,
  setIdleMinutes,
  setNeutral,
  setPin,
  validPin,
} from "../../lock.js";
import { preferences, setPreferences } from "../../preferences.js";
import { BREAK_WORDS, ENDING_WORDS, THERAPIST_WORDS } from "../../wording.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { checkField, selectField } from "../kit/fields.js";
import { button, submitButton } from "../kit/button.js";
import { errorBox } from "../kit/form.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { go } from "../../router.js";

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// A readable document of every letter on this device, built here, so it works offline.
export function lettersDocument(list, title = "Letters") {
  const body = list
    .map(
      (l) => `<article>
<h2>${escapeHtml(l.title.trim() || "Untitled")}</h2>
<p class="meta">${escapeHtml(fullDate(l.createdAt))}${l.recipient ? ` · to ${escapeHtml(l.recipient)}` : ""}${l.part ? ` · ${escapeHtml(l.part)}` : ""}${l.deleted ? " · in the trash" : ""}</p>
<div class="body">${escapeHtml(l.body)}</div>
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:1.1rem/1.6 Georgia,serif;max-width:40rem;margin:2rem auto;padding:0 1rem}.meta{color:#555}.body{white-space:pre-wrap}article{border-bottom:1px solid #ccc;padding-bottom:1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p class="meta">${list.length} ${list.length === 1 ? "letter" : "letters"}, saved ${escapeHtml(fullDate(new Date().toISOString()))}.</p>
${body}
</body></html>`;
}

export async function settingsView(main) {
  const prefs = await preferences();
  const device = await discretion();
  const therapist = selectField("therapist-word", "Call my therapist", THERAPIST_WORDS, prefs.therapistWord);
  const breakWord = selectField("break-word", "Call a break", BREAK_WORDS, prefs.breakWord);
  const endingWord = selectField("ending-word", "Call an ending", ENDING_WORDS, prefs.endingWord);
  const innerChild = checkField(
    "inner-child",
    "Offer the inner-child framing (parts, “the little one”)",
    prefs.innerChild,
  );
  const showStarters = checkField(
    "show-starters",
    "Offer gentle first lines (“Ways to begin”) when writing a letter",
    prefs.showStarters,
  );
  const wordsSaved = h("p", { class: "quiet", "aria-live": "polite", id: "words-saved" });
  const wordsForm = h(
    "form",
    { onsubmit: (event) => event.preventDefault() },
    therapist.element,
    breakWord.element,
    endingWord.element,
    innerChild.element,
    showStarters.element,
    wordsSaved,
  );
  // Only the choice just made is written: a screen left open must not put back what
  // another device changed since.
  const fields = { therapistWord: therapist, breakWord, endingWord, innerChild, showStarters };
  wordsForm.addEventListener("change", async (event) => {
    const input = event.target;
    const name = Object.keys(fields).find((key) => fields[key].input === input);
    if (!name) return;
    await setPreferences({ [name]: input.type === "checkbox" ? input.checked : input.value });
    wordsSaved.textContent = "Saved. Every screen uses these words now.";
  });

  const pinArea = h("div", { id: "pin-area" });
  async function drawPin() {
    const pinned = await hasPin();
    const first = h("input", {
      id: "new-pin",
      type: "password",
      inputmode: "numeric",
      autocomplete: "new-password",
      maxlength: 12,
    });
    const again = h("input", {
      id: "new-pin-again",
      type: "password",
      inputmode: "numeric",
      autocomplete: "new-password",
      maxlength: 12,
    });
    const message = errorBox("pin-message");
    replace(
      pinArea,
      h("p", {}, pinned ? "A PIN is set on this device." : "No PIN is set on this device."),
      h(
        "form",
        {
          class: "stack",
          onsubmit: async (event) => {
            event.preventDefault();
            if (!validPin(first.value)) {
              message.textContent = "Use 4 to 12 digits.";
              return;
            }
            if (first.value !== again.value) {
              message.textContent = "The two PINs are not the same.";
              return;
            }
            await setPin(first.value);
            await drawPin();
            pinArea.querySelector("p").textContent = "PIN set. The app opens locked from now on.";
          },
        },
        h("label", { for: "new-pin" }, pinned ? "New PIN" : "PIN (4 to 12 digits)"),
        first,
        h("label", { for: "new-pin-again" }, "The same PIN again"),
        again,
        message,
        submitButton(pinned ? "Change the PIN" : "Set a PIN", { id: "set-pin" }),
      ),
      pinned
        ? button("Remove the PIN", {
            class: "quiet",
            onClick: async () => {
              await removePin();
              await drawPin();
            },
          })
        : null,
    );
  }
  await drawPin();

  const idle = selectField(
    "idle-minutes",
    "Lock after this long without use",
    Object.fromEntries(IDLE_CHOICES.map((m) => [String(m), `${m} ${m === 1 ? "minute" : "minutes"}`])),
    String(device.idleMinutes),
  );
  idle.input.addEventListener("change", () => setIdleMinutes(Number(idle.input.value)));
  const neutral = checkField("neutral-name", `Use a neutral name (“${NEUTRAL_NAME}”) and a plain icon`, device.neutral);
  neutral.input.addEventListener("change", () => setNeutral(neutral.input.checked));

  const exportMessage = h("p", { "aria-live": "polite", id: "export-message" });
  const exportJson = button("Download my words", { id: "export-json" });
  exportJson.addEventListener("click", async () => {
    download(fileName("export"), "application/json", JSON.stringify(await myWords(), null, 2));
    exportMessage.textContent = "Downloaded: a JSON file of everything on this device.";
  });
  const exportLetters = button("Download my letters as a document", { id: "export-letters" });
  exportLetters.addEventListener("click", async () => {
    download(
      fileName("letters"),
      "text/html",
      lettersDocument(await allLetters(), (await discretion()).neutral ? NEUTRAL_NAME : "Letters"),
    );
    exportMessage.textContent = "Downloaded: a page any browser can open or print.";
  });

  replace(
    main,
    h("p", {}, h("a", { href: "/account" }, "← Account")),
    h("h1", {}, "Settings"),
    h(
      "section",
      { "aria-labelledby": "words-heading" },
      h("h2", { id: "words-heading" }, "Your words"),
      h("p", { class: "quiet" }, "Used on every screen, on all your devices."),
      setAsideNotice("preferences", prefs, () => go("/settings", { replace: true })),
      wordsForm,
    ),
    h(
      "section",
      { "aria-labelledby": "privacy-heading" },
      h("h2", { id: "privacy-heading" }, "Privacy on this device"),
      h(
        "p",
        { class: "quiet" },
        "These stay on this device. “Hide” at the top shows a plain page at once; with a PIN, it also locks. Only a scrambled form of the PIN is kept, so it cannot be read back. If you forget it, sign out and in again: that clears this device, and what has synced comes back.",
      ),
      pinArea,
      idle.element,
      neutral.element,
      h(
        "p",
        { class: "quiet" },
        `The name in this browser's tab becomes “${NEUTRAL_NAME}” and the icon a plain one. If the app is already on your home screen, its name and icon there usually change only after you remove it and add it again, and some phones keep the old ones.`,
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "export-heading" },
      h("h2", { id: "export-heading" }, "Your data"),
      h(
        "p",
        { class: "quiet" },
        "Both are made here, from what this device holds, so they work offline. “Download my words” is a JSON file of your letters (those in the trash too), toolkit, plans and choices. The letters document holds the letters in plain pages. Your account keeps all of it sealed: the server cannot read it, so a copy from the server could only be opened on your devices.",
      ),
      h("div", { class: "row" }, exportJson, exportLetters),
      exportMessage,
    ),
  );
  return null;
}
