// Discretion on this device only: a PIN lock with auto-lock, quick hide, and a neutral
// name and icon. None of it syncs: another device keeps its own PIN (or none).
//
// Only a salted PBKDF2 hash of the PIN is stored, in the device's database. Locking
// removes the screen's content from the page (the current view saves first); it is
// not a cover drawn over it.

import { earlyValue, getMeta, setMeta } from "./store.js";

const KEY = "discretion";
const ITERATIONS = 150_000;
export const NEUTRAL_NAME = self.neutralName;
export const IDLE_CHOICES = [1, 2, 5, 10, 15, 30];

let settings = null;
let state = "open"; // "open", "locked" or "hidden" (quick hide: a neutral screen)
let lastActive = Date.now();
let idleTimer = null;
// Set by the app: redraw the screen (after unlocking) or replace it (after locking).
let hooks = { cover: async () => {}, uncover: async () => {} };

export async function discretion() {
  if (!settings) {
    // boot.js read it with the account while the modules loaded; else read it now.
    const early = await earlyValue("discretion");
    settings = { idleMinutes: 5, neutral: false, ...(early !== undefined ? early : await getMeta(KEY, {})) };
  }
  return settings;
}

async function save(changes) {
  settings = { ...(await discretion()), ...changes };
  await setMeta(KEY, settings);
  return settings;
}

const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const unbase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function hashPin(pin, salt) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
    key,
    256,
  );
  return base64(bits);
}

export const validPin = (pin) => /^\d{4,12}$/.test(pin);

export async function setPin(pin) {
  if (!validPin(pin)) throw new Error("A PIN is 4 to 12 digits.");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  await save({ salt: base64(salt), hash: await hashPin(pin, salt), iterations: ITERATIONS });
  touch();
}

export async function removePin() {
  await save({ salt: null, hash: null });
}

export async function hasPin() {
  return Boolean((await discretion()).hash);
}

async function pinMatches(pin) {
  const { salt, hash } = await discretion();
  if (!hash) return true;
  // Compare whole strings of equal length; timing here reveals nothing useful offline.
  return (await hashPin(pin, unbase64(salt))) === hash;
}

export async function setIdleMinutes(minutes) {
  await save({ idleMinutes: minutes });
  touch();
}

// The idle limit in milliseconds. Settings take whole minutes; the browser tests use
// a few seconds through the same path.
export async function idleLimit() {
  return (await discretion()).idleMinutes * 60_000;
}

export async function setNeutral(neutral) {
  await save({ neutral });
  applyName();
}

export const isCovered = () => state !== "open";
export const coverState = () => state;

export function appName() {
  return settings?.neutral ? NEUTRAL_NAME : "Between";
}

// Files the app saves, by what they hold: [usual name, neutral name]. A downloads
// list is another place someone may glance at.
const FILE_NAMES = {
  export: ["between-export.json", "notes-export.json"],
  codes: ["between-recovery-codes.txt", "notes-codes.txt"],
  letters: ["letters.html", "notes.html"],
};

export function fileName(what) {
  return FILE_NAMES[what][settings?.neutral ? 1 : 0];
}

// The page title, the name in the bar, the manifest and the icons follow the
// neutral-name setting, and quick hide always shows the neutral name. The title never
// carries content either way.
export function applyName() {
  const neutral = Boolean(settings?.neutral);
  const shown = state === "hidden" ? NEUTRAL_NAME : appName();
  document.title = shown;
  self.showNeutralName(neutral);
  const brand = document.querySelector(".brand");
  if (brand) brand.textContent = shown;
}

export function onCover(cover, uncover) {
  hooks = { cover, uncover };
}

// Lock now (auto-lock), or hide (quick hide: a neutral screen, and locked if there is
// a PIN). Without a PIN, "hidden" is only a neutral screen that one tap leaves.
export async function lock(how = "locked") {
  if (how === "locked" && !(await hasPin())) return;
  state = how;
  await hooks.cover(state);
  applyName();
}

export async function unlock(pin) {
  if (!(await pinMatches(pin ?? ""))) return false;
  state = "open";
  touch();
  applyName();
  await hooks.uncover();
  return true;
}

// At start: a device with a PIN opens locked.
export async function startLocked() {
  await discretion();
  if (settings.hash) state = "locked";
  applyName();
  watchIdle();
  return state !== "open";
}

function touch() {
  lastActive = Date.now();
}

async function checkIdle() {
  if (state !== "open" || !settings?.hash) return;
  if (Date.now() - lastActive >= (await idleLimit())) await lock("locked");
}

function watchIdle() {
  if (idleTimer) return;
  for (const type of ["pointerdown", "keydown", "input", "wheel", "touchstart"]) {
    addEventListener(type, touch, { passive: true, capture: true });
  }
  // Coming back to the app after a long time away counts as idle too.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkIdle();
  });
  idleTimer = setInterval(checkIdle, 1_000);
}
