// The frame around every screen: the name, a quiet sync status, quick hide and Help
// now in a bar that stays at the top while the screen scrolls, and the tabs.

import { appName, lock } from "../../lock.js";
import { bus, refreshStatus, syncNow } from "../../sync.js";
import { h, replace } from "../kit/dom.js";
import { icon } from "./icons.js";
import { syncDetail, syncSummary } from "./sync-status.js";
import { me } from "../../me.js";
import { button, linkButton } from "../kit/button.js";

// Five at most, with short labels, so each stays a comfortable target on a 320 px
// screen and no label breaks. Trash and Settings are on the Account screen.
const CLIENT_TABS = [
  ["/", "Letters", "letters"],
  ["/toolkit", "Toolkit", "toolkit"],
  ["/plans", "Plans", "plans"],
  ["/session", "Session", "session"],
  ["/account", "Account", "account"],
];
const THERAPIST_TABS = [
  ["/", "Shared", "shared"],
  ["/connect", "Clients", "clients"],
  ["/account", "Account", "account"],
];

// The word in the bar; the sentences and "Sync now" open under it.
function syncControl() {
  const panel = h(
    "div",
    { class: "sync-panel" },
    h("p", { id: "sync-detail" }),
    button("Sync now", {
      id: "sync-now",
      onClick: () => {
        close(control, true);
        syncNow();
      },
    }),
  );
  const control = h("details", { class: "sync", id: "sync" }, h("summary", { id: "sync-status" }), panel);
  drawStatus(control);
  return control;
}

// The panel lies over the screen, so it closes once used, on a tap elsewhere and on
// Escape; the word in the bar then says how the sync went.
function close(control = document.getElementById("sync"), refocus = false) {
  if (!control?.open) return;
  control.open = false;
  if (refocus) control.querySelector("summary").focus();
}
document.addEventListener("pointerdown", (event) => {
  if (!event.target.closest?.("#sync")) close();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.getElementById("sync")?.open) close(undefined, true);
});

function drawStatus(control = document.getElementById("sync")) {
  if (!control) return;
  const { icon: name, word } = syncSummary();
  replace(control.querySelector("summary"), icon(name), h("span", { class: "sync-word" }, word));
  control.querySelector("#sync-detail").textContent = syncDetail();
}

const clipWatch = new ResizeObserver(() => {
  const brand = document.querySelector("#bar > .brand");
  if (brand) brand.inert = brand.offsetTop >= document.getElementById("bar").clientHeight;
});

export async function drawShell() {
  const bar = document.getElementById("bar");
  const tabs = document.getElementById("tabs");
  const account = await me();
  // The first word in the bar is already the true one, so it does not change (and the
  // bar does not move) a moment after it is shown.
  if (account) await refreshStatus().catch(() => null);
  // Help now is on every screen, signed in or not, online or not, and the bar keeps
  // it in view however far the screen is scrolled.
  const brand = h("a", { href: "/", class: "brand" }, appName());
  const tools = h(
    "div",
    { class: "bar-tools" },
    account ? syncControl() : null,
    account ? button("Hide", { class: "quiet", id: "quick-hide", onClick: () => lock("hidden") }) : null,
    linkButton("Help now", "/help", { class: "help-now", id: "help-now" }),
  );
  replace(bar, brand, tools);
  // When the tools leave the name no room, it wraps below the bar's clip: out of sight,
  // so out of the Tab order and the accessibility tree too.
  clipWatch.disconnect();
  clipWatch.observe(bar);
  clipWatch.observe(tools);
  const list = account?.role === "THERAPIST" ? THERAPIST_TABS : CLIENT_TABS;
  replace(
    tabs,
    account
      ? h(
          "ul",
          {},
          list.map(([href, text, name]) =>
            h("li", {}, h("a", { href }, icon(name), h("span", { class: "tab-label" }, text))),
          ),
        )
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
  // A new screen closes the sync panel.
  close();
}

bus.addEventListener("status", () => drawStatus());
document.addEventListener("routed", markCurrent);
// The relative time drifts; refresh it now and then.
setInterval(() => bus.dispatchEvent(new CustomEvent("status")), 30_000);
