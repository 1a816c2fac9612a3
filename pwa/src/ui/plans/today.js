// "Today" during a break: where the person is in it (if they want the countdown), the
// anchors of the day, what to do when it gets hard, and what was agreed about contact.
// Home shows it while a plan is under way; the plan screen puts it first.

import { countdown, describe } from "../../plans/countdown.js";
import { activePlan, planName, plans, stepsOf } from "../../plans/plans.js";
import { items } from "../../toolkit.js";
import { wording } from "../../wording.js";
import { h } from "../kit/dom.js";

const filled = (steps) => steps.filter((s) => s.text?.trim() || s.toolkitItemId);

export const isUnderWay = (plan, now = Date.now()) => countdown(plan, now).phase === "during";

// The card for `plan` today. `home` adds the agreement and a way to the whole plan (the
// plan screen shows both already).
export function todayCard(plan, words, { now = Date.now(), things = new Map(), home = false } = {}) {
  const lines = plan.showCountdown !== false ? describe(plan, now, words) : [];
  const anchors = filled(stepsOf(plan, "daily_anchor"));
  const hard = filled(stepsOf(plan, "when_hard"));
  const agreed = home && plan.contactAgreement?.trim();
  const id = home ? "today" : "plan-today";
  const withThing = (s) => [
    s.text,
    s.toolkitItemId && things.has(s.toolkitItemId)
      ? [s.text ? " " : "", h("a", { href: `/toolkit/items/${s.toolkitItemId}` }, things.get(s.toolkitItemId))]
      : null,
  ];
  return h(
    "section",
    { class: "today", id, "aria-labelledby": `${id}-heading` },
    h("h2", { id: `${id}-heading` }, "Today"),
    lines.length
      ? h(
          "div",
          { class: "today-count" },
          lines.map((line) => h("p", {}, line)),
        )
      : null,
    anchors.length
      ? [
          h("h3", {}, "Every day"),
          h(
            "ul",
            { class: "today-list" },
            anchors.map((s) => h("li", {}, s.text)),
          ),
        ]
      : null,
    hard.length
      ? [
          h("h3", {}, "When it gets hard, I…"),
          h(
            "ul",
            { class: "today-list" },
            hard.map((s) => h("li", {}, withThing(s))),
          ),
        ]
      : null,
    agreed
      ? [
          h(
            "h3",
            {},
            `What ${words.therapist === "my T" ? "my T" : `my ${words.therapist}`} and I agreed about contact`,
          ),
          h("p", { class: "version-text" }, plan.contactAgreement),
        ]
      : null,
    !anchors.length && !hard.length && !agreed
      ? h("p", { class: "quiet" }, "Nothing planned for today. That is all right too.")
      : null,
    home ? h("p", {}, h("a", { href: `/plans/${plan.id}` }, planName(plan, words))) : null,
  );
}

// Home's card, or nothing when no plan is under way.
export async function todayOnHome(now = Date.now()) {
  const plan = activePlan(await plans(), now);
  if (!plan) return null;
  const [words, things] = await Promise.all([wording(), items()]);
  return todayCard(plan, words, { now, things: new Map(things.map((t) => [t.id, t.name || "Something"])), home: true });
}
