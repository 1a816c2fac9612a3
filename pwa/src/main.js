// Start: show what is on the device at once, then sync in the background.

import { NEUTRAL_NAME, appName, coverState, isCovered, onCover, startLocked } from "./lock.js";
import { coverWith, guardWith, leave, route, show, startRouting } from "./router.js";
import { startSyncing } from "./sync.js";
import { homeView } from "./ui/letters/home.js";
import { notice } from "./ui/kit/dom.js";
import { drawShell } from "./ui/frame/shell.js";
import { me } from "./me.js";

// The letter list is loaded with the app; every other screen when first opened (they
// are in the service worker's cache, so that works offline too). Less to run before
// the list appears is what makes opening fast on a slow phone.
const later =
  (module, name) =>
  async (...args) =>
    (await import(module))[name](...args);
const letterView = later("./ui/letters/letter.js", "letterView");

route(/^\/$/, homeView);
route(/^\/letters\/([\w-]+)$/, letterView);
route(/^\/letters\/([\w-]+)\/history$/, later("./ui/letters/history.js", "historyView"));
route(/^\/letters\/([\w-]+)\/share$/, later("./ui/sharing/client/share.js", "shareView"));
route(/^\/shares$/, later("./ui/sharing/client/shares.js", "sharesView"));
route(/^\/connect$/, later("./ui/sharing/connect.js", "connectView"));
route(/^\/connect\/([\w-]+)\/safety-number$/, later("./ui/sharing/safety-number.js", "safetyNumberView"));
route(/^\/shared\/([\w-]+)$/, later("./ui/sharing/therapist/shared-letter.js", "sharedLetterView"));
route(/^\/trash$/, later("./ui/letters/trash.js", "trashView"));
route(/^\/session$/, later("./ui/letters/session.js", "sessionView"));
route(/^\/account$/, later("./ui/account/account.js", "accountView"));
route(/^\/welcome$/, later("./ui/account/welcome.js", "welcomeView"));
route(/^\/codes$/, later("./ui/account/welcome.js", "codesView"));
route(/^\/help$/, later("./ui/frame/help.js", "helpView"));
route(/^\/help\/people$/, later("./ui/frame/help.js", "peopleView"));
route(/^\/toolkit$/, later("./ui/toolkit/toolkit.js", "toolkitView"));
route(/^\/toolkit\/boxes\/([\w-]+)$/, later("./ui/toolkit/toolkit.js", "boxView"));
route(/^\/toolkit\/items\/([\w-]+)$/, later("./ui/toolkit/toolkit-item.js", "itemView"));
route(/^\/toolkit\/items\/([\w-]+)\/edit$/, later("./ui/toolkit/toolkit-item.js", "itemEditView"));
route(/^\/toolkit\/breathe$/, later("./ui/toolkit/breathe.js", "breatheView"));
route(/^\/toolkit\/ground$/, later("./ui/toolkit/ground.js", "groundView"));
route(/^\/toolkit\/words$/, later("./ui/toolkit/words.js", "wordsView"));
route(/^\/toolkit\/uses$/, later("./ui/toolkit/uses.js", "usesView"));
route(/^\/plans$/, later("./ui/plans/plans.js", "plansView"));
route(/^\/plans\/([\w-]+)$/, later("./ui/plans/plans.js", "planView"));
route(/^\/plans\/([\w-]+)\/edit$/, later("./ui/plans/plan-edit.js", "planEditView"));
route(/^\/plans\/new\/(break|client_away|ending)$/, later("./ui/plans/plan-edit.js", "newPlanView"));
route(/^\/settings$/, later("./ui/account/settings.js", "settingsView"));
route(/./, homeView);

// Help now needs no account: crisis lines are for anyone holding the phone.
const OPEN_TO_ALL = new Set(["/welcome", "/help"]);

guardWith(async (path) => {
  const account = await me();
  if (!account && !OPEN_TO_ALL.has(path)) return "/welcome";
  if (account && path === "/welcome") return "/";
  return null;
});

// While locked or hidden, the lock screen takes the place of every view.
coverWith(
  async (main) => {
    const covered = isCovered();
    document.body.classList.toggle("covered", covered);
    if (!covered) return false;
    await (await import("./ui/frame/lock.js")).drawCover(main, coverState());
    return true;
  },
  () => (coverState() === "hidden" ? NEUTRAL_NAME : appName()),
);
onCover(
  async () => {
    await leave();
    await show();
  },
  () => show(),
);

// A newer version of the app opened in another tab and must upgrade the database:
// save what is typed here, let go of the database, and reload as that version.
document.addEventListener("outdated", async (event) => {
  let saved = true;
  try {
    await leave();
  } catch {
    saved = false;
  }
  // The other tab must not wait for ever either way.
  event.detail();
  if (saved) {
    location.reload();
    return;
  }
  // Never reload over words that are not saved: they stay on this screen.
  notice(
    "The app was updated in another tab, and what you typed here last could not be saved. Copy it somewhere safe, then reload this tab.",
    { id: "outdated", tone: "alert" },
  );
});

export async function begin() {
  await startLocked();
  await drawShell();
  await startRouting();
  const account = await me();
  if (account) {
    startSyncing();
    import("./live.js").then((live) => live.listen());
    // An account made before key pairs existed gets them from its device now.
    if (navigator.onLine) import("./key-pairs.js").then((pairs) => pairs.ensureKeyPairsOnce().catch(() => {}));
    // The editor is the next screen most opened: have it ready.
    import("./ui/letters/letter.js");
  }
  // Openings made offline still belong in the client's access log.
  if (account?.role === "THERAPIST") import("./sharing.js").then((sharing) => sharing.watchOpenings());
  // What this client has shared, so the device can still say so while offline. It can
  // wait: a few seconds on, when the list is long on screen and the first sync is done.
  if (account?.role === "CLIENT" && navigator.onLine) {
    setTimeout(() => import("./sharing.js").then((sharing) => sharing.refreshShared()), 3000);
  }
}

begin()
  .then(() => import("./ui/frame/update.js"))
  .then((update) => update.watchForUpdates());
