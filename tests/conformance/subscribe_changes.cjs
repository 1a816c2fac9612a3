// Subscribes to `changes` with the graphql-ws client (ws as its WebSocket) and prints
// each result as one JSON line. Stops after COUNT results, or fails after TIMEOUT_MS.
// Usage: node subscribe_changes.cjs ws://host:port/graphql "cookie header" COUNT TIMEOUT_MS
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

const [url, cookie, count, timeoutMs] = process.argv.slice(2);
if (!url || cookie === undefined || !count || !timeoutMs) {
  console.error("usage: node subscribe_changes.cjs URL COOKIE COUNT TIMEOUT_MS");
  process.exit(2);
}

// The signed-in session travels as a cookie on the handshake, as in a browser.
class WebSocketWithCookie extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { headers: { cookie } });
  }
}

const client = createClient({ url, webSocketImpl: WebSocketWithCookie, retryAttempts: 0 });
const timer = setTimeout(() => {
  console.error(`no ${count} results within ${timeoutMs} ms`);
  process.exit(3);
}, Number(timeoutMs));

let seen = 0;
const unsubscribe = client.subscribe(
  { query: "subscription { changes }" },
  {
    next(result) {
      console.log(JSON.stringify(result));
      seen += 1;
      if (seen >= Number(count)) {
        clearTimeout(timer);
        unsubscribe();
        client.dispose();
      }
    },
    error(error) {
      const described = Array.isArray(error)
        ? JSON.stringify(error)
        : error && error.code !== undefined
          ? `closed ${error.code} ${error.reason}`
          : String(error);
      console.error(`subscription failed: ${described}`);
      process.exit(1);
    },
    complete() {
      if (seen < Number(count)) {
        console.error(`the server completed the subscription after ${seen} results`);
        process.exit(4);
      }
    },
  },
);
