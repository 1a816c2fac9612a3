// The sync client: push the outbox, then pull pages until there is nothing more.
// It runs on start, on `online`, when the app becomes visible, on a poke and on
// "Sync now". One tab at a time does the work (Web Locks); the others hear about it.

import { ApiError, gql, offline } from "./api.js";
import { absorb, settle, takeBatch } from "./outbox.js";
import { deviceId, getMeta, outboxCount, setMeta } from "./store.js";
import { deviceLabel } from "./device-label.js";
import { me } from "./me.js";

const PUSH = `mutation Push($deviceId: String!, $mutations: [SyncMutationInput!]!) {
  push(deviceId: $deviceId, mutations: $mutations) {
    results {
      mutationId recordId status version code message field conflictFields
      current { id kind version deleted deletedAt sealed format fields createdAt updatedAt }
    }
    lastMutationId serverVersion
  }
}`;

// Records come as one JSON list (`recordsJson`), each with every field of a SyncRecord.
// No deviceId: the PWA never reads lastMutationId, so the server reads nothing for it.
const PULL = `query Pull($cursor: String) {
  pull(cursor: $cursor, limit: 500) { recordsJson cursor hasMore serverVersion }
}`;

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;

// Everything that changes what the app shows goes through this bus, and across tabs.
export const bus = new EventTarget();
const channel = "BroadcastChannel" in self ? new BroadcastChannel("between") : null;
channel?.addEventListener("message", (event) => {
  bus.dispatchEvent(new CustomEvent(event.data.type, { detail: event.data.detail }));
});

export function announce(type, detail = null) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
  channel?.postMessage({ type, detail });
}

export const status = {
  running: false,
  unsynced: 0,
  lastSyncAt: null,
  unopened: [], // records whose envelope did not open: {id, kind, name}
  problem: null, // null, "offline", "signed-out" or a message
};

let again = false;
let running = null;
let retryTimer = null;
let retryDelay = RETRY_FIRST_MS;

export async function refreshStatus() {
  status.unsynced = await outboxCount();
  status.lastSyncAt = await getMeta("lastSyncAt");
  status.unopened = await getMeta("unopened", []);
  bus.dispatchEvent(new CustomEvent("status"));
}

export { deviceId };

// Resolves once this sync, and any asked for while it ran, has finished.
export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  running = runSyncs().finally(() => {
    running = null;
  });
  return running;
}

async function runSyncs() {
  if (!(await me())) return;
  clearTimeout(retryTimer);
  status.running = true;
  bus.dispatchEvent(new CustomEvent("status"));
  try {
    do {
      again = false;
      // One tab syncs at a time; another tab waits its turn, then finds little to do.
      if (navigator.locks) await navigator.locks.request("between-sync", cycle);
      else await cycle();
    } while (again);
    status.problem = null;
    retryDelay = RETRY_FIRST_MS;
  } catch (error) {
    status.problem = problemOf(error);
    if (status.problem !== "signed-out") scheduleRetry();
  } finally {
    status.running = false;
    await refreshStatus();
  }
}

function problemOf(error) {
  if (offline(error)) return "offline";
  if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return "signed-out";
  console.warn("sync", error);
  return error.message;
}

// Back off, with jitter, so many devices coming back online do not arrive together.
function scheduleRetry() {
  const delay = retryDelay * (0.75 + Math.random() / 2);
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  retryTimer = setTimeout(syncNow, delay);
}

// Sealing, opening and merging (and the crypto and diff code under them) load when a
// sync first needs them, so that the letter list is drawn without them.
const sealing = () => import("./sealing.js");

async function cycle() {
  const device = await deviceId();
  for (;;) {
    const batch = await takeBatch();
    if (!batch.length) break;
    const { mutationsOf, openCurrents } = await sealing();
    // Sealed after the batch is frozen, from its frozen content.
    const data = await gql(PUSH, { deviceId: device, mutations: await mutationsOf(batch) });
    const currents = await openCurrents(data.push.results);
    const merging = currents.size ? await import("./rebase.js") : null;
    await settle(batch, data.push.results, currents, merging, { device, label: deviceLabel() });
    announce("records");
  }
  await pullAll();
  await setMeta("lastSyncAt", new Date().toISOString());
}

async function pullAll() {
  let cursor = await getMeta("cursor");
  for (;;) {
    let page;
    try {
      page = (await gql(PULL, { cursor })).pull;
    } catch (error) {
      if (error instanceof ApiError && ["CURSOR_AHEAD", "BAD_CURSOR"].includes(error.code)) {
        // The server has less than this device remembers (restored from a backup):
        // read everything again; unsent changes stay in the outbox.
        cursor = null;
        continue;
      }
      throw error;
    }
    const { openPage } = await sealing();
    const { readable, unopened } = await openPage(page.recordsJson);
    await absorb(readable, page.cursor, page.serverVersion, unopened);
    cursor = page.cursor;
    if (page.recordsJson.length) announce("records");
    if (!page.hasMore) return;
  }
}

let started = false;

export function startSyncing() {
  if (started) return;
  started = true;
  addEventListener("online", syncNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  let soon = null;
  bus.addEventListener("saved", () => {
    refreshStatus();
    // Send a little after typing pauses, not on every keystroke.
    clearTimeout(soon);
    soon = setTimeout(syncNow, 1_500);
  });
  refreshStatus();
  syncNow();
}
