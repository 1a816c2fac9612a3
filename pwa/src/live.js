// Pokes from the server over graphql-transport-ws: the account's version, no data.
// A poke newer than what this device has pulled starts a sync.

import { getMeta } from "./store.js";
import { status, syncNow } from "./sync.js";

const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;
const SESSION_ENDED = 4401;
// A server replica restarting or going away (a deploy, a rolling restart): another one
// is ready, so reconnect within a second, spread out so that a replica's sockets do not
// all arrive at once, and without growing the back-off.
const ELSEWHERE = new Set([1001, 1012]);
const ELSEWHERE_MS = [250, 1_000];

let socket = null;
let retryDelay = RETRY_FIRST_MS;
let retryTimer = null;
let stopped = true;

function url() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

function connect() {
  if (stopped || socket || !navigator.onLine || document.visibilityState !== "visible") return;
  if (status.problem === "signed-out") return;
  const ws = new WebSocket(url(), "graphql-transport-ws");
  socket = ws;
  ws.addEventListener("open", () => ws.send(JSON.stringify({ type: "connection_init" })));
  ws.addEventListener("message", async (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      retryDelay = RETRY_FIRST_MS;
      ws.send(JSON.stringify({ id: "changes", type: "subscribe", payload: { query: "subscription { changes }" } }));
    } else if (message.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next") {
      const version = message.payload?.data?.changes;
      if (typeof version === "number" && version > (await getMeta("serverVersion", 0))) syncNow();
    }
  });
  ws.addEventListener("close", (event) => {
    if (socket === ws) socket = null;
    if (stopped) return;
    // The session ended (signed out here or elsewhere): a sync finds out for sure and
    // shows it, and then no socket is opened again until the person signs in.
    if (event.code === SESSION_ENDED) syncNow();
    if (ELSEWHERE.has(event.code)) {
      const [low, high] = ELSEWHERE_MS;
      retryTimer = setTimeout(connect, low + Math.random() * (high - low));
      // Pokes sent while away are caught up by a pull, as after any reconnect.
      syncNow();
      return;
    }
    retryTimer = setTimeout(connect, retryDelay * (0.75 + Math.random() / 2));
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  });
}

export function disconnect() {
  stopped = true;
  clearTimeout(retryTimer);
  const ws = socket;
  socket = null;
  ws?.close();
}

let listening = false;

export function listen() {
  stopped = false;
  connect();
  if (listening) return;
  listening = true;
  addEventListener("online", () => {
    clearTimeout(retryTimer);
    retryDelay = RETRY_FIRST_MS;
    connect();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") connect();
  });
}
