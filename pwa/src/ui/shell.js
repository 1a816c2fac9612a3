// The frame around every screen: the name, Help now, quick hide, a quiet sync status,
// and the tabs.

import { appName, lock } from "../lock.js";
import { bus, status, syncNow } from "../sync.js";
import { h, replace, when } from "./dom.js";
import { me } from "../me.js";

// Five at most, so each stays a comfortable target on a 320 px screen. Trash and
// Settings are one tap further, on the Account screen.
const CLIENT_TABS = [
  ["/", "Letters"],
  ["/toolkit", "Toolkit"],
  ["/plans", "Plans"],
  ["/session", "For session"],
  ["/account", "Account"],
];
const THERAPIST_TABS = [
  ["/", "Shared"],
  ["/connect", "Clients"],
  ["/account", "Account"],
];

export function statusText() {
  const parts = [];
  if (status.unsynced) {
    parts.push(`${status.unsynced} ${status.unsynced === 1 ? "change" : "changes"} saved here, not yet synced`);
  } else {
    parts.push("All saved");
  }
  if (status.problem === "offline") parts.push("offline");
  else if (status.problem === "signed-out") parts.push("sign in again to sync");
  else if (status.running) parts.push("syncing…");
  else if (status.lastSyncAt) parts.push(`synced ${when(status.lastSyncAt)}`);
  return parts.join(" · ");
}

export async function drawShell() {
  const bar = document.getElementById("bar");
  const tabs = document.getElementById("tabs");
  const account = await me();
  const label = h("p", { class: "status", id: "sync-status" }, statusText());
  const syncButton = h(
    "button",
    { type: "button", class: "quiet", onclick: () => syncNow() },
    "Sync now",
  );
  // Help now is on every screen, signed in or not, online or not.
  const tools = h(
    "div",
    { class: "bar-tools" },
    account
      ? h("button", { type: "button", class: "quiet", id: "quick-hide", onclick: () => lock("hidden") }, "Hide")
      : null,
    h("a", { href: "/help", class: "button help-now", id: "help-now" }, "Help now"),
  );
  replace(
    bar,
    h("a", { href: "/", class: "brand" }, appName()),
    tools,
    account ? h("div", { class: "sync" }, label, syncButton) : null,
  );
  const list = account?.role === "THERAPIST" ? THERAPIST_TABS : CLIENT_TABS;
  replace(
    tabs,
    account
      ? h("ul", {}, list.map(([href, text]) => h("li", {}, h("a", { href }, text))))
      : null,
  );
  markCurrent();
}

function markCurrent() {
  for (const link of document.querySelectorAll("#tabs a")) {
    const here = link.getAttribute("href") === location.pathname;
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

bus.addEventListener("status", () => {
  const label = document.getElementById("sync-status");
  if (label) label.textContent = statusText();
});
document.addEventListener("routed", markCurrent);
// The relative time drifts; refresh it now and then.
setInterval(() => bus.dispatchEvent(new CustomEvent("status")), 30_000);
