// Path routing for deep links. The service worker answers every navigation with the
// app shell, so any of these paths opens offline.

const routes = [];
let current = null;
let guard = () => null;
// A lock screen can take the place of any view; the title follows the app's name.
let cover = async () => false;
let title = () => "Between";

export function route(pattern, view) {
  routes.push([pattern, view]);
}

// `check(path)` may send the person elsewhere first (e.g. to sign in).
export function guardWith(check) {
  guard = check;
}

// `check(main)` draws the lock or neutral screen and returns true while one is up.
export function coverWith(check, name) {
  cover = check;
  title = name;
}

export async function go(path, { replace = false } = {}) {
  if (path !== location.pathname + location.search) {
    history[replace ? "replaceState" : "pushState"](null, "", path);
  }
  await show();
}

// Before anything replaces the screen (another page, an update, signing out): let the
// current view save what is typed.
export async function leave() {
  await current?.leave?.();
}

export async function show() {
  await leave();
  current = null;
  const redirect = await guard(location.pathname);
  if (redirect && redirect !== location.pathname) {
    history.replaceState(null, "", redirect);
  }
  const main = document.getElementById("main");
  if (await cover(main)) {
    document.dispatchEvent(new CustomEvent("routed"));
    return;
  }
  for (const [pattern, view] of routes) {
    const match = location.pathname.match(pattern);
    if (match) {
      main.replaceChildren();
      current = (await view(main, ...match.slice(1).map(decodeURIComponent))) ?? null;
      break;
    }
  }
  // Titles never carry content: someone else may glance at the tab or the switcher.
  document.title = title();
  document.dispatchEvent(new CustomEvent("routed"));
  const heading = main.querySelector("h1");
  if (heading && !main.contains(document.activeElement)) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

export function startRouting() {
  addEventListener("popstate", show);
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.target || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || link.hasAttribute("download")) return;
    if (url.hash && url.pathname === location.pathname) return; // in-page, e.g. skip link
    event.preventDefault();
    go(url.pathname + url.search);
  });
  return show();
}
