// What helped: each noted use of the toolkit, how hard it was before and after, drawn
// as a small hand-made SVG over time, with the same facts as a table. There is no
// total, no average and no streak: it is a picture of what happened, not a score.

import { items, uses } from "../../toolkit.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { setAsideNotice } from "../kit/set-aside.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const HEIGHT = 180;
const PAD = { left: 28, right: 10, top: 10, bottom: 24 };

function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

// Pure layout, so it can be checked without a browser's drawing: x by time, y by
// distress (10 at the top).
export function layout(points) {
  const times = points.map((p) => p.time);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = Math.max(last - first, 1);
  const x = (time) =>
    points.length === 1
      ? (PAD.left + WIDTH - PAD.right) / 2
      : PAD.left + ((time - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => PAD.top + ((10 - value) / 10) * (HEIGHT - PAD.top - PAD.bottom);
  return { x, y, first, last };
}

export function chart(points) {
  const { x, y, first, last } = layout(points);
  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: "chart",
    role: "img",
    "aria-labelledby": "chart-title chart-desc",
    id: "uses-chart",
  });
  svg.append(
    s("title", { id: "chart-title" }, "How hard it was, before and after each use"),
    s(
      "desc",
      { id: "chart-desc" },
      `${points.length} ${points.length === 1 ? "use" : "uses"} from ${fullDate(new Date(first).toISOString())} to ${fullDate(new Date(last).toISOString())}. The table below has each one.`,
    ),
  );
  for (const value of [0, 5, 10]) {
    svg.append(
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: "grid" }),
      s("text", { x: PAD.left - 6, y: y(value) + 4, class: "axis", "text-anchor": "end" }, String(value)),
    );
  }
  svg.append(
    s("text", { x: PAD.left, y: HEIGHT - 6, class: "axis" }, dayFormat.format(first)),
    s("text", { x: WIDTH - PAD.right, y: HEIGHT - 6, class: "axis", "text-anchor": "end" }, dayFormat.format(last)),
  );
  for (const point of points) {
    const px = x(point.time);
    if (point.before != null && point.after != null) {
      svg.append(s("line", { x1: px, x2: px, y1: y(point.before), y2: y(point.after), class: "change" }));
    }
    if (point.before != null) svg.append(s("circle", { cx: px, cy: y(point.before), r: 5, class: "before" }));
    if (point.after != null) svg.append(s("circle", { cx: px, cy: y(point.after), r: 5, class: "after" }));
  }
  return svg;
}

export async function usesView(main) {
  const [all, things] = await Promise.all([uses(), items()]);
  const names = new Map(things.map((thing) => [thing.id, thing.name]));
  const nameOf = (use) => names.get(use.itemId) || use.note || "Something from the toolkit";
  const rated = all
    .filter((use) => use.usedAt && (use.distressBefore != null || use.distressAfter != null))
    .map((use) => ({ time: Date.parse(use.usedAt), before: use.distressBefore, after: use.distressAfter }))
    .sort((a, b) => a.time - b.time);

  // A use noted on two devices at once keeps the other's note; this one's stays in view
  // here, with which use it was, until the person chooses.
  const setAside = all
    .filter((use) => use.conflicts?.length)
    .map((use) =>
      h(
        "div",
        { class: "set-aside-use" },
        h("p", { class: "quiet" }, `The use noted ${fullDate(use.usedAt)}`),
        setAsideNotice("toolkit_use", use, () => usesView(main), `set-aside-${use.id}`),
      ),
    );
  replace(
    main,
    h("p", {}, h("a", { href: "/toolkit" }, "← Toolkit")),
    h("h1", {}, "What helped"),
    setAside,
    all.length
      ? [
          h(
            "p",
            { class: "quiet" },
            "Each time you noted how it felt: an open circle before, a filled one after. Lower is calmer.",
          ),
          rated.length
            ? h("figure", { class: "chart-box" }, chart(rated))
            : h("p", {}, "No before-and-after notes yet; the uses are listed below."),
          h(
            "table",
            { class: "uses-table", id: "uses-table" },
            h("caption", {}, "Every use, newest first"),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, "When"),
                h("th", { scope: "col" }, "What"),
                h("th", { scope: "col" }, "Before"),
                h("th", { scope: "col" }, "After"),
              ),
            ),
            h(
              "tbody",
              {},
              all.map((use) =>
                h(
                  "tr",
                  {},
                  h("td", {}, fullDate(use.usedAt)),
                  h("td", {}, nameOf(use)),
                  h("td", {}, use.distressBefore ?? "–"),
                  h("td", {}, use.distressAfter ?? "–"),
                ),
              ),
            ),
          ),
        ]
      : h("p", {}, "Nothing noted yet. In a box, open a thing and choose “Note that I used it”."),
  );
  return null;
}
