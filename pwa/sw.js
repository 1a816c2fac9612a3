// The service worker: the app shell is kept on the device so the app opens offline.
// The server puts SHELL (every file of the app) and VERSION (their hash) above this.
// API responses and letters are never cached here: they live in IndexedDB.

const CACHE = `between-shell-${VERSION}`;

// Static routes: the browser answers these from the cache itself, without starting
// this worker. Starting it is much of the wait when the app is opened cold, offline,
// on a slow phone. Deep links still come through "fetch" below.
const ROUTES = [
  { condition: { urlPattern: "/", requestMode: "navigate" }, source: { cacheName: CACHE } },
  ...["/src/*", "/icons/*", "/style.css", "/*.webmanifest"].map((urlPattern) => ({
    condition: { urlPattern, requestMethod: "get" },
    source: { cacheName: CACHE },
  })),
];

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
  // The start page is the shell too; kept under its own address for the route above.
  await cache.put("/", await cache.match("/index.html"));
}

// Browsers without static routes, or refusing these, use the fetch handler for all.
function addStaticRoutes(event) {
  try {
    return event.addRoutes?.(ROUTES).catch(() => {});
  } catch {
    return null;
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(Promise.all([precache(), addStaticRoutes(event)]));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// The person accepted the update.
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/graphql" || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    // Every page of the app is the same shell; deep links open offline too.
    event.respondWith(caches.match("/index.html", { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
