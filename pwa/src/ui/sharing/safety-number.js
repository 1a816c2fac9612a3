// A link's safety number: 60 digits made from both people's keys, shown the same on
// both of their screens, and a QR code of the same digits. They compare it together at
// their next session and either of them can mark it compared. It says nothing about
// whether the other person is here, reading, or ever looked.

import { links } from "../../sharing.js";
import { linkSafety, markCompared } from "../../key-pairs.js";
import { me } from "../../me.js";
import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { button, tryAgain } from "../kit/button.js";
import { errorBox } from "../kit/form.js";
import { problem } from "./share-words.js";

const QR = new URL("../../../vendor/qrcode-generator/qrcode.mjs", import.meta.url);
const SVG = "http://www.w3.org/2000/svg";

// The QR code as an SVG drawn from the encoder's modules (no markup strings), on white
// with its quiet zone, so it scans in dark mode too.
async function qrCode(text, label) {
  const { default: qrcode } = await import(QR.href);
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const margin = 4;
  const size = count + 2 * margin;
  let path = "";
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (code.isDark(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("class", "safety-qr");
  svg.id = "safety-qr";
  svg.dataset.modules = String(count);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", path);
  dark.setAttribute("fill", "#000");
  svg.append(background, dark);
  return svg;
}

export async function safetyNumberView(main, linkId) {
  const account = await me();
  const words = account.role === "CLIENT" ? await wording() : undefined;
  const message = errorBox("safety-problem");
  const body = h("div", { id: "safety-body" });
  const back = h("p", {}, h("a", { href: "/connect" }, account.role === "CLIENT" ? "← Connected" : "← Your clients"));
  const heading = h("h1", {}, "Safety number");
  replace(main, back, heading, message, body);

  async function draw() {
    message.textContent = "";
    replace(body, h("p", { class: "quiet", "aria-live": "polite" }, "Working out the number…"));
    try {
      const link = (await links()).find((each) => each.id === linkId);
      if (!link) {
        replace(body, h("p", { id: "safety-missing" }, "This connection has ended, so there is no number to compare."));
        return;
      }
      heading.textContent = `Safety number with ${link.personName}`;
      const safety = await linkSafety(link);
      replace(body, safety.missing ? missing(link) : await shown(link, safety));
    } catch (error) {
      message.textContent = problem(error, words);
      replace(body, tryAgain(draw, { id: "safety-retry" }));
    }
  }

  const missing = (link) =>
    h(
      "p",
      { id: "safety-missing" },
      `The number appears once ${link.personName}'s app has made its keys, the next time they open Between. Nothing needs doing until then.`,
    );

  async function shown(link, safety) {
    const groups = safety.grouped.split(" ");
    const state = h("div", { id: "safety-state", role: "status" });
    const drawState = (compared) => {
      if (compared) {
        replace(
          state,
          h("p", { class: "plain-fact" }, `You compared this number with ${link.personName}.`),
          h(
            "p",
            { class: "quiet" },
            "If either of your keys changes, this page will say so and ask you to compare again.",
          ),
        );
        return;
      }
      const mark = button("We compared it: the numbers are the same", { class: "primary", id: "mark-compared" });
      mark.addEventListener("click", async () => {
        mark.disabled = true;
        message.textContent = "";
        try {
          await markCompared(link, safety.number);
          drawState(true);
        } catch (error) {
          message.textContent = problem(error, words);
          mark.disabled = false;
        }
      });
      replace(
        state,
        safety.changed
          ? h(
              "p",
              { id: "safety-changed" },
              `This number is new since you last saw it. That happens when you or ${link.personName} set up keys again, for example on a new phone. Nothing has been shared because of it. You can compare the new number at your next session.`,
            )
          : h("p", { class: "quiet" }, "Not compared yet."),
        h(
          "p",
          { class: "quiet" },
          `If the numbers are not the same, don't mark it. Nothing is lost: talk it over with ${link.personName} first.`,
        ),
        h("div", { class: "row" }, mark),
      );
    };
    drawState(safety.compared);
    return [
      h(
        "p",
        {},
        `This number is made from your keys and ${link.personName}'s. When it is the same on both of your screens, the app is using each other's real keys, not anyone else's. Compare it together at your next session: read it aloud, or scan the code with the other phone's camera.`,
      ),
      h(
        "p",
        { class: "safety-number", id: "safety-number" },
        groups.map((group) => h("span", {}, group)),
      ),
      await qrCode(safety.grouped, `A QR code of the same safety number, ${safety.grouped}`),
      state,
    ];
  }

  await draw();
  return null;
}
