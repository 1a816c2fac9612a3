// A calm notice on a record changed on two devices at once (rebase.js): one device's
// words or choices are what the record shows, and the other's, set aside so nothing is
// lost, are here to keep instead or to let go. The notice syncs with the record, so it
// says "one device" and "the other", never "here", except in saying where each value
// set aside was written ("from this phone, 23:10"). One notice for every sealed kind:
// each names its fields in its own screen's words, and shows values as a person reads
// them (a contact as "Name, phone", a step as its text, a choice by its label). A
// letter's title and words have their own view (ui/letters/versions.js).

import { COUNTRIES } from "../../help/lines.js";
import { STATES } from "../../letters.js";
import { parseLocal, shortDate, wallTime } from "../../plans/countdown.js";
import { PLAN_KINDS, REASONS } from "../../plans/plans.js";
import { settleSetAside } from "../../records.js";
import { deviceId } from "../../store.js";
import { deviceLabel } from "../../device-label.js";
import { SENSES } from "../../toolkit.js";
import { BREAK_WORDS, ENDING_WORDS, THERAPIST_WORDS } from "../../wording.js";
import { h } from "./dom.js";
import { button } from "./button.js";
import { provenance } from "./provenance.js";

const TOOLKIT = {
  name: "Name",
  note: "Note",
  feelsLike: "What it feels like",
  linkedTo: "What it is linked to",
  keptAt: "Where it is kept",
  sense: "The sense it serves",
  agreedWithTherapist: "Agreed in therapy",
  text: "Words",
  position: "Its place in the list",
  distressBefore: "How hard it was before",
  distressAfter: "How hard it was after",
};

// Each kind's name for its fields, as its screens say them.
const LABELS = {
  toolkit_box: TOOLKIT,
  toolkit_item: { ...TOOLKIT, note: "Anything else" },
  toolkit_use: TOOLKIT,
  carry_card: TOOLKIT,
  plan: {
    title: "Name",
    kind: "This plan is for",
    reason: "Why",
    timeZone: "Time zone of the sessions",
    lastSessionBefore: "Last session before",
    firstSessionAfter: "First session after",
    lastSessionEver: "The last session",
    showCountdown: "Show the countdown",
    contactAgreement: "What was agreed about contact",
    coveringClinician: "Covering clinician",
    crisisContacts: "Who to call",
    steps: "A step",
  },
  preferences: {
    therapistWord: "Call my therapist",
    breakWord: "Call a break",
    endingWord: "Call an ending",
    innerChild: "Offer the inner-child framing",
    showStarters: "Offer gentle first lines",
    helpCountry: "Where you are, for Help now",
    helpContacts: "Your people",
  },
  letter: {
    title: "Title",
    body: "The letter",
    recipient: "To",
    part: "Written as or for a part",
    tags: "Tags",
    state: "This letter is",
    forNextSession: "Bring to my next session",
  },
};

const CHOICES = {
  sense: SENSES,
  kind: PLAN_KINDS,
  reason: REASONS,
  therapistWord: THERAPIST_WORDS,
  breakWord: BREAK_WORDS,
  endingWord: ENDING_WORDS,
  state: STATES,
  helpCountry: Object.fromEntries(
    Object.entries(COUNTRIES).map(([code, c]) => [code, c.name.replace(/^the /, "The ")]),
  ),
};

const CONTACTS = new Set(["coveringClinician", "crisisContacts", "helpContacts"]);
const TIMES = new Set(["lastSessionBefore", "firstSessionAfter", "lastSessionEver"]);

const NOTHING = "(nothing)";
const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function contactLine(contact) {
  const line = [contact?.name, contact?.phone].filter((part) => typeof part === "string" && part.trim()).join(", ");
  return line || "Someone with no name or number";
}

const stepText = (step) => (step?.text?.trim() ? step.text : "An empty step");

// The set-aside value as a person reads it: never JSON.
export function shownValue(field, value) {
  if (value == null || value === "") return NOTHING;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (CONTACTS.has(field) && Array.isArray(value)) return value.length ? value.map(contactLine).join("\n") : NOTHING;
  if (field === "steps" && Array.isArray(value)) return value.map(stepText).join("\n") || NOTHING;
  if (field === "steps" && typeof value === "object") return stepText(value);
  if (field === "tags" && Array.isArray(value)) return value.join(", ") || NOTHING;
  if (Object.hasOwn(CHOICES, field)) return CHOICES[field][value] ?? String(value);
  if (TIMES.has(field) && parseLocal(value)) {
    const parts = parseLocal(value);
    return `${shortDate(parts)}, ${wallTime(parts)}`;
  }
  if (typeof value === "object") return Array.isArray(value) ? `${value.length} things` : NOTHING;
  return String(value);
}

// Where a set-aside value was written, filled in once this device's id is read.
function writtenWhere(conflict) {
  const line = h("p", { class: "quiet" });
  if (!conflict.label && !conflict.editedAt) return null;
  deviceId().then((device) => {
    line.textContent = `Set aside from ${provenance(conflict, conflict.editedAt ?? conflict.at, { device, label: deviceLabel() })}`;
  });
  return line;
}

// `record` is the plain record (records.js); `onSettled` redraws; `settle(conflict,
// keep)` saves the choice, by default with settleSetAside (a letter stamps its edits:
// letters.js). Null when there is nothing set aside.
export function setAsideNotice(
  kind,
  record,
  onSettled,
  idPrefix = "set-aside",
  settle = (conflict, keep) => settleSetAside(kind, record.id, conflict, keep),
) {
  const conflicts = record?.conflicts ?? [];
  if (!conflicts.length) return null;
  const heading = `${idPrefix}-heading`;
  // What was set aside, named plainly: people, choices, or words.
  const what = conflicts.every((conflict) => CONTACTS.has(conflict.field))
    ? "people"
    : kind === "preferences"
      ? "choices"
      : "words";
  const choose = (conflict, keep) => async () => {
    await settle(conflict, keep);
    await onSettled();
  };
  return h(
    "section",
    { class: "conflict set-aside", id: idPrefix, "aria-labelledby": heading },
    h("h2", { id: heading }, `${capital(what)} set aside`),
    h(
      "p",
      {},
      `This was changed on two devices at the same time. One device's ${what} are shown; the other's, below, were kept aside so nothing is lost.`,
    ),
    h(
      "ul",
      { class: "plain" },
      conflicts.map((conflict) =>
        h(
          "li",
          {},
          h("p", { class: "quiet" }, LABELS[kind]?.[conflict.field] ?? conflict.field),
          h("p", { class: "version-text" }, shownValue(conflict.field, conflict.mine)),
          writtenWhere(conflict),
          h(
            "div",
            { class: "row" },
            button("Keep these instead", { onClick: choose(conflict, true) }),
            button("Let them go", { class: "quiet", onClick: choose(conflict, false) }),
          ),
        ),
      ),
    ),
  );
}
