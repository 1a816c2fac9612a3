// Signing in or creating an account. No email; recovery codes instead, shown once.

import { appName, fileName } from "../../lock.js";
import { go } from "../../router.js";
import { recover, register, signIn } from "../../session-state.js";
import { h, notice, replace } from "../kit/dom.js";
import { requiredField } from "../kit/fields.js";
import { errorBox, whenSubmitted } from "../kit/form.js";
import { drawShell } from "../frame/shell.js";
import { button, linkButton, submitButton } from "../kit/button.js";
import { PASSWORD_MIN } from "../../password-rules.js";

// Deriving keys from a password takes about a second, on purpose; the form says so.
const OPENING = { busy: "Opening…", why: "Opening your account on this device. This takes a moment." };

export function newPasswordField(id, label) {
  return requiredField(id, `${label} (at least ${PASSWORD_MIN} characters)`, {
    type: "password",
    autocomplete: "new-password",
    minlength: PASSWORD_MIN,
  });
}

export function signInForm({ username = "", onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "sign-in-heading" },
    h("h2", { id: "sign-in-heading" }, "Sign in"),
    requiredField("username", "Username", { autocomplete: "username", value: username, autocapitalize: "none" }),
    requiredField("password", "Password", { type: "password", autocomplete: "current-password" }),
    errors,
    submitButton("Sign in", { class: "primary" }),
    h("p", { class: "quiet busy-status", role: "status" }),
  );
  whenSubmitted(
    form,
    errors,
    async () => {
      await signIn({ username: form.username.value.trim(), password: form.password.value });
      await onDone();
    },
    OPENING,
  );
  return form;
}

// No email: a recovery code is the way back in, and it sets a new password.
export function recoverForm({ username = "", onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", id: "recover" },
    h("p", {}, "Use one of the recovery codes you saved when you made the account."),
    requiredField("recover-username", "Username", {
      autocomplete: "username",
      autocapitalize: "none",
      value: username,
    }),
    requiredField("recover-code", "Recovery code", {
      autocomplete: "off",
      autocapitalize: "none",
      spellcheck: "false",
    }),
    newPasswordField("recover-password", "New password"),
    errors,
    submitButton("Set the new password and sign in", { class: "primary" }),
    h("p", { class: "quiet busy-status", role: "status" }),
  );
  whenSubmitted(
    form,
    errors,
    async () => {
      await recover({
        username: form["recover-username"].value.trim(),
        recoveryCode: form["recover-code"].value.trim(),
        newPassword: form["recover-password"].value,
      });
      await onDone();
      notice(
        "You are signed in with your new password. That recovery code is used up; you can make new ones in Account.",
        {
          id: "recovered",
        },
      );
    },
    OPENING,
  );
  return h("details", { class: "recover" }, h("summary", {}, "Forgot your password?"), form);
}

function registerForm({ onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "register-heading" },
    h("h2", { id: "register-heading" }, "Create an account"),
    requiredField("new-username", "Username", { autocomplete: "username", autocapitalize: "none" }),
    requiredField("display-name", "Your name, as others would see it", { autocomplete: "nickname" }),
    newPasswordField("new-password", "Password"),
    h(
      "fieldset",
      {},
      h("legend", {}, "I am"),
      h(
        "div",
        { class: "check" },
        h("input", { type: "radio", name: "role", id: "role-client", value: "CLIENT", checked: true }),
        h("label", { for: "role-client" }, "In therapy"),
      ),
      h(
        "div",
        { class: "check" },
        h("input", { type: "radio", name: "role", id: "role-therapist", value: "THERAPIST" }),
        h("label", { for: "role-therapist" }, "A therapist"),
      ),
    ),
    errors,
    submitButton("Create account", { class: "primary" }),
    h("p", { class: "quiet busy-status", role: "status" }),
  );
  whenSubmitted(
    form,
    errors,
    async () => {
      const codes = await register({
        username: form["new-username"].value.trim(),
        displayName: form["display-name"].value.trim(),
        password: form["new-password"].value,
        role: form.role.value,
      });
      await offerCodes(codes, onDone);
    },
    { busy: "Creating…", why: "Making your account's keys on this device. This takes a moment." },
  );
  return form;
}

// Codes not yet confirmed as saved. They stay in memory, never on disk, so that a
// lock, a quick hide or any redraw shows them again instead of losing them.
let unsaved = null;

export function offerCodes(codes, then) {
  unsaved = { codes, then };
  return go("/codes");
}

export function codesView(main) {
  if (unsaved) {
    const file = showCodes(main, unsaved.codes, async () => {
      const { then } = unsaved;
      unsaved = null;
      await then();
    });
    return { leave: () => URL.revokeObjectURL(file) };
  }
  replace(
    main,
    h("h1", {}, "Recovery codes"),
    h("p", {}, "Recovery codes are shown only once. You can make new ones on the Account screen."),
    linkButton("Account", "/account"),
  );
  return null;
}

function showCodes(main, codes, onDone) {
  const text = `${appName()} recovery codes\nEach works once, to set a new password if you forget yours.\n\n${codes.join("\n")}\n`;
  const file = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const copy = button("Copy them");
  copy.addEventListener("click", async () => {
    await navigator.clipboard.writeText(text);
    copy.textContent = "Copied";
  });
  // Going on needs a yes: the codes are never shown again.
  const kept = h("input", { type: "checkbox", id: "codes-kept" });
  const done = button("Go on", { class: "primary", id: "codes-done", disabled: true });
  kept.addEventListener("change", () => {
    done.disabled = !kept.checked;
  });
  done.addEventListener("click", onDone);
  replace(
    main,
    h("h1", { tabindex: "-1" }, "Your recovery codes"),
    h(
      "p",
      {},
      "There is no email on this account. If you forget your password, one of these codes opens your account and your words, and lets you set a new password. They are shown only now. Keep them somewhere only you can reach.",
    ),
    h(
      "p",
      { class: "notice", id: "codes-warning" },
      "Your password and these codes are the only ways into your account. If you lose both, no one can open it again, and the words in it are gone.",
    ),
    h(
      "ol",
      { class: "codes", id: "recovery-codes" },
      codes.map((code) => h("li", {}, h("code", {}, code))),
    ),
    h("div", { class: "row" }, linkButton("Save as a file", file, { download: fileName("codes") }), copy),
    h("div", { class: "check" }, kept, h("label", { for: "codes-kept" }, "I have saved these codes somewhere safe")),
    h("div", { class: "row" }, done),
  );
  main.querySelector("h1").focus();
  return file;
}

// On a new device the usual first step is a new account, so it comes first; signing in
// is below it. A new account ends on the writing screen, ready to type.
export function welcomeView(main) {
  const onDone = async () => {
    await drawShell();
    await go("/", { replace: true });
  };
  const onCreated = async () => {
    await onDone();
    document.getElementById("capture")?.focus();
  };
  const signIn = signInForm({ onDone });
  // Someone coming back to a new phone need not hunt for the way in.
  const toSignIn = button("I already have an account", { class: "quiet", id: "to-sign-in" });
  toSignIn.addEventListener("click", () => {
    signIn.scrollIntoView({ block: "start" });
    signIn.username.focus();
  });
  replace(
    main,
    h("h1", {}, "Between"),
    h(
      "p",
      {},
      "A quiet place for the time between sessions. What you write here is private, and stays on this device even without a connection.",
    ),
    h("div", { class: "row" }, toSignIn),
    registerForm({ onDone: onCreated }),
    signIn,
    recoverForm({ onDone }),
  );
  return null;
}
