// Start: show what is on the device at once, then sync in the background.

import { listen } from "./live.js";
import { guardWith, route, startRouting } from "./router.js";
import { startSyncing } from "./sync.js";
import { homeView } from "./ui/home.js";
import { letterView } from "./ui/letter.js";
import { drawShell } from "./ui/shell.js";
import { me } from "./me.js";

// The screens used most are loaded with the app; the rest when first opened (they are
// in the service worker's cache, so that works offline too).
const later = (module, name) => async (...args) => (await import(module))[name](...args);

route(/^\/$/, homeView);
route(/^\/letters\/([\w-]+)$/, letterView);
route(/^\/letters\/([\w-]+)\/history$/, later("./ui/history.js", "historyView"));
route(/^\/trash$/, later("./ui/trash.js", "trashView"));
route(/^\/session$/, later("./ui/session.js", "sessionView"));
route(/^\/account$/, later("./ui/account.js", "accountView"));
route(/^\/welcome$/, later("./ui/welcome.js", "welcomeView"));
route(/./, homeView);

guardWith(async (path) => {
  const account = await me();
  if (!account && path !== "/welcome") return "/welcome";
  if (account && path === "/welcome") return "/";
  return null;
});

export async function begin() {
  await drawShell();
  await startRouting();
  if (await me()) {
    startSyncing();
    listen();
  }
}

begin().then(() => import("./ui/update.js")).then((update) => update.watchForUpdates());
