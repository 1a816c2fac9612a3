// The soothing toolkit on this device: boxes of real things, the things in them,
// each time one was used, and "words to carry" cards.

import { all, byPosition, create, edit, nextPosition, one, remove } from "./records.js";

export const SENSES = {
  touch: "Touch",
  sound: "Sound",
  smell: "Smell",
  sight: "Sight",
  taste: "Taste",
  movement: "Movement",
};

// The kinds this domain keeps.
export const TOOLKIT_KINDS = ["toolkit_box", "toolkit_item", "toolkit_use", "carry_card"];

export const boxes = async () => (await all("toolkit_box")).sort(byPosition);
export const box = (id) => one("toolkit_box", id);
export const item = (id) => one("toolkit_item", id);
export const cards = async () => (await all("carry_card")).sort(byPosition);

export async function items(boxId = undefined) {
  const list = (await all("toolkit_item")).sort(byPosition);
  return boxId === undefined ? list : list.filter((entry) => entry.boxId === boxId);
}

// Newest first.
export async function uses() {
  return (await all("toolkit_use")).sort((a, b) => (b.usedAt ?? "").localeCompare(a.usedAt ?? ""));
}

export async function createBox(name, note = "") {
  return create("toolkit_box", { name, note, position: nextPosition(await boxes()) });
}

export async function createItem(boxId, name) {
  return create("toolkit_item", { boxId, name, position: nextPosition(await items(boxId)) });
}

export async function createCard(text) {
  return create("carry_card", { text, position: nextPosition(await cards()) });
}

// A moment with its UTC offset, as the server's Moment rule wants: local time, so the
// chart and the list read as the person lived them.
export function localMoment(date = new Date()) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function logUse({ itemId = null, distressBefore = null, distressAfter = null, note = "" }) {
  return create("toolkit_use", { itemId, usedAt: localMoment(), distressBefore, distressAfter, note });
}

export async function deleteBox(id) {
  for (const entry of await items(id)) await remove("toolkit_item", entry.id);
  await remove("toolkit_box", id);
}

export const editBox = (id, fields) => edit("toolkit_box", id, fields);
export const editItem = (id, fields) => edit("toolkit_item", id, fields);
export const editCard = (id, fields) => edit("carry_card", id, fields);
export const deleteItem = (id) => remove("toolkit_item", id);
export const deleteCard = (id) => remove("carry_card", id);
