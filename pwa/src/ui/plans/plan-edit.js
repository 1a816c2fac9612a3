// Changing a plan: its kind and dates (wall-clock times in the plan's time zone), the
// steps that help, the contact agreement in the person's own words, the covering
// clinician and who to call. Everything saves as it is typed. A new plan is written
// down with the first thing typed into it, so one opened and left leaves nothing.

import { createLetter, letters } from "../../letters.js";
import { parseLocal, toInstant } from "../../plans/countdown.js";
import {
  PLAN_KINDS,
  REASONS,
  createPlan,
  deletePlan,
  editPlan,
  newPlanFields,
  plan as loadPlan,
} from "../../plans/plans.js";
import { go } from "../../router.js";
import { items } from "../../toolkit.js";
import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { checkField, fieldSaver, selectField, textArea, textField } from "../kit/fields.js";
import { button, linkButton } from "../kit/button.js";
import { errorBox } from "../kit/form.js";
import { setAsideNotice } from "../kit/set-aside.js";

// The browser's list of zones leaves out "UTC" and older names ("Asia/Calcutta"); the
// plan's own zone is always offered, so opening a plan never changes it silently.
function zones(current) {
  const known = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  return !current || known.includes(current) ? known : [current, ...known];
}

function groups(words, ending) {
  const list = [
    ["daily_anchor", "Every day", "Something for each day: a walk at 8, tea with Jo, one letter."],
    ["when_hard", "When it gets hard, I…", "…hold the ribbon from the texture box."],
    ["person", "People outside therapy", "Call my sister."],
    ["activity", "Things to do", "Swim on Saturday."],
    ["bring_back_letter", `Letters to bring back to ${words.yourTherapist}`, "What I want to say when we meet again."],
  ];
  if (ending) {
    list.push(
      ["say_before_end", "Things to say before the end", "Thank you for…"],
      ["ask_for", "Things to ask for", "A last session, a recording, a door left open."],
    );
  }
  return list;
}

function newHeading(kind, words) {
  if (kind === "ending") return `New ${words.ending} plan`;
  if (kind === "client_away") return "A plan for while I'm away";
  return `New ${words.break} plan`;
}

export function newPlanView(main, kind) {
  return planEditView(main, null, kind);
}

export async function planEditView(main, id, newKind = null) {
  const p = id ? await loadPlan(id) : { id: null, ...newPlanFields(newKind) };
  if (!p) {
    replace(main, h("h1", {}, "Plan not found"), h("a", { href: "/plans" }, "Back to plans"));
    return null;
  }
  const words = await wording();
  const [things, allLetters] = await Promise.all([items(), letters()]);
  let steps = (p.steps ?? []).map((s) => ({ ...s }));
  const contacts = (p.crisisContacts ?? []).map((c) => ({ ...c }));

  const title = textField("plan-title", "Name (optional)", p.title, { maxlength: 200 });
  const kind = selectField("plan-kind", "This plan is for", PLAN_KINDS, p.kind);
  const reason = selectField("plan-reason", "Why", { "": "Not said", ...REASONS }, p.reason ?? "");
  const zone = selectField(
    "plan-zone",
    "Time zone of the sessions",
    Object.fromEntries(zones(p.timeZone).map((z) => [z, z])),
    p.timeZone,
  );
  const before = h("input", { id: "last-before", type: "datetime-local", value: p.lastSessionBefore ?? "" });
  const after = h("input", { id: "first-after", type: "datetime-local", value: p.firstSessionAfter ?? "" });
  const ever = h("input", { id: "last-ever", type: "datetime-local", value: p.lastSessionEver ?? "" });
  const afterLabel = h("label", { for: "first-after" }, "First session after");
  const everLabel = h("label", { for: "last-ever" }, "The last session");
  const dateProblem = errorBox("date-problem");
  const countdownOn = checkField("show-countdown", "Show the countdown", p.showCountdown !== false);
  const agreement = textArea(
    "contact-agreement",
    `What ${words.therapist === "my T" ? "my T" : `my ${words.therapist}`} and I agreed about contact, in my own words`,
    p.contactAgreement,
    {
      maxlength: 5000,
      rows: 4,
      placeholder: "One email is OK; she reads it but won't reply until she's back.",
    },
  );
  const clinician = p.coveringClinician?.[0] ?? {};
  const clinicianName = textField("clinician-name", "Covering clinician", clinician.name ?? "", { maxlength: 200 });
  const clinicianPhone = textField("clinician-phone", "Their phone", clinician.phone ?? "", {
    maxlength: 60,
    type: "tel",
  });
  const clinicianNote = textField("clinician-note", "When to call them", clinician.note ?? "", { maxlength: 1000 });
  const stepArea = h("div", {});
  const contactArea = h("div", {});
  const goodbyeArea = h("div", {});
  const saved = h("p", { class: "quiet", id: "plan-saved", "aria-live": "polite" });

  const isEnding = () => kind.input.value === "ending";

  // Dates that do not run forwards are not saved (the server would refuse them); the
  // person sees why, and the words elsewhere in the form still save.
  function dates() {
    const start = before.value || null;
    const end = isEnding() ? ever.value || null : after.value || null;
    dateProblem.textContent = "";
    if (start && end && parseLocal(start) && parseLocal(end)) {
      const ordered = toInstant(end, zone.input.value) - toInstant(start, zone.input.value);
      if (isEnding() ? ordered < 0 : ordered <= 0) {
        dateProblem.textContent = isEnding()
          ? "The last session cannot come before the last one before the ending."
          : "The first session after needs to come after the last one before.";
        return {};
      }
    }
    return {
      lastSessionBefore: start,
      firstSessionAfter: isEnding() ? null : end,
      lastSessionEver: isEnding() ? end : null,
    };
  }

  const read = () => ({
    title: title.input.value,
    kind: kind.input.value,
    reason: kind.input.value === "break" ? reason.input.value || null : null,
    timeZone: zone.input.value,
    ...dates(),
    showCountdown: countdownOn.input.checked,
    contactAgreement: agreement.input.value,
    coveringClinician:
      clinicianName.input.value || clinicianPhone.input.value || clinicianNote.input.value
        ? [{ name: clinicianName.input.value, phone: clinicianPhone.input.value, note: clinicianNote.input.value }]
        : [],
    crisisContacts: contacts.map(({ name, phone, note }) => ({ name, phone, note })),
    steps: steps.map(({ id: stepId, type, text, toolkitItemId = null, letterId = null }) => ({
      id: stepId,
      type,
      text,
      toolkitItemId,
      letterId,
    })),
  });

  const form = h("form", { class: "plan-form", onsubmit: (event) => event.preventDefault() });
  const done = linkButton("Done", id ? `/plans/${id}` : "/plans", { class: "primary", id: "plan-done" });
  const remove = button("Delete this plan", { class: "quiet", id: "delete-plan", hidden: !id });
  // The first change of a new plan creates it, with everything typed so far; from then
  // on the address is the plan's own, so a reload or Back finds it.
  async function write(changes) {
    if (id) return editPlan(id, changes);
    id = await createPlan(p.kind, changes);
    history.replaceState(null, "", `/plans/${id}/edit`);
    done.href = `/plans/${id}`;
    remove.hidden = false;
  }
  const saver = fieldSaver(form, read, write, saved);

  function linkSelect(step, index) {
    if (step.type === "when_hard" && things.length) {
      const select = h(
        "select",
        { id: `step-link-${index}` },
        h("option", { value: "" }, "No toolkit item"),
        things.map((t) => h("option", { value: t.id, selected: t.id === step.toolkitItemId }, t.name || "Something")),
      );
      select.addEventListener("change", () => (step.toolkitItemId = select.value || null));
      return [h("label", { for: `step-link-${index}` }, "With"), select];
    }
    if (step.type === "bring_back_letter" && allLetters.length) {
      const select = h(
        "select",
        { id: `step-link-${index}` },
        h("option", { value: "" }, "No letter"),
        allLetters.map((l) =>
          h("option", { value: l.id, selected: l.id === step.letterId }, l.title.trim() || "Untitled letter"),
        ),
      );
      select.addEventListener("change", () => (step.letterId = select.value || null));
      return [h("label", { for: `step-link-${index}` }, "Letter"), select];
    }
    return null;
  }

  function drawSteps() {
    replace(
      stepArea,
      groups(words, isEnding()).map(([type, heading, example]) => {
        const mine = steps.map((step, index) => [step, index]).filter(([step]) => step.type === type);
        return h(
          "fieldset",
          { class: "steps-edit" },
          h("legend", {}, heading),
          mine.map(([step, index]) => {
            const text = h("input", {
              type: "text",
              id: `step-${index}`,
              value: step.text,
              maxlength: 2000,
              "aria-label": heading,
              placeholder: example,
            });
            // The cross is named by its line, so a screen reader says what goes.
            const named = () => (step.text.trim() ? `Remove “${step.text.trim()}”` : `Remove this empty line`);
            const cross = button("✕", {
              class: "quiet remove-step",
              "aria-label": named(),
              onClick: () => {
                steps.splice(index, 1);
                drawSteps();
                saver.touch();
              },
            });
            text.addEventListener("input", () => {
              step.text = text.value;
              cross.setAttribute("aria-label", named());
            });
            return h("div", { class: "step-row" }, text, linkSelect(step, index), cross);
          }),
          button("Add", {
            id: `add-${type}`,
            onClick: () => {
              steps.push({ id: crypto.randomUUID(), type, text: "", toolkitItemId: null, letterId: null });
              drawSteps();
              stepArea.querySelector(`#step-${steps.length - 1}`)?.focus();
            },
          }),
        );
      }),
    );
  }

  function drawContacts() {
    replace(
      contactArea,
      h(
        "fieldset",
        {},
        h("legend", {}, "Who to call during this time"),
        contacts.map((c, index) => {
          const name = textField(`contact-name-${index}`, "Name", c.name, { maxlength: 200 });
          const phone = textField(`contact-phone-${index}`, "Phone", c.phone, { maxlength: 60, type: "tel" });
          name.input.addEventListener("input", () => (c.name = name.input.value));
          phone.input.addEventListener("input", () => (c.phone = phone.input.value));
          return h(
            "div",
            { class: "contact-row" },
            name.element,
            phone.element,
            button("Remove", {
              class: "quiet",
              onClick: () => {
                contacts.splice(index, 1);
                drawContacts();
                saver.touch();
              },
            }),
          );
        }),
        button("Add someone", {
          id: "add-contact",
          onClick: () => {
            contacts.push({ name: "", phone: "", note: "" });
            drawContacts();
          },
        }),
      ),
    );
  }

  function drawGoodbye() {
    if (!isEnding()) return replace(goodbyeArea);
    const current = steps.find((s) => s.type === "goodbye_letter");
    const choose = h(
      "select",
      { id: "goodbye-letter" },
      h("option", { value: "" }, "Not chosen"),
      allLetters.map((l) =>
        h("option", { value: l.id, selected: l.id === current?.letterId }, l.title.trim() || "Untitled letter"),
      ),
    );
    const setGoodbye = (letterId) => {
      steps = steps.filter((s) => s.type !== "goodbye_letter");
      if (letterId)
        steps.push({
          id: current?.id ?? crypto.randomUUID(),
          type: "goodbye_letter",
          text: "",
          toolkitItemId: null,
          letterId,
        });
    };
    choose.addEventListener("change", () => setGoodbye(choose.value));
    replace(
      goodbyeArea,
      h(
        "fieldset",
        {},
        h("legend", {}, "A goodbye letter"),
        h("label", { for: "goodbye-letter" }, "The letter"),
        choose,
        button("Start a new goodbye letter", {
          id: "start-goodbye",
          onClick: async () => {
            const letterId = await createLetter({ title: "Goodbye" });
            setGoodbye(letterId);
            await saver.flush();
            saver.touch();
            await saver.flush();
            go(`/letters/${letterId}`);
          },
        }),
      ),
    );
  }

  function drawKind() {
    const ending = isEnding();
    reason.input.closest(".reason").hidden = kind.input.value !== "break";
    afterLabel.hidden = after.hidden = ending;
    everLabel.hidden = ever.hidden = !ending;
    drawSteps();
    drawGoodbye();
  }

  form.append(
    ...title.element,
    ...kind.element,
    h("div", { class: "reason" }, reason.element),
    h(
      "fieldset",
      {},
      h("legend", {}, "Dates"),
      zone.element,
      h("label", { for: "last-before" }, "Last session before"),
      before,
      afterLabel,
      after,
      everLabel,
      ever,
      dateProblem,
      countdownOn.element,
    ),
    stepArea,
    goodbyeArea,
    ...agreement.element,
    h(
      "fieldset",
      {},
      h("legend", {}, "Covering clinician"),
      clinicianName.element,
      clinicianPhone.element,
      clinicianNote.element,
    ),
    contactArea,
  );
  kind.input.addEventListener("change", drawKind);

  remove.addEventListener("click", async () => {
    if (!confirm("Delete this plan? Letters and toolkit things it links to stay.")) return;
    await saver.leave();
    await deletePlan(id);
    go("/plans");
  });

  replace(
    main,
    h("p", {}, id ? h("a", { href: `/plans/${id}` }, "← The plan") : h("a", { href: "/plans" }, "← Plans")),
    h("h1", {}, id ? "Change the plan" : newHeading(newKind, words)),
    // Keeping words set aside changes the plan under the form, so the form is drawn
    // again from the plan (what was typed is saved first, as on leaving).
    id ? setAsideNotice("plan", p, () => go(`/plans/${id}/edit`, { replace: true })) : null,
    form,
    saved,
    h("div", { class: "row" }, done, remove),
  );
  drawKind();
  drawContacts();
  return { leave: () => saver.leave() };
}
