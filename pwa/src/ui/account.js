// The account on this device: sync status, sign in again, keeping it safe, leaving.

import { signOut, unsyncedCount } from "../session-state.js";
import { bus, status, syncNow } from "../sync.js";
import { h, replace } from "./dom.js";
import { deleteForm, securitySections } from "./security.js";
import { syncDetail } from "./sync-status.js";
import { recoverForm, signInForm } from "./welcome.js";
import { me } from "../me.js";

export async function accountView(main) {
  const account = await me();
  const line = h("p", { id: "account-status", "aria-live": "polite" }, syncDetail());
  const again = h("div", {});
  const leaving = h("div", {});
  // Known before the screen is drawn, so nothing below it moves when it is said.
  const persisted = await navigator.storage?.persisted?.();
  const storage = h(
    "p",
    { class: "quiet" },
    persisted
      ? "This browser keeps the app's data until you sign out."
      : "This browser may clear the app's data if the device runs short of space. What has synced is safe on your account.",
  );

  const drawStatus = () => {
    line.textContent = syncDetail();
    replace(
      again,
      status.problem === "signed-out"
        ? [
            h(
              "p",
              {},
              "This device was signed out on the server. Your letters are still here. Sign in again to keep syncing.",
            ),
            signInForm({ username: account.username, onDone: () => syncNow() }),
            // The password may have been changed because it was forgotten.
            recoverForm({ username: account.username, onDone: () => syncNow() }),
          ]
        : null,
    );
  };
  bus.addEventListener("status", drawStatus);

  const signOutButton = h("button", { type: "button" }, "Sign out on this device");
  signOutButton.addEventListener("click", async () => {
    const unsynced = await unsyncedCount();
    if (!unsynced) return finish();
    // Unsynced words would be lost: say so plainly and let the person choose.
    replace(
      leaving,
      h(
        "div",
        { class: "notice alert", role: "alert" },
        h(
          "p",
          {},
          `${unsynced} ${unsynced === 1 ? "change on this device has" : "changes on this device have"} not reached your account yet. Signing out removes them from this device. Syncing first keeps them.`,
        ),
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", class: "primary", onclick: () => syncNow() }, "Sync now"),
          h("button", { type: "button", onclick: finish }, "Sign out and remove them"),
          h("button", { type: "button", class: "quiet", onclick: () => replace(leaving) }, "Stay signed in"),
        ),
      ),
    );
  });

  async function finish() {
    await signOut();
    location.assign("/welcome");
  }

  replace(
    main,
    h("h1", {}, "Account"),
    h("p", {}, `Signed in as ${account.displayName} (${account.username}).`),
    account.role === "CLIENT"
      ? h(
          "div",
          { class: "row" },
          h("a", { href: "/settings", class: "button", id: "to-settings" }, "Settings"),
          h("a", { href: "/trash", class: "button", id: "to-trash" }, "Trash"),
        )
      : null,
    account.role === "CLIENT"
      ? [
          h("h2", {}, "Sharing"),
          h(
            "div",
            { class: "row" },
            h("a", { href: "/connect", class: "button", id: "to-connect" }, "Connecting"),
            h("a", { href: "/shares", class: "button", id: "to-shares" }, "Letters you have shared"),
          ),
        ]
      : null,
    h("h2", {}, "Sync"),
    line,
    h("div", { class: "row" }, h("button", { type: "button", onclick: () => syncNow() }, "Sync now")),
    storage,
    again,
    securitySections(),
    h("h2", {}, "Leaving"),
    h("p", {}, "Signing out removes everything from this device. Your account keeps what has synced."),
    h("div", { class: "row" }, signOutButton),
    leaving,
    deleteForm(account),
  );
  drawStatus();
  return { leave: () => bus.removeEventListener("status", drawStatus) };
}
