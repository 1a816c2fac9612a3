// A small helper to build the DOM without HTML strings (the CSP allows no inline code,
// and text from letters must never be parsed as markup).

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "value") element.value = value;
    else if (name === "checked") element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

const minute = 60_000;
// Made once: building a formatter per list item is what makes a long list slow.
const formatter = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

// "just now", "5 minutes ago", "yesterday", then the date.
export function when(iso) {
  if (!iso) return "";
  const then = new Date(iso);
  const ago = Date.now() - then.getTime();
  if (ago < minute) return "just now";
  if (ago < 60 * minute) return formatter.format(-Math.round(ago / minute), "minute");
  if (ago < 24 * 60 * minute) return formatter.format(-Math.round(ago / (60 * minute)), "hour");
  if (ago < 2 * 24 * 60 * minute) return formatter.format(-1, "day");
  return dateFormat.format(then);
}

export function fullDate(iso) {
  return iso ? dateTimeFormat.format(new Date(iso)) : "";
}

let noticeId = 0;

// A quiet message at the top; actions are buttons, never a timer that hides words.
export function notice(text, { actions = [], id = `notice-${++noticeId}`, tone = "calm" } = {}) {
  const area = document.getElementById("notices");
  document.getElementById(id)?.remove();
  const box = h(
    "div",
    { class: `notice ${tone}`, id, role: tone === "alert" ? "alert" : "status" },
    h("p", {}, text),
    actions.length ? h("div", { class: "row" }, actions) : null,
  );
  area.append(box);
  return box;
}

export function dismiss(id) {
  document.getElementById(id)?.remove();
}
