// Buttons, made in one place: each has a type, so that none submits a form by
// accident; `class` takes the kinds the style sheet knows ("primary", "quiet", "danger").

import { h } from "./dom.js";

export function button(text, { onClick, ...props } = {}) {
  return h("button", { type: "button", onclick: onClick, ...props }, text);
}

export function submitButton(text, props = {}) {
  return h("button", { type: "submit", ...props }, text);
}

// After a failed request: one way to try again, in a row of its own.
export function tryAgain(onClick, props = {}) {
  return h("div", { class: "row" }, button("Try again", { onClick, ...props }));
}

// A link that looks like a button: it goes somewhere (another screen, a file, a call).
export function linkButton(text, href, { class: kind = "", ...props } = {}) {
  return h("a", { href, class: `button ${kind}`.trim(), ...props }, text);
}
