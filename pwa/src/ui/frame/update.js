// The service worker keeps the app on this device. A new version waits until the
// person says so; before it takes over, whatever is being typed is saved.

import { leave } from "../../router.js";
import { notice } from "../kit/dom.js";
import { button } from "../kit/button.js";

let accepted = false;

function offer(registration) {
  const update = button("Update now", { class: "primary" });
  update.addEventListener("click", async () => {
    update.disabled = true;
    accepted = true;
    await leave();
    registration.waiting?.postMessage("skip-waiting");
  });
  notice("An update is ready. Your writing is saved and stays as it is.", {
    id: "update",
    actions: [update],
  });
}

export async function watchForUpdates() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js");
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (accepted) location.reload();
  });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration);
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    incoming?.addEventListener("statechange", () => {
      // The first install needs no question; an update to a running app does.
      if (incoming.state === "installed" && navigator.serviceWorker.controller) offer(registration);
    });
  });
  // Check now and then while the app stays open.
  setInterval(() => registration.update().catch(() => {}), 60 * 60_000);
}
