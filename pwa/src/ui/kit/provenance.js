// Where and when words were written, as a person says it: "this phone, 23:10", "the
// computer, yesterday, 22:50", "the other phone, 3 Mar, 08:00". The time is the
// person's own, in their locale; a day is named only when it is not today.

import { timeOfDay } from "../../times.js";

const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const yearFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

const sameDay = (a, b) => a.toDateString() === b.toDateString();

export function writtenAt(iso, now = new Date()) {
  const then = iso ? new Date(iso) : null;
  if (!then || Number.isNaN(then.getTime())) return "";
  const time = timeOfDay(then);
  if (sameDay(then, now)) return time;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(then, yesterday)) return `yesterday, ${time}`;
  const day = (then.getFullYear() === now.getFullYear() ? dayFormat : yearFormat).format(then);
  return `${day}, ${time}`;
}

// `where`: {device, label} as sealed with the words; `here`: this device's.
export function deviceName(where, here) {
  const { device, label } = where ?? {};
  const own = device != null && device === here?.device;
  if (!label) return own ? "this device" : "another device";
  if (own) return `this ${label}`;
  return label === here?.label ? `the other ${label}` : `the ${label}`;
}

export function provenance(where, editedAt, here) {
  const time = writtenAt(editedAt);
  const name = deviceName(where, here);
  return time ? `${name}, ${time}` : name;
}
