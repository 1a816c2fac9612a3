// Keeping the account safe: where it is signed in, the password, the recovery codes,
// and deleting it. Each of these asks the server, so each says so calmly when offline.

import { gql, offline } from "../../api.js";
import { go } from "../../router.js";
import { changePassword, deleteAccount, regenerateRecoveryCodes, unsyncedCount } from "../../session-state.js";
import { h, replace, when } from "../kit/dom.js";
import { newPasswordField, offerCodes } from "./welcome.js";
import { requiredField } from "../kit/fields.js";
import { errorBox, whenSubmitted } from "../kit/form.js";
import { button, submitButton } from "../kit/button.js";

// An answer that never came may still have been acted on: say only what is known.
const NEEDS_CONNECTION =
  "The server could not be reached, so this may not have gone through. Try again once you are connected.";

// Offline, say what to do, rather than the general offline line.
async function askServer(work) {
  try {
    return await work();
  } catch (error) {
    if (offline(error)) error.message = NEEDS_CONNECTION;
    throw error;
  }
}

function sessionsList() {
  const list = h("ul", { class: "devices", id: "devices" });
  // Where focus goes once the pressed button has left the list.
  const said = h("p", { class: "quiet", role: "status", id: "devices-said", tabindex: "-1" });

  async function load() {
    let sessions;
    try {
      sessions = (await gql("{ mySessions { id deviceLabel lastSeenAt current } }")).mySessions;
    } catch (error) {
      replace(
        list,
        h(
          "li",
          {},
          h("p", {}, offline(error) ? "Connect to see where you are signed in." : error.message),
          button("Try again", { onClick: load }),
        ),
      );
      return;
    }
    replace(
      list,
      sessions.map((session) =>
        h(
          "li",
          {},
          h(
            "p",
            {},
            h("strong", {}, session.deviceLabel),
            h("br"),
            h("span", { class: "quiet" }, session.current ? "This device" : `Last used ${when(session.lastSeenAt)}`),
          ),
          session.current
            ? null
            : button("Sign out there", {
                "aria-label": `Sign out ${session.deviceLabel}, last used ${when(session.lastSeenAt)}`,
                onClick: (event) => revoke(event.currentTarget, session),
              }),
        ),
      ),
    );
  }

  async function revoke(button, session) {
    button.disabled = true;
    try {
      await askServer(() => gql("mutation Revoke($id: ID!) { revokeSession(id: $id) }", { id: session.id }));
    } catch (error) {
      button.disabled = false;
      said.textContent = error.message;
      return;
    }
    // Said once the list no longer shows it, so what is read out matches what is seen.
    await load();
    said.textContent = `${session.deviceLabel} is signed out. Anything it had not synced stays on it until you sign in there again.`;
    said.focus();
  }

  load();
  return [
    h("h2", {}, "Where you are signed in"),
    h("p", {}, "If you see a device you do not know, sign it out and change your password."),
    list,
    said,
  ];
}

// A form that asks the server one thing; a line underneath says how it went.
// Each of these derives keys from a password first, which takes a moment: it says so.
function serverForm({ id, heading, fields, submit, work, done }) {
  const errors = errorBox();
  const result = h("p", { role: "status", id: `${id}-result` });
  const form = h("form", { class: "stack", id, "aria-labelledby": `${id}-heading` });
  replace(form, h("h2", { id: `${id}-heading` }, heading), fields, errors, submitButton(submit), result);
  whenSubmitted(
    form,
    errors,
    async () => {
      result.textContent = "";
      const answer = await askServer(() => work(form));
      form.reset();
      result.textContent = done(answer) ?? "";
    },
    { busy: "Opening…" },
  );
  return form;
}

function passwordForm() {
  return serverForm({
    id: "change-password",
    heading: "Password",
    fields: [
      requiredField("current-password", "Current password", { type: "password", autocomplete: "current-password" }),
      newPasswordField("changed-password", "New password"),
    ],
    submit: "Change password",
    work: (form) =>
      changePassword({
        currentPassword: form["current-password"].value,
        newPassword: form["changed-password"].value,
      }),
    done: () =>
      "Your password is changed. Your other devices were signed out; anything they had not synced stays on them until you sign in there again.",
  });
}

function recoveryForm() {
  const left = h("p", { id: "codes-left" });
  gql("{ recoveryCodesLeft }").then(
    (data) => {
      const count = data.recoveryCodesLeft;
      left.textContent = `${count} unused recovery ${count === 1 ? "code" : "codes"} left.`;
    },
    () => {},
  );
  return serverForm({
    id: "new-codes",
    heading: "Recovery codes",
    fields: [
      left,
      h("p", {}, "New codes replace the old ones, which stop working."),
      requiredField("codes-password", "Your password", { type: "password", autocomplete: "current-password" }),
    ],
    submit: "Make new codes",
    work: (form) => regenerateRecoveryCodes(form["codes-password"].value),
    done: (codes) => {
      offerCodes(codes, () => go("/account", { replace: true }));
    },
  });
}

export function deleteForm(account) {
  const errors = errorBox();
  // Changes that never reached the account: say so, and that the copies made in
  // Settings come from this device, so they have them.
  const unsynced = h("p", { id: "delete-unsynced" });
  unsyncedCount().then((count) => {
    if (!count) return;
    replace(
      unsynced,
      `${count} ${count === 1 ? "change on this device has" : "changes on this device have"} not reached your account. `,
      account.role === "CLIENT"
        ? [
            "The copies in ",
            h("a", { href: "/settings" }, "Settings"),
            " are made on this device, so they have ",
            count === 1 ? "it." : "them.",
          ]
        : null,
    );
  });
  const form = h(
    "form",
    { class: "stack", id: "delete-account" },
    h(
      "p",
      {},
      account.role === "CLIENT"
        ? "This deletes your account and everything in it from the server, for good: letters, their history, your toolkit and plans. Letters you shared are withdrawn. This device is cleared too."
        : "This deletes your account and everything in it from the server, for good, and ends every link with a client. This device is cleared too.",
    ),
    account.role === "CLIENT"
      ? h("p", {}, "To keep a copy, ", h("a", { href: "/settings" }, "export your data"), " first.")
      : null,
    unsynced,
    requiredField("delete-password", "Your password, to confirm", {
      type: "password",
      autocomplete: "current-password",
    }),
    errors,
    submitButton("Delete my account for good", { class: "danger" }),
  );
  whenSubmitted(
    form,
    errors,
    async () => {
      await askServer(() => deleteAccount(form["delete-password"].value));
      location.assign("/welcome");
    },
    { busy: "Opening…" },
  );
  return h("details", { class: "leaving" }, h("summary", {}, "Delete my account"), form);
}

export function securitySections() {
  return [...sessionsList(), passwordForm(), recoveryForm()];
}
