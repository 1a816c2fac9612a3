// Break and ending plans on this device: the record's fields, and which plan is the
// one that matters now.

import { all, create, edit, one, remove } from "../records.js";
import { countdown, toInstant } from "./countdown.js";

export const KIND = "plan";

export const PLAN_KINDS = { break: "A break", client_away: "I'm away", ending: "An ending" };
export const REASONS = {
  vacation: "Vacation",
  holiday: "Holiday",
  long_weekend: "Long weekend",
  illness: "Illness",
  other: "Something else",
};

export const plans = () => all(KIND);
export const plan = (id) => one(KIND, id);
export const editPlan = (id, fields) => edit(KIND, id, fields);
export const deletePlan = (id) => remove(KIND, id);

export const deviceZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

// The fields of a plan not yet written down: a new plan is only kept once something is
// put in it, so one opened and left leaves nothing behind.
export function newPlanFields(kind = "break") {
  return {
    kind,
    reason: kind === "break" ? "vacation" : null,
    title: "",
    timeZone: deviceZone(),
    showCountdown: true,
    steps: [],
    crisisContacts: [],
    coveringClinician: [],
    contactAgreement: "",
  };
}

export function createPlan(kind = "break", fields = {}) {
  return create(KIND, { ...newPlanFields(kind), ...fields });
}

export function stepsOf(plan, type) {
  return (plan.steps ?? []).filter((step) => step.type === type);
}

// The plan under way now, if any: its agreement, covering clinician and Today are what
// hold during the separation. A plan yet to begin is not active (before it, the usual
// contact holds), and past plans are kept but quiet. Of two under way, the one that
// began last.
export function activePlan(list, now = Date.now()) {
  const during = list.map((p) => ({ plan: p, c: countdown(p, now) })).filter(({ c }) => c.phase === "during");
  const began = ({ c }) => c.daysUntilStart ?? Number.MIN_SAFE_INTEGER;
  during.sort((a, b) => began(b) - began(a));
  return during[0]?.plan ?? null;
}

// A held share can wait for the next session at most this long, as for a chosen time.
export const FURTHEST_MS = 366 * 86_400_000;

// The soonest "first session after" of the plans still to come within FURTHEST_MS, as
// an instant (milliseconds), or null. Read on the device: the server cannot read plans.
export function nextSession(list, now = Date.now()) {
  const upcoming = list
    .filter((p) => p.firstSessionAfter)
    .map((p) => toInstant(p.firstSessionAfter, p.timeZone || "UTC"))
    .filter((at) => Number.isFinite(at) && at > now && at <= now + FURTHEST_MS);
  return upcoming.length ? Math.min(...upcoming) : null;
}

export function planName(plan, words) {
  if (plan.title?.trim()) return plan.title.trim();
  if (plan.kind === "ending") return `${words.Ending} plan`;
  if (plan.kind === "client_away") return "While I'm away";
  return `${words.Break} plan`;
}
