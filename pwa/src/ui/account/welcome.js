// Signing in or creating an account. No email; recovery codes instead, shown once.

import { appName, fileName } from "../../lock.js";
import { go } from "../../router.js";
import { recover, register, signIn } from "../../session-state.js";
import { h, notice, replace } from "../kit/dom.js";
import { drawShell } from "../frame/shell.js";

// The server's own rule; it also refuses the most common passwords, and says so.
const PASSWORD_MIN = 8;

export function field(id, label, attributes = {}) {
  return [h("label", { for: id }, label), h("input", { id, name: id, required: true, ...attributes })];
}

export function newPasswordField(id, label) {
  return field(id, `${label} (at least ${PASSWORD_MIN} characters)`, {
    type: "password",
    autocomplete: "new-password",
    minlength: PASSWORD_MIN,
  });
}

export function errorBox() {
  return h("p", { class: "form-error", role: "alert" });
}

// While the server works (a password takes it a moment, on purpose), the button says
// what is happening instead of only greying out, and a form's status line (if it has
// one) says it for screen readers too.
export async function submitting(form, errors, work, { busy = null, why = "" } = {}) {
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector(".busy-status");
  const label = button.textContent;
  button.disabled = true;
  if (busy) button.textContent = busy;
  if (status) status.textContent = why;
  errors.textContent = "";
  try {
    await work();
  } catch (error) {
    errors.textContent = error.message;
  } finally {
    button.disabled = false;
    button.textContent = label;
    if (status) status.textContent = "";
  }
}

export function signInForm({ username = "", onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "sign-in-heading" },
    h("h2", { id: "sign-in-heading" }, "Sign in"),
    field("username", "Username", { autocomplete: "username", value: username, autocapitalize: "none" }),
    field("password", "Password", { type: "password", autocomplete: "current-password" }),
    errors,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, errors, async () => {
      await signIn({ username: form.username.value.trim(), password: form.password.value });
      await onDone();
    }, { busy: "Signing in…" });
  });
  return form;
}

// No email: a recovery code is the way back in, and it sets a new password.
export function recoverForm({ username = "", onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", id: "recover" },
    h("p", {}, "Use one of the recovery codes you saved when you made the account."),
    field("recover-username", "Username", { autocomplete: "username", autocapitalize: "none", value: username }),
    field("recover-code", "Recovery code", { autocomplete: "off", autocapitalize: "none", spellcheck: "false" }),
    newPasswordField("recover-password", "New password"),
    errors,
    h("button", { type: "submit", class: "primary" }, "Set the new password and sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, errors, async () => {
      await recover({
        username: form["recover-username"].value.trim(),
        recoveryCode: form["recover-code"].value.trim(),
        newPassword: form["recover-password"].value,
      });
      await onDone();
      notice("You are signed in with your new password. That recovery code is used up; you can make new ones in Account.", {
        id: "recovered",
      });
    });
  });
  return h("details", { class: "recover" }, h("summary", {}, "Forgot your password?"), form);
}

function registerForm({ onDone }) {
  const errors = errorBox();
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "register-heading" },
    h("h2", { id: "register-heading" }, "Create an account"),
    field("new-username", "Username", { autocomplete: "username", autocapitalize: "none" }),
    field("display-name", "Your name, as others would see it", { autocomplete: "nickname" }),
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
    h("button", { type: "submit", class: "primary" }, "Create account"),
    h("p", { class: "quiet busy-status", role: "status" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, errors, async () => {
      const codes = await register({
        username: form["new-username"].value.trim(),
        displayName: form["display-name"].value.trim(),
        password: form["new-password"].value,
        role: form.role.value,
      });
      await offerCodes(codes, onDone);
    }, { busy: "Creating…", why: "Making your account. Keeping a password safe takes a few seconds." });
  });
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
    h("a", { href: "/account", class: "button" }, "Account"),
  );
  return null;
}

function showCodes(main, codes, onDone) {
  const text = `${appName()} recovery codes\nEach works once, to set a new password if you forget yours.\n\n${codes.join("\n")}\n`;
  const file = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const copy = h("button", { type: "button" }, "Copy them");
  copy.addEventListener("click", async () => {
    await navigator.clipboard.writeText(text);
    copy.textContent = "Copied";
  });
  const done = h("button", { type: "button", class: "primary" }, "I have saved them");
  done.addEventListener("click", onDone);
  replace(
    main,
    h("h1", { tabindex: "-1" }, "Your recovery codes"),
    h(
      "p",
      {},
      "There is no email on this account. If you forget your password, one of these codes lets you set a new one. They are shown only now. Keep them somewhere only you can reach.",
    ),
    h("ol", { class: "codes", id: "recovery-codes" }, codes.map((code) => h("li", {}, h("code", {}, code)))),
    h(
      "div",
      { class: "row" },
      h("a", { href: file, download: fileName("codes"), class: "button" }, "Save as a file"),
      copy,
    ),
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
  const toSignIn = h("button", { type: "button", class: "quiet", id: "to-sign-in" }, "I already have an account");
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
