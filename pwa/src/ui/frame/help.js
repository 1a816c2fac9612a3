// Help now: crisis lines for where the person is, their own people, the covering
// clinician, and the plain fact that the therapist does not see this app. It needs no
// network and no account.

import { CHECKED_HOW, COUNTRIES, countryOf } from "../../help/lines.js";
import { me } from "../../me.js";
import { activePlan, plans } from "../../plans/plans.js";
import { preferences, setPreferences } from "../../preferences.js";
import { wordsFrom } from "../../wording.js";
import { currentAgreement } from "../plans/agreement.js";
import { h, replace } from "../kit/dom.js";
import { fieldSaver, smsLink, telLink, textField } from "../kit/fields.js";
import { button, linkButton } from "../kit/button.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { go } from "../../router.js";

let chosenHere = null; // a choice made while signed out lives only in memory

async function countryNow() {
  const prefs = await preferences();
  return prefs.helpCountry || chosenHere || countryOf(navigator.languages ?? [navigator.language]);
}

function lineItem(line) {
  return h(
    "li",
    { class: "line" },
    h("h3", {}, line.name),
    h("p", {}, line.about),
    h(
      "div",
      { class: "row" },
      line.call ? telLink(line.call) : null,
      line.text
        ? smsLink(
            line.text,
            line.textBody,
            line.textBody ? `Text ${line.textBody} to ${line.text}` : `Text ${line.text}`,
          )
        : null,
    ),
  );
}

export async function crisisSection() {
  const section = h("section", { "aria-labelledby": "crisis-lines", id: "crisis" });
  const choice = h(
    "select",
    { id: "country" },
    h("option", { value: "" }, "Choose where you are"),
    Object.entries(COUNTRIES).map(([code, country]) =>
      h("option", { value: code }, country.name.replace(/^the /, "The ")),
    ),
  );
  const body = h("div", {});

  function draw(code) {
    const country = COUNTRIES[code];
    choice.value = code ?? "";
    if (!country) {
      replace(
        body,
        h(
          "p",
          {},
          "Choose where you are to see crisis lines there. Anywhere, in danger now, call your local emergency number.",
        ),
      );
      return;
    }
    replace(
      body,
      h(
        "p",
        { class: "emergency" },
        `In danger now, or about to act on thoughts of harming yourself: call ${country.emergency}.`,
      ),
      h(
        "div",
        { class: "row" },
        telLink(country.emergencyCall ?? country.emergency, `Call ${country.emergencyCall ?? country.emergency}`),
      ),
      h("ul", { class: "lines", id: "crisis-list" }, country.lines.map(lineItem)),
      h(
        "details",
        { class: "sources" },
        h("summary", {}, "Where these numbers come from"),
        h("p", {}, CHECKED_HOW),
        h(
          "ul",
          {},
          country.lines.map((line) =>
            h(
              "li",
              {},
              `${line.name}, checked ${line.checked}: `,
              line.sources.map((url) => h("span", { class: "source" }, url, " ")),
            ),
          ),
          h("li", {}, `Emergency number: ${country.emergencySource}`),
        ),
      ),
    );
  }

  choice.addEventListener("change", async () => {
    chosenHere = choice.value || null;
    if (await me()) await setPreferences({ helpCountry: choice.value });
    draw(choice.value);
  });
  draw(await countryNow());
  // The numbers come before the picker: the country is usually right already.
  replace(
    section,
    h("h2", { id: "crisis-lines", tabindex: -1 }, "Crisis lines"),
    body,
    h("label", { for: "country" }, "Where you are"),
    choice,
  );
  return section;
}

// Large call and text buttons: a shaking hand, one thumb.
function personItem(person) {
  const name = person.name || person.phone;
  return h(
    "li",
    { class: "line" },
    h("h3", {}, name),
    person.note ? h("p", {}, person.note) : null,
    person.phone
      ? h(
          "div",
          { class: "row calls" },
          telLink(person.phone, `Call ${name}`, "call"),
          smsLink(person.phone, null, `Text ${name}`, "call"),
        )
      : null,
  );
}

export async function helpView(main) {
  const account = await me();
  const prefs = await preferences();
  const words = wordsFrom(prefs);
  const active = account ? activePlan(await plans()) : null;
  const clinician = active?.coveringClinician?.[0];
  const own = (prefs.helpContacts ?? []).filter((p) => p.name || p.phone);
  const planPeople = (active?.crisisContacts ?? []).filter((p) => p.name || p.phone);
  const people = [
    ...own,
    clinician ? { ...clinician, note: ["Covering clinician", clinician.note].filter(Boolean).join(". ") } : null,
    ...planPeople,
  ].filter(Boolean);

  // The person's own people first, then the crisis lines, then the rest.
  replace(
    main,
    h("h1", {}, "Help now"),
    h(
      "p",
      { class: "plain-fact" },
      account
        ? `${words.YourTherapist} does not see this app, and it cannot call anyone for you.`
        : "No one watches this app, and it cannot call anyone for you.",
    ),
    people.length
      ? h(
          "section",
          { "aria-labelledby": "your-people" },
          h("h2", { id: "your-people" }, "Your people"),
          h("ul", { class: "lines", id: "people-list" }, people.map(personItem)),
          h("p", {}, h("a", { href: "/help/people" }, "Add or change your people")),
        )
      : null,
    await crisisSection(),
    account && !people.length
      ? h(
          "section",
          { "aria-labelledby": "your-people" },
          h("h2", { id: "your-people" }, "Your people"),
          h("p", { class: "quiet" }, "No one here yet. You can add people you would call: a friend, family, a GP."),
          h("p", {}, h("a", { href: "/help/people" }, "Add your people")),
        )
      : null,
    account ? await currentAgreement(words) : null,
    account
      ? h(
          "section",
          { "aria-labelledby": "steady" },
          h("h2", { id: "steady" }, "To steady yourself"),
          h(
            "div",
            { class: "row" },
            linkButton("Breathe", "/toolkit/breathe"),
            linkButton("5-4-3-2-1", "/toolkit/ground"),
            linkButton("Your toolkit", "/toolkit"),
          ),
        )
      : null,
  );
  return null;
}

// The person's own contacts for Help now: synced, so they are on every device.
export async function peopleView(main) {
  const list = h("div", { id: "people" });
  const prefs = await preferences();
  const people = prefs.helpContacts.map((p) => ({ ...p }));
  // Only the people set aside belong here; Settings shows every choice set aside.
  const ownConflicts = (prefs.conflicts ?? []).filter((conflict) => conflict.field === "helpContacts");
  const notice = setAsideNotice("preferences", { ...prefs, conflicts: ownConflicts }, () =>
    go("/help/people", { replace: true }),
  );
  const note = h("p", { class: "quiet", "aria-live": "polite" });
  const form = h("form", { onsubmit: (event) => event.preventDefault() }, list);
  const saver = fieldSaver(
    form,
    () => ({ helpContacts: people.map(({ name, phone, note: text }) => ({ name, phone, note: text })) }),
    (changes) => setPreferences(changes),
    note,
  );

  function draw() {
    replace(
      list,
      people.map((person, index) => {
        const name = textField(`person-name-${index}`, "Name", person.name, { maxlength: 200 });
        const phone = textField(`person-phone-${index}`, "Phone", person.phone, { maxlength: 60, type: "tel" });
        const about = textField(`person-note-${index}`, "Note (optional)", person.note, { maxlength: 1000 });
        name.input.addEventListener("input", () => (person.name = name.input.value));
        phone.input.addEventListener("input", () => (person.phone = phone.input.value));
        about.input.addEventListener("input", () => (person.note = about.input.value));
        return h(
          "fieldset",
          {},
          h("legend", {}, person.name || `Person ${index + 1}`),
          name.element,
          phone.element,
          about.element,
          button("Remove", {
            class: "quiet",
            onClick: () => {
              people.splice(index, 1);
              draw();
              saver.touch();
            },
          }),
        );
      }),
    );
  }
  draw();
  replace(
    main,
    h("p", {}, h("a", { href: "/help" }, "← Help now")),
    h("h1", {}, "Your people"),
    h(
      "p",
      { class: "quiet" },
      "People you would call when it is hard. They are shown in Help now on all your devices.",
    ),
    notice,
    form,
    h(
      "div",
      { class: "row" },
      button("Add a person", {
        id: "add-person",
        onClick: () => {
          people.push({ name: "", phone: "", note: "" });
          draw();
          list.querySelector(`#person-name-${people.length - 1}`).focus();
        },
      }),
    ),
    note,
  );
  return { leave: () => saver.leave() };
}
