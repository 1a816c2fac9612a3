// Sharing one letter: a deliberate step. The contact agreement of the active plan
// first, then when it should arrive (at night, the morning unless the person says
// otherwise), an optional note, and the preview: the server's copy of the letter
// (this device's edits are synced first), because that is what would be sent. Below,
// this letter's shares.

import { letter as loadLetter } from "../../../letters.js";
import { activePlan, deviceZone, nextSession, plans } from "../../../plans/plans.js";
import { links, myShares, serverCopy, shareLetter } from "../../../sharing.js";
import { linkSafety, noteSeen } from "../../../key-pairs.js";
import { getMeta, setMeta } from "../../../store.js";
import { timeOfDay } from "../../../times.js";
import { wording } from "../../../wording.js";
import { agreementCard } from "../../plans/agreement.js";
import { fullDate, h, replace } from "../../kit/dom.js";
import { NO_NEXT_SESSION, problem } from "../share-words.js";
import { shareItem } from "./shares.js";
import { me } from "../../../me.js";
import { button, linkButton, submitButton, tryAgain } from "../../kit/button.js";
import { errorBox } from "../../kit/form.js";

const SUGGESTIONS = [
  "No need to reply — I'd like to talk about it in our next session.",
  "I wrote this at a hard moment. I'd like you to know, and we can talk about it when we meet.",
  "I don't need anything back. It just helps to know you have it.",
];

function sessionLabel(session) {
  if (session == null) return "At my next session (none in my plans yet)";
  return `At my next session, ${fullDate(new Date(session).toISOString())}`;
}

// A letter written at night is often regretted in the morning: from 22:00 to 06:00
// local time it waits for the morning unless the person chooses otherwise.
const NIGHT_BEGINS = 22;
const NIGHT_ENDS = 6;
export const isNight = (date = new Date()) => date.getHours() >= NIGHT_BEGINS || date.getHours() < NIGHT_ENDS;
// Until the night ends, the server's "tomorrow morning" is this morning's 08:00
// (docs/sharing.md), so a letter written at 05:30 waits two and a half hours, not a day.
function morningLabel(now = new Date()) {
  const eight = new Date(now);
  eight.setHours(8, 0, 0, 0);
  return `${now.getHours() < NIGHT_ENDS ? "This morning" : "Tomorrow morning"} at ${timeOfDay(eight)}`;
}

export async function shareView(main, id) {
  const account = await me();
  const local = await loadLetter(id);
  const back = h("p", {}, h("a", { href: `/letters/${id}` }, "← Back to the letter"));
  if (account.role !== "CLIENT" || !local) {
    replace(main, back, h("h1", {}, "Share a letter"), h("p", {}, "This letter is not on this device."));
    return null;
  }
  const words = await wording();
  const message = errorBox("share-problem");
  const formArea = h("div", { id: "share-form-area" });
  const sharesList = h("div", { id: "letter-shares" });
  let copy = null;

  replace(
    main,
    back,
    h("h1", {}, `Share with ${words.yourTherapist}`),
    h(
      "p",
      {},
      "Sharing sends a copy of this letter as it is now. You can cancel it until it arrives, and withdraw it after.",
    ),
    agreementCard(activePlan(await plans()), words),
    h(
      "p",
      { class: "quiet", id: "share-help" },
      `${words.YourTherapist} does not watch this app. In a hard moment: `,
      h("a", { href: "/help" }, "Help now"),
    ),
    message,
    formArea,
    h("h2", {}, "This letter's shares"),
    sharesList,
  );

  async function drawShares() {
    try {
      const shares = await myShares(id);
      replace(
        sharesList,
        shares.length
          ? h(
              "ul",
              { class: "plain" },
              shares.map((share) => shareItem(share, { copy, redraw: drawShares, message, words })),
            )
          : h("p", { class: "quiet" }, "Not shared so far."),
      );
    } catch {
      replace(
        sharesList,
        h("p", { class: "quiet" }, "The shares of this letter show here when this device is online."),
      );
    }
  }

  async function draw() {
    message.textContent = "";
    const current = await loadLetter(id);
    if (current.state === "never_send") {
      replace(formArea, h("p", { id: "share-blocked" }, problem({ code: "NEVER_SEND" })));
    } else if (current.deleted) {
      replace(
        formArea,
        h(
          "p",
          { id: "share-blocked" },
          "This letter is in the trash, so it can't be shared. Bring it back first if you'd like to share it.",
        ),
      );
    } else {
      replace(formArea, h("p", { class: "quiet", "aria-live": "polite" }, "Getting the letter ready…"));
      try {
        const [linked, latest] = await Promise.all([links(), serverCopy(id)]);
        copy = latest;
        replace(formArea, linked.length ? await shareForm(linked) : notLinked());
      } catch (error) {
        replace(
          formArea,
          h("p", { id: "share-blocked" }, problem(error, words)),
          tryAgain(draw, { id: "share-retry" }),
        );
      }
    }
    await drawShares();
  }

  const notLinked = () => [
    h(
      "p",
      { id: "share-blocked" },
      `You're not connected with ${words.yourTherapist} yet, so there is no one to share with.`,
    ),
    h("p", {}, linkButton("Connect with a code", "/connect")),
  ];

  async function shareForm(linked) {
    const noteKey = `shareNote:${id}`;
    const note = h("textarea", { id: "share-note", rows: 3, maxlength: 2000, value: (await getMeta(noteKey)) ?? "" });
    const previewTitle = h("h3", { id: "preview-title" });
    const previewBody = h("p", { class: "version-text", id: "preview-body" });
    const previewNote = h("p", { class: "quiet version-text", id: "preview-note" });
    const drawPreview = () => {
      previewTitle.textContent = copy.title.trim() || "(no title)";
      previewBody.textContent = copy.body;
      previewNote.textContent = note.value.trim() ? `Your note: ${note.value.trim()}` : "";
    };
    // The note is the person's words too: kept on the device as it is typed.
    note.addEventListener("input", () => {
      drawPreview();
      setMeta(noteKey, note.value);
    });

    const radio = (name, value, label, checked = false) => {
      const input = h("input", { type: "radio", name, value, id: `${name}-${value}`, checked });
      return { input, element: h("div", { class: "check" }, input, h("label", { for: `${name}-${value}` }, label)) };
    };
    const to = linked.map((link, index) => radio("share-to", link.id, link.personName, index === 0));
    const night = isNight();
    const when = [
      radio("delivery", "NOW", "Now", !night),
      radio("delivery", "TOMORROW_MORNING", morningLabel(), night),
      radio("delivery", "AT_TIME", "At a time I choose"),
      radio("delivery", "NEXT_SESSION", sessionLabel(nextSession(await plans()))),
    ];
    const at = h("input", { type: "datetime-local", id: "deliver-at" });
    const atField = h("div", { hidden: true }, h("label", { for: "deliver-at" }, "Date and time"), at);
    const chosen = (list) => list.find((option) => option.input.checked)?.input.value;
    const send = submitButton(null, { class: "primary", id: "share-send" });
    const recipient = () => linked.find((link) => link.id === chosen(to)) ?? linked[0];
    // A safety number that changed since this device last showed it is said before the
    // share, calmly, with the way to compare it; it does not stop the share.
    const safeties = new Map(
      await Promise.all(linked.map(async (link) => [link.id, await linkSafety(link).catch(() => null)])),
    );
    const keysChanged = h("div", { id: "keys-changed-area" });
    const drawKeysChanged = () => {
      const link = recipient();
      replace(
        keysChanged,
        safeties.get(link.id)?.changed
          ? h(
              "div",
              { class: "notice", role: "status", id: "keys-changed" },
              h(
                "p",
                {},
                `Before you share: the safety number for you and ${link.personName} is new since you last saw it. That happens when either of you sets up keys again, for example on a new phone. You might like to compare it together at your next session.`,
              ),
              h("p", {}, h("a", { href: `/connect/${link.id}/safety-number` }, "See the safety number")),
            )
          : null,
      );
    };
    const label = () => {
      drawKeysChanged();
      const later = chosen(when) !== "NOW";
      send.textContent = later
        ? `Hold it for ${recipient().personName} until then`
        : `Share with ${recipient().personName} now`;
      atField.hidden = chosen(when) !== "AT_TIME";
    };

    let shareId = crypto.randomUUID(); // the same id on a retry: the server shares once
    const form = h(
      "form",
      { class: "stack", id: "share-form" },
      linked.length > 1
        ? h(
            "fieldset",
            {},
            h("legend", {}, "Share with"),
            to.map((option) => option.element),
          )
        : h("p", {}, `To ${linked[0].personName}.`),
      h(
        "fieldset",
        { id: "share-when" },
        h("legend", {}, "When should it arrive?"),
        night
          ? h(
              "p",
              { class: "quiet", id: "night-note" },
              "It's night, so it is set to wait for the morning. You can cancel it until then, or choose another time.",
            )
          : null,
        when.map((option) => option.element),
        atField,
      ),
      h("label", { for: "share-note" }, "A note with it (optional)"),
      note,
      h("p", { class: "quiet", id: "suggestions-label" }, "Or tap one to use it:"),
      h(
        "div",
        { class: "suggestions", role: "group", "aria-labelledby": "suggestions-label" },
        SUGGESTIONS.map((text) =>
          button(text, {
            class: "suggestion",
            onClick: () => {
              note.value = note.value.trim() ? `${note.value.trim()}\n${text}` : text;
              note.dispatchEvent(new Event("input"));
            },
          }),
        ),
      ),
      h(
        "section",
        { class: "preview", "aria-labelledby": "preview-heading" },
        h("h2", { id: "preview-heading" }, "Exactly what will be sent"),
        h("p", { class: "quiet" }, "Later changes to the letter stay with you unless you choose to send them."),
        h("article", { class: "offer" }, previewTitle, previewBody, previewNote),
      ),
      keysChanged,
      send,
    );
    form.addEventListener("change", label);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      message.textContent = "";
      const delivery = chosen(when);
      const input = {
        id: shareId,
        letterId: id,
        linkId: recipient().id,
        delivery,
        note: note.value.trim() || null,
        // What the preview shows is what is sent: this device's copy at that version.
        letterVersion: copy.version,
        title: copy.title,
        body: copy.body,
      };
      if (delivery === "TOMORROW_MORNING") input.timeZone = deviceZone();
      if (delivery === "AT_TIME") {
        const moment = new Date(at.value);
        if (!at.value || Number.isNaN(moment.getTime())) {
          message.textContent = "Choose a date and time for it to arrive.";
          at.focus();
          return;
        }
        input.deliverAt = moment.toISOString();
      }
      if (delivery === "NEXT_SESSION") {
        // Read from this device's own plans again (one may have changed meanwhile): the
        // server cannot read them.
        const session = nextSession(await plans());
        if (session == null) {
          message.textContent = NO_NEXT_SESSION;
          return;
        }
        input.deliverAt = new Date(session).toISOString();
      }
      send.disabled = true;
      try {
        const share = await shareLetter(input);
        shareId = crypto.randomUUID();
        // Shared after being told: the new number is the one this device has shown.
        const safety = safeties.get(input.linkId);
        if (safety?.changed) await noteSeen(input.linkId, safety.number);
        await setMeta(noteKey, null);
        replace(
          formArea,
          h(
            "div",
            { class: "notice", role: "status", id: "share-done" },
            h(
              "p",
              {},
              share.status === "DELIVERED"
                ? `Shared. ${share.therapistName} has it now. You can withdraw it at any time, below.`
                : `Held until ${fullDate(share.deliverAt)}. Until then ${share.therapistName} knows nothing of it, and you can cancel it below.`,
            ),
          ),
        );
        await drawShares();
      } catch (error) {
        send.disabled = false;
        if (error.code === "LETTER_CHANGED") {
          // Someone edited it meanwhile (another device): show what would go now.
          try {
            copy = await serverCopy(id);
            drawPreview();
            message.textContent =
              "The letter changed since this preview, perhaps on another device. The preview now shows what would be sent. Look it over, and share again if it's right.";
          } catch (again) {
            message.textContent = problem(again, words);
          }
        } else {
          message.textContent = problem(error, words);
        }
      }
    });
    drawPreview();
    label();
    return form;
  }

  await draw();
  return null;
}
