// A form's error box, and sending a form while saying what is happening.

import { h } from "./dom.js";

// Empty, and so hidden by the style sheet, until something goes wrong; as an alert it
// is read out when it fills.
export function errorBox(id = null, className = "") {
  return h("p", { class: `form-error ${className}`.trim(), role: "alert", id });
}

// While the server works (a password takes it a moment, on purpose), the button says
// what is happening instead of only greying out, and a form's status line (if it has
// one) says it for screen readers too. What goes wrong is said in `errors`.
async function submitting(form, errors, work, { busy = null, why = "" } = {}) {
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

// Sending `form` runs `work`, as `submitting` says, instead of leaving the page.
export function whenSubmitted(form, errors, work, options) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, errors, work, options);
  });
}
