// The countdown of a break or an ending, in the plan's own time zone.
//
// Plan dates are wall-clock times ("2026-08-04T10:00") read in an IANA zone. Zone
// conversion uses only Intl.DateTimeFormat, so a daylight-saving change between now
// and the session moves the instant, never the 10:00. Days are counted as calendar
// dates in the zone: "day 4 of 14" and "10 days until" always add up to the length.
// Everything here is pure: the same plan and the same instant give the same answer.

import { timeOfDay } from "../times.js";

const DAY_MS = 86_400_000;
const formatters = new Map();

function formatterFor(timeZone) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

// Milliseconds since the epoch of a wall-clock reading taken as if it were UTC.
function utc({ year, month, day, hour = 0, minute = 0, second = 0 }) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

// The wall clock in `timeZone` at an instant (milliseconds since the epoch).
export function wallClock(instant, timeZone) {
  const parts = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (type !== "literal") parts[type] = Number(value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

// How far the zone's clock is ahead of UTC at an instant, in milliseconds.
export function offsetAt(instant, timeZone) {
  const whole = Math.floor(instant / 1000) * 1000;
  return utc(wallClock(whole, timeZone)) - whole;
}

export function parseLocal(local) {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local ?? "");
  if (!match) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((v) => Number(v ?? 0));
  return { year, month, day, hour, minute, second };
}

// The instant a wall-clock time happens in `timeZone`. Like Python's zoneinfo with
// fold=0: a time that happens twice (clocks go back) is the first one; a time that
// never happens (clocks go forward) is read with the offset from before the change.
export function toInstant(local, timeZone) {
  const parts = typeof local === "string" ? parseLocal(local) : local;
  if (!parts) return null;
  const wall = utc(parts);
  const before = offsetAt(wall - DAY_MS, timeZone);
  if (offsetAt(wall - before, timeZone) === before) return wall - before;
  const after = offsetAt(wall + DAY_MS, timeZone);
  if (offsetAt(wall - after, timeZone) === after) return wall - after;
  return wall - before;
}

// A calendar date as a whole number of days, so dates subtract to days between them.
export function dayNumber(parts) {
  return Math.floor(utc({ year: parts.year, month: parts.month, day: parts.day }) / DAY_MS);
}

export function dateOfDay(number) {
  const date = new Date(number * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// Where `now` falls in the plan. Fields are null when the plan lacks the dates.
//   phase         "before", "during", "after" or null
//   day, length   "day 4 of 14" (a break or being away; day 0 is the last session's day)
//   daysUntil     calendar days from today to the next session (or the last one ever)
//   minutesUntil  whole minutes until that session starts
export function countdown(plan, now) {
  const zone = plan.timeZone || "UTC";
  const ending = plan.kind === "ending";
  const start = parseLocal(plan.lastSessionBefore);
  const end = parseLocal(ending ? plan.lastSessionEver : plan.firstSessionAfter);
  const today = dayNumber(wallClock(now, zone));
  const result = {
    zone,
    ending,
    today,
    phase: null,
    day: null,
    length: null,
    daysUntil: null,
    minutesUntil: null,
    daysUntilStart: null,
    start,
    end,
  };
  const startInstant = start ? toInstant(start, zone) : null;
  const endInstant = end ? toInstant(end, zone) : null;
  if (end) {
    result.daysUntil = dayNumber(end) - today;
    result.minutesUntil = Math.floor((endInstant - now) / 60_000);
  }
  if (start) result.daysUntilStart = dayNumber(start) - today;
  if (start && end && !ending) {
    result.length = dayNumber(end) - dayNumber(start);
    result.day = today - dayNumber(start);
  }
  if (startInstant != null && now < startInstant) result.phase = "before";
  else if (endInstant != null && now >= endInstant) result.phase = "after";
  else if (startInstant != null || endInstant != null) result.phase = "during";
  return result;
}

const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", timeZone: "UTC" });
const shortDateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});

// "10:00" (or "10:00 AM" where the locale says so): the wall clock of the plan,
// whatever zone the phone is in.
export const wallTime = (parts) => timeOfDay(new Date(utc(parts)), "UTC");

// "Tuesday 10:00".
export function weekdayAndTime(parts) {
  return `${weekdayFormat.format(new Date(utc(parts)))} ${wallTime(parts)}`;
}

export function shortDate(parts) {
  return shortDateFormat.format(new Date(utc(parts)));
}

const days = (n) => `${n} ${n === 1 ? "day" : "days"}`;

// The sentences a person reads: "Day 4 of 14", "10 days until Tuesday 10:00".
// `words` names the separation ("break", "holiday", "ending", …).
export function describe(plan, now, words = { break: "break" }) {
  const c = countdown(plan, now);
  const lines = [];
  if (!c.phase) return lines;
  const session = c.end ? weekdayAndTime(c.end) : null;
  if (c.phase === "before") {
    const when = c.start ? weekdayAndTime(c.start) : "";
    lines.push(
      c.daysUntilStart === 0
        ? `Your last session before the ${words.break} is today, ${when}.`
        : `${days(c.daysUntilStart)} until your last session before the ${words.break}, ${when}.`,
    );
    if (c.ending && session) lines.push(`${days(c.daysUntil)} until the last session, ${session}.`);
    return lines;
  }
  if (c.phase === "after") {
    lines.push(c.ending ? "The last session has happened." : `The ${words.break} is over.`);
    return lines;
  }
  if (c.length != null) {
    lines.push(c.day <= 0 ? `The ${words.break} began today.` : `Day ${c.day} of ${c.length}.`);
  }
  if (session) {
    const until = c.daysUntil === 0 ? `Today, ${session}` : `${days(c.daysUntil)} until ${session}`;
    lines.push(c.ending ? `${until}: the last session.` : `${until}.`);
  }
  return lines;
}
