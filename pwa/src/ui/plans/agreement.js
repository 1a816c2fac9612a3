// The contact agreement, in the person's own words. It is shown wherever the app
// offers a way toward the therapist (Help now, the plan, and sharing when it comes),
// so what was agreed is in view at the moment it matters.

import { activePlan, planName, plans } from "../../plans/plans.js";
import { h } from "../kit/dom.js";

export function agreementCard(plan, words) {
  if (!plan?.contactAgreement?.trim()) return null;
  return h(
    "section",
    { class: "agreement", "aria-labelledby": `agreement-${plan.id}` },
    h(
      "h2",
      { id: `agreement-${plan.id}` },
      `What ${words.therapist === "my T" ? "my T" : `my ${words.therapist}`} and I agreed about contact`,
    ),
    h("p", { class: "version-text" }, plan.contactAgreement),
    h("p", { class: "quiet" }, "From ", h("a", { href: `/plans/${plan.id}` }, planName(plan, words)), "."),
  );
}

export async function currentAgreement(words) {
  return agreementCard(activePlan(await plans()), words);
}
