// Small line icons drawn here, so no icon font and no request to anyone else. Each is
// decorative: the text beside it (or an aria-label) is the name.

const SVG = "http://www.w3.org/2000/svg";

// 24 × 24, drawn with a 2 px stroke in the text colour.
const PATHS = {
  letters: ["M3 6h18v12H3z", "M3 7l9 6 9-6"],
  toolkit: ["M3 8l9-4 9 4v8l-9 4-9-4z", "M3 8l9 4 9-4", "M12 12v8"],
  plans: ["M4 6h16v14H4z", "M4 10h16", "M8 3v5", "M16 3v5"],
  session: ["M6 3h12v18l-6-4-6 4z"],
  account: ["M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z", "M4 21c0-4 4-6 8-6s8 2 8 6"],
  shared: ["M3 13l3-8h12l3 8v6H3z", "M3 13h5l1 3h6l1-3h5"],
  clients: [
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z",
    "M2 20c0-3.5 3-5.5 7-5.5s7 2 7 5.5",
    "M16 4.5a3.5 3.5 0 0 1 0 6.5",
    "M18 14.8c2.4.6 4 2.3 4 5.2",
  ],
  synced: ["M5 12l4 4 10-10"],
  waiting: ["M12 19V6", "M6 11l6-6 6 6"],
  offline: ["M4 4l16 16", "M7 18h10a4 4 0 0 0 1-7.9A6 6 0 0 0 8.4 7.4", "M5.6 9.6A4.5 4.5 0 0 0 7 18"],
  syncing: ["M20 12a8 8 0 0 1-14 5.3", "M4 12a8 8 0 0 1 14-5.3", "M18 3v4h-4", "M6 21v-4h4"],
  problem: ["M12 4l9 16H3z", "M12 10v4", "M12 17v.5"],
  pencil: ["M4 20h4L19 9l-4-4L4 16z", "M13 7l4 4"],
};

export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  for (const [key, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "24",
    height: "24",
    class: "icon",
    "aria-hidden": "true",
    focusable: "false",
  })) {
    svg.setAttribute(key, value);
  }
  for (const d of PATHS[name]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
