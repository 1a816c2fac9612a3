// Plans for a break or an ending: the list, and one plan with its countdown, today
// first while it is under way, what helps, and the day-by-day view.

import { letters } from "../../letters.js";
import { dateOfDay, countdown, describe, shortDate, wallTime } from "../../plans/countdown.js";
import { KIND, PLAN_KINDS, REASONS, editPlan, plan as loadPlan, planName, plans, stepsOf } from "../../plans/plans.js";
import { go } from "../../router.js";
import { bus } from "../../sync.js";
import { items } from "../../toolkit.js";
import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { telLink } from "../kit/fields.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { unopenedNotice } from "../frame/sync-status.js";
import { agreementCard } from "./agreement.js";
import { isUnderWay, todayCard } from "./today.js";
import { button, linkButton } from "../kit/button.js";

export async function plansView(main) {
  const words = await wording();
  const list = h("ul", { class: "cards", id: "plan-list" });
  const start = (kind) => () => go(`/plans/new/${kind}`);

  async function draw() {
    const all = await plans();
    const now = Date.now();
    replace(
      list,
      all.length
        ? all.map((p) =>
            h(
              "li",
              { class: "card" },
              h("a", { href: `/plans/${p.id}`, class: "card-link" }, planName(p, words)),
              p.showCountdown !== false
                ? describe(p, now, words).map((line) => h("p", { class: "quiet" }, line))
                : null,
            ),
          )
        : h(
            "li",
            { class: "quiet" },
            `No plans yet. A plan holds the dates, what helps each day, who to call, and what you and ${words.yourTherapist === "my T" ? "my T" : words.yourTherapist} agreed about contact.`,
          ),
    );
  }

  await draw();
  const unopened = unopenedNotice([KIND]);
  replace(
    main,
    h("h1", {}, "Plans"),
    unopened.element,
    list,
    h(
      "div",
      { class: "row" },
      button(`New ${words.break} plan`, { class: "primary", id: "new-break", onClick: start("break") }),
      button("I'm going away", { id: "new-away", onClick: start("client_away") }),
      button(`New ${words.ending} plan`, { id: "new-ending", onClick: start("ending") }),
    ),
  );
  bus.addEventListener("records", draw);
  return {
    leave: () => {
      bus.removeEventListener("records", draw);
      unopened.stop();
    },
  };
}

function dayByDay(p, now) {
  const c = countdown(p, now);
  if (c.length == null || c.length < 1 || c.length > 120) return null;
  const startDay = c.today - c.day;
  const anchors = stepsOf(p, "daily_anchor").filter((s) => s.text.trim());
  const rows = [];
  for (let n = 1; n <= c.length; n += 1) {
    const date = dateOfDay(startDay + n);
    const today = startDay + n === c.today;
    rows.push(
      h(
        "li",
        { class: today ? "today" : "", "aria-current": today ? "date" : null },
        h("span", { class: "day-number" }, `Day ${n}`),
        ` ${shortDate(date)}`,
        n === c.length ? ` · first session back${c.end ? ` at ${wallTime(c.end)}` : ""}` : "",
        today ? " · today" : "",
      ),
    );
  }
  return h(
    "details",
    { class: "days" },
    h("summary", {}, "Day by day"),
    anchors.length ? h("p", { class: "quiet" }, `Every day: ${anchors.map((a) => a.text).join("; ")}`) : null,
    h("ol", { class: "plain" }, rows),
  );
}

function stepList(title, id, steps, render) {
  const shown = steps.filter((s) => s.text?.trim() || s.toolkitItemId || s.letterId);
  if (!shown.length) return null;
  return h(
    "section",
    { "aria-labelledby": id },
    h("h2", { id }, title),
    h(
      "ul",
      { class: "steps" },
      shown.map((s) => h("li", {}, render(s))),
    ),
  );
}

export async function planView(main, id) {
  const p = await loadPlan(id);
  if (!p) {
    replace(
      main,
      h("h1", {}, "Plan not found"),
      h("p", {}, "This plan is not on this device."),
      h("a", { href: "/plans" }, "Back to plans"),
    );
    return null;
  }
  const words = await wording();
  const [things, allLetters] = await Promise.all([items(), letters()]);
  const thingName = new Map(things.map((t) => [t.id, t.name]));
  const letterName = new Map(allLetters.map((l) => [l.id, l.title.trim() || "Untitled letter"]));
  const now = Date.now();
  const lines = describe(p, now, words);
  const ending = p.kind === "ending";
  const underWay = isUnderWay(p, now);

  const withLinks = (s) => [
    s.text,
    s.toolkitItemId && thingName.has(s.toolkitItemId)
      ? [" ", h("a", { href: `/toolkit/items/${s.toolkitItemId}` }, thingName.get(s.toolkitItemId))]
      : null,
    s.letterId && letterName.has(s.letterId)
      ? [" ", h("a", { href: `/letters/${s.letterId}` }, letterName.get(s.letterId))]
      : null,
  ];
  const toggle = button(p.showCountdown === false ? "Show the countdown" : "Hide the countdown", {
    class: "quiet",
    id: "toggle-countdown",
    onClick: async () => {
      await editPlan(id, { showCountdown: p.showCountdown === false });
      go(`/plans/${id}`, { replace: true });
    },
  });
  const clinician = p.coveringClinician?.[0];
  const goodbye = stepsOf(p, "goodbye_letter")[0];

  replace(
    main,
    h("p", {}, h("a", { href: "/plans" }, "← Plans")),
    h("h1", {}, planName(p, words)),
    h(
      "p",
      { class: "quiet" },
      [PLAN_KINDS[p.kind], p.kind === "break" && p.reason ? REASONS[p.reason] : null].filter(Boolean).join(" · "),
    ),
    setAsideNotice("plan", p, () => go(`/plans/${id}`, { replace: true })),
    p.showCountdown !== false && lines.length
      ? h(
          "section",
          { class: "countdown", id: "countdown", "aria-label": "Countdown" },
          lines.map((line) => h("p", {}, line)),
        )
      : null,
    h(
      "div",
      { class: "row" },
      lines.length ? toggle : null,
      linkButton("Change this plan", `/plans/${id}/edit`, { id: "edit-plan" }),
    ),
    // Under way, today comes first: the anchors and what to do when it gets hard.
    underWay ? todayCard({ ...p, showCountdown: false }, words, { now, things: thingName }) : null,
    underWay ? null : stepList("Every day", "anchors", stepsOf(p, "daily_anchor"), (s) => s.text),
    underWay ? null : stepList("When it gets hard, I…", "when-hard", stepsOf(p, "when_hard"), withLinks),
    stepList(
      "People and things outside therapy",
      "outside",
      [...stepsOf(p, "person"), ...stepsOf(p, "activity")],
      (s) => s.text,
    ),
    stepList("Letters to bring back", "bring-back", stepsOf(p, "bring_back_letter"), withLinks),
    !ending ? dayByDay(p, now) : null,
    ending ? stepList("Things to say before the end", "say", stepsOf(p, "say_before_end"), (s) => s.text) : null,
    ending ? stepList("Things to ask for", "ask", stepsOf(p, "ask_for"), (s) => s.text) : null,
    ending
      ? h(
          "section",
          { "aria-labelledby": "goodbye" },
          h("h2", { id: "goodbye" }, "A goodbye letter"),
          goodbye?.letterId && letterName.has(goodbye.letterId)
            ? h("p", {}, h("a", { href: `/letters/${goodbye.letterId}` }, letterName.get(goodbye.letterId)))
            : h(
                "p",
                { class: "quiet" },
                "You can write one when you are ready, or never. Choose or start it under “Change this plan”.",
              ),
        )
      : null,
    agreementCard(p, words),
    clinician?.name || clinician?.phone
      ? h(
          "section",
          { "aria-labelledby": "covering" },
          h("h2", { id: "covering" }, "Covering clinician"),
          h("p", {}, clinician.name),
          clinician.note ? h("p", { class: "quiet" }, clinician.note) : null,
          clinician.phone ? h("div", { class: "row" }, telLink(clinician.phone)) : null,
        )
      : null,
    p.crisisContacts?.length
      ? h(
          "section",
          { "aria-labelledby": "plan-people" },
          h("h2", { id: "plan-people" }, "Who to call"),
          h(
            "ul",
            { class: "lines" },
            p.crisisContacts.map((c) =>
              h(
                "li",
                { class: "line" },
                h("p", {}, c.name, c.note ? ` · ${c.note}` : ""),
                c.phone ? telLink(c.phone, `Call ${c.name || c.phone}`) : null,
              ),
            ),
          ),
        )
      : null,
    h("p", {}, h("a", { href: "/help" }, "Help now: crisis lines and your people")),
  );
  const onRecords = () => go(`/plans/${id}`, { replace: true });
  bus.addEventListener("records", onRecords);
  return { leave: () => bus.removeEventListener("records", onRecords) };
}
