// Start: show what is on the device at once, then sync in the background.

import { listen } from "./live.js";
import { guardWith, route, startRouting } from "./router.js";
import { getMeta } from "./store.js";
import { startSyncing } from "./sync.js";
import { accountView } from "./ui/account.js";
import { historyView } from "./ui/history.js";
import { homeView } from "./ui/home.js";
import { letterView } from "./ui/letter.js";
import { sessionView } from "./ui/session.js";
import { drawShell } from "./ui/shell.js";
import { trashView } from "./ui/trash.js";
import { watchForUpdates } from "./ui/update.js";
import { welcomeView } from "./ui/welcome.js";

route(/^\/$/, homeView);
route(/^\/letters\/([\w-]+)$/, letterView);
route(/^\/letters\/([\w-]+)\/history$/, historyView);
route(/^\/trash$/, trashView);
route(/^\/session$/, sessionView);
route(/^\/account$/, accountView);
route(/^\/welcome$/, welcomeView);
route(/./, homeView);

guardWith(async (path) => {
  const account = await getMeta("account");
  if (!account && path !== "/welcome") return "/welcome";
  if (account && path === "/welcome") return "/";
  return null;
});

export async function begin() {
  await drawShell();
  await startRouting();
  if (await getMeta("account")) {
    startSyncing();
    listen();
  }
}

watchForUpdates();
begin();
