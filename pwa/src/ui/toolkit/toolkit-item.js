// One thing in a box. Opening it shows it calmly: the sense it serves, what it feels
// like, where it is kept, what it is linked to, and "I used this". Changing it (name,
// those words, the sense, whether it was agreed with the therapist) is a step away, at
// /toolkit/items/<id>/edit, where each field saves as it is typed.

import { go } from "../../router.js";
import { SENSES, box as loadBox, deleteItem, editItem, item as loadItem, uses } from "../../toolkit.js";
import { wording } from "../../wording.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { checkField, fieldSaver, selectField, textArea, textField } from "../kit/fields.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { useLogger } from "./use-log.js";
import { button, linkButton } from "../kit/button.js";

const agreedWith = (words) => `Agreed with ${words.therapist === "my T" ? "my T" : `my ${words.therapist}`}`;

function notFound(main) {
  replace(
    main,
    h("h1", {}, "Not found"),
    h("p", {}, "This is not on this device."),
    h("a", { href: "/toolkit" }, "Back to the toolkit"),
  );
  return null;
}

function recentUses(id) {
  const list = h("ul", { class: "uses", id: "item-uses" });
  async function draw() {
    const mine = (await uses()).filter((use) => use.itemId === id).slice(0, 10);
    replace(
      list,
      mine.map((use) =>
        h(
          "li",
          {},
          fullDate(use.usedAt),
          use.distressBefore != null || use.distressAfter != null
            ? ` · before ${use.distressBefore ?? "–"}, after ${use.distressAfter ?? "–"}`
            : "",
        ),
      ),
    );
  }
  return { list, draw };
}

export async function itemView(main, id) {
  const thing = await loadItem(id);
  if (!thing) return notFound(main);
  const [words, box] = await Promise.all([wording(), thing.boxId ? loadBox(thing.boxId) : null]);
  const back = thing.boxId ? `/toolkit/boxes/${thing.boxId}` : "/toolkit";
  const fact = (label, text) => (text?.trim() ? [h("dt", {}, label), h("dd", { class: "version-text" }, text)] : null);
  const facts = [
    fact("What it feels like", thing.feelsLike),
    fact("Where it is kept", thing.keptAt),
    fact("What it is linked to", thing.linkedTo),
    fact("Anything else", thing.note),
  ].filter(Boolean);
  const recent = recentUses(id);
  replace(
    main,
    h("p", {}, h("a", { href: back }, `← ${box?.name || "The box"}`)),
    h("h1", {}, thing.name || "Something in the box"),
    setAsideNotice("toolkit_item", thing, () => go(location.pathname)),
    h(
      "p",
      { class: "tags" },
      thing.sense ? h("span", { class: "sense" }, SENSES[thing.sense] ?? thing.sense) : null,
      thing.agreedWithTherapist ? h("span", { class: "mark" }, agreedWith(words)) : null,
    ),
    facts.length
      ? h("dl", { class: "facts" }, facts)
      : h(
          "p",
          { class: "quiet" },
          "Nothing written about it yet. You can add what it feels like and where it is kept.",
        ),
    h("p", {}, linkButton("Change these words", `/toolkit/items/${id}/edit`, { id: "edit-item" })),
    useLogger({ itemId: id, onLogged: recent.draw }),
    recent.list,
    h("p", {}, h("a", { href: "/toolkit/uses" }, "What helped, over time")),
  );
  await recent.draw();
  return null;
}

export async function itemEditView(main, id) {
  const initial = await loadItem(id);
  if (!initial) return notFound(main);
  const words = await wording();
  const name = textField("item-name", "Name", initial.name, { maxlength: 200 });
  const feelsLike = textArea("feels-like", "What it feels like", initial.feelsLike, { maxlength: 2000 });
  const linkedTo = textArea("linked-to", "What it is linked to", initial.linkedTo, { maxlength: 2000 });
  const keptAt = textField("kept-at", "Where it is kept", initial.keptAt, { maxlength: 500 });
  const sense = selectField("sense", "The sense it serves", { "": "Not said", ...SENSES }, initial.sense ?? "");
  const agreed = checkField("agreed", agreedWith(words), initial.agreedWithTherapist);
  const note = textArea("item-note", "Anything else", initial.note, { maxlength: 5000 });
  const saved = h("p", { class: "quiet", id: "item-saved", "aria-live": "polite" });
  const form = h(
    "form",
    { onsubmit: (event) => event.preventDefault() },
    name.element,
    feelsLike.element,
    linkedTo.element,
    keptAt.element,
    sense.element,
    agreed.element,
    note.element,
    saved,
  );
  const saver = fieldSaver(
    form,
    () => ({
      name: name.input.value,
      feelsLike: feelsLike.input.value,
      linkedTo: linkedTo.input.value,
      keptAt: keptAt.input.value,
      sense: sense.input.value || null,
      agreedWithTherapist: agreed.input.checked,
      note: note.input.value,
    }),
    (changes) => editItem(id, changes),
    saved,
  );
  const removeItem = button("Delete this", { class: "quiet" });
  removeItem.addEventListener("click", async () => {
    if (!confirm(`Delete “${name.input.value || "this"}” from the box?`)) return;
    await saver.flush();
    await deleteItem(id);
    go(initial.boxId ? `/toolkit/boxes/${initial.boxId}` : "/toolkit");
  });

  replace(
    main,
    h("p", {}, h("a", { href: `/toolkit/items/${id}` }, `← ${initial.name || "Back"}`)),
    h("h1", {}, initial.name || "Something in the box"),
    form,
    h(
      "div",
      { class: "row" },
      linkButton("Done", `/toolkit/items/${id}`, { class: "primary", id: "item-done" }),
      removeItem,
    ),
  );
  return { leave: () => saver.leave() };
}
