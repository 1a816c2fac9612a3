// Form pieces for the toolkit, plans and settings screens, and a saver that writes
// only the fields that changed, as the person types (through autosave.js).

import { autosave } from "./autosave.js";
import { linkButton } from "./button.js";
import { h } from "./dom.js";

// Strings compare directly; lists and objects by their JSON.
export const sameValue = (a, b) =>
  typeof a === "string" || typeof b === "string" ? a === b : JSON.stringify(a) === JSON.stringify(b);

export function changedFields(now, before) {
  const changes = {};
  for (const [name, value] of Object.entries(now)) {
    if (!sameValue(value, before[name])) changes[name] = value;
  }
  return changes;
}

// `read()` gives the form's fields; `write(changes)` saves them. Every input and
// change event inside `form` saves.
export function fieldSaver(form, read, write, note = null) {
  let last = read();
  const saver = autosave(async () => {
    const now = read();
    const changes = changedFields(now, last);
    if (!Object.keys(changes).length) return;
    await write(changes);
    last = now;
    if (note) note.textContent = "Saved on this device.";
  });
  form.addEventListener("input", () => saver.touch());
  form.addEventListener("change", () => saver.touch());
  return {
    touch: () => saver.touch(),
    flush: () => saver.flush(),
    async leave() {
      await saver.flush();
      saver.stop();
    },
    // What another device changed is now the baseline.
    forget() {
      last = read();
    },
    unchanged: () => Object.keys(changedFields(read(), last)).length === 0,
  };
}

export function textField(id, label, value = "", props = {}) {
  const input = h("input", { id, type: "text", value, ...props });
  return { input, element: [h("label", { for: id }, label), input] };
}

// A field a form cannot be sent without; the form reads it by its id (`form[id]`).
export function requiredField(id, label, props = {}) {
  return textField(id, label, "", { name: id, required: true, ...props }).element;
}

export function textArea(id, label, value = "", props = {}) {
  const input = h("textarea", { id, rows: 3, value, ...props });
  return { input, element: [h("label", { for: id }, label), input] };
}

export function selectField(id, label, options, value) {
  const input = h(
    "select",
    { id },
    Object.entries(options).map(([key, text]) => h("option", { value: key, selected: key === value }, text)),
  );
  return { input, element: [h("label", { for: id }, label), input] };
}

export function checkField(id, label, checked) {
  const input = h("input", { id, type: "checkbox", checked });
  return { input, element: h("div", { class: "check" }, input, h("label", { for: id }, label)) };
}

export function telLink(number, text = `Call ${number}`, kind = "") {
  return linkButton(text, `tel:${number.replace(/[^\d+]/g, "")}`, { class: kind });
}

export function smsLink(number, body, text, kind = "") {
  const to = number.replace(/[^\d+]/g, "");
  return linkButton(text, body ? `sms:${to}?body=${encodeURIComponent(body)}` : `sms:${to}`, { class: kind });
}
