// The account on this device: sync status, sign in again, keeping it safe, leaving.

import { signOut, unsyncedCount } from "../../session-state.js";
import { bus, status, syncNow } from "../../sync.js";
import { h, replace } from "../kit/dom.js";
import { deleteForm, securitySections } from "./security.js";
import { syncDetail } from "../frame/sync-status.js";
import { recoverForm, signInForm } from "./welcome.js";
import { me } from "../../me.js";
import { button, linkButton } from "../kit/button.js";

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

  const signOutButton = button("Sign out on this device");
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
          button("Sync now", { class: "primary", onClick: () => syncNow() }),
          button("Sign out and remove them", { onClick: finish }),
          button("Stay signed in", { class: "quiet", onClick: () => replace(leaving) }),
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
          linkButton("Settings", "/settings", { id: "to-settings" }),
          linkButton("Trash", "/trash", { id: "to-trash" }),
        )
      : null,
    account.role === "CLIENT"
      ? [
          h("h2", {}, "Sharing"),
          h(
            "div",
            { class: "row" },
            linkButton("Connecting", "/connect", { id: "to-connect" }),
            linkButton("Letters you have shared", "/shares", { id: "to-shares" }),
          ),
        ]
      : null,
    h("h2", {}, "Sync"),
    line,
    h("div", { class: "row" }, button("Sync now", { onClick: () => syncNow() })),
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
