// Two versions of a letter's words, after it was changed on two devices at once and
// the changes could not be joined (rebase.js): the words in the letter now and the
// words set aside, each with where and when it was written, and the lines that differ
// marked, with a word as well as a colour. One section for each set of set-aside
// words, until the person chooses; loaded only when a letter has one.

import { diffComm } from "../../../vendor/node-diff3/diff3.mjs";
import { chooseVersion, editedOn, versionGroups } from "../../letters.js";
import { MAX_LINES, MAX_PAIRS, equalPairs } from "../../merge.js";
import { h } from "../kit/dom.js";
import { button } from "../kit/button.js";
import { provenance } from "../kit/provenance.js";

// Lines kept in view either side of a difference; longer runs of the same lines fold.
const CONTEXT = 1;

// A letter's paragraphs: blank lines are left out, so spacing is not a difference.
const linesOf = (text) =>
  String(text ?? "")
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(Boolean);

const same = (text) => ({ kind: "same", text });

function fold(lines, first, last) {
  const head = first ? 0 : CONTEXT;
  const tail = last ? 0 : CONTEXT;
  if (lines.length <= head + tail + 1) return lines.map(same);
  return [
    ...lines.slice(0, head).map(same),
    { kind: "gap", count: lines.length - head - tail },
    ...lines.slice(lines.length - tail).map(same),
  ];
}

// The two texts as one list of rows: {kind: "same" | "this" | "other", text}, or
// {kind: "gap", count} for lines the same in both, folded. Consecutive lines only in
// one version are one row ({kind, lines}).
export function lineDiff(current, other) {
  const [a, b] = [linesOf(current), linesOf(other)];
  const blocks =
    // Past the merge's bounds the alignment would hold the page: the two are shown whole.
    Math.max(a.length, b.length) > MAX_LINES || equalPairs(a, b) > MAX_PAIRS
      ? [{ buffer1: a, buffer2: b }]
      : a.length || b.length
        ? diffComm(a, b)
        : [];
  const rows = [];
  for (const [index, block] of blocks.entries()) {
    if (block.common) {
      rows.push(...fold(block.common, index === 0, index === blocks.length - 1));
      continue;
    }
    if (block.buffer1.length) rows.push({ kind: "this", lines: block.buffer1 });
    if (block.buffer2.length) rows.push({ kind: "other", lines: block.buffer2 });
  }
  return rows;
}

const CUES = { this: "Only in this version", other: "Only in the other version" };

function drawDiff(current, other) {
  const rows = lineDiff(current, other);
  if (!rows.some((row) => row.kind === "this" || row.kind === "other")) {
    return h("p", { class: "quiet" }, "The two differ only in spacing.");
  }
  return h(
    "ol",
    { class: "line-diff" },
    rows.map((row) => {
      if (row.kind === "same") return h("li", { class: "same" }, row.text);
      if (row.kind === "gap") {
        return h("li", { class: "gap" }, `… ${row.count} ${row.count === 1 ? "line" : "lines"} the same in both`);
      }
      return h(
        "li",
        { class: `only-${row.kind}` },
        h("span", { class: "cue" }, CUES[row.kind]),
        row.lines.map((line) => h("mark", {}, line)),
      );
    }),
  );
}

const NAMES = { title: "The title", body: "The letter" };

// One set of set-aside words: the two versions and the three choices.
function versionSection(letter, group, { index, count, here, before, chosen }) {
  const id = `versions-${index}`;
  const fields = ["title", "body"].filter((field) => group.some((conflict) => conflict.field === field));
  const [first] = group;
  const choose = (choice) => async () => {
    await before();
    await chosen(await chooseVersion(letter.id, group, choice));
  };
  const key = (name, where, kind) =>
    h("div", { class: `key-${kind}` }, h("dt", {}, h("span", { class: "cue" }, name)), h("dd", {}, where));
  return h(
    "section",
    { class: "conflict two-versions", id, "aria-labelledby": `${id}-heading` },
    h(
      "h2",
      { id: `${id}-heading` },
      count > 1 ? `Two versions of this letter (${index + 1} of ${count})` : "Two versions of this letter",
    ),
    h(
      "p",
      {},
      "It was changed on two devices at once, in the same place. Both versions are kept: nothing is lost, whichever you choose.",
    ),
    h(
      "dl",
      { class: "version-key" },
      key("This version", `in the letter now, from ${provenance(letter.editedOn, letter.editedAt, here)}`, "this"),
      key("The other version", `set aside, from ${provenance(first, first.editedAt ?? first.at, here)}`, "other"),
    ),
    fields.map((field) => {
      const conflict = group.find((c) => c.field === field);
      return [
        fields.length > 1 || field === "title" ? h("h3", {}, NAMES[field]) : null,
        drawDiff(letter[field], conflict.mine),
      ];
    }),
    h(
      "div",
      { class: "row" },
      button("Keep this version", { onClick: choose("this") }),
      button("Keep the other version", { onClick: choose("other") }),
      button("Keep both, as two letters", { onClick: choose("both") }),
    ),
  );
}

// Every set of set-aside words on `letter`, oldest first. `before()` runs before a
// choice is saved (what is being typed is saved first); `chosen(copyId)` after, with
// the new letter's id after "keep both".
export async function versionsArea(letter, { before, chosen }) {
  const groups = versionGroups(letter);
  const here = await editedOn();
  return groups.map((group, index) =>
    versionSection(letter, group, { index, count: groups.length, here, before, chosen }),
  );
}
