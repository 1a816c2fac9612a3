// One thing in a box: what it feels like, what it is linked to, where it is kept, the
// sense it serves, and whether it was agreed with the therapist. And "I used this".

import { go } from "../router.js";
import { SENSES, deleteItem, editItem, item as loadItem, uses } from "../toolkit.js";
import { wording } from "../wording.js";
import { fullDate, h, replace } from "./dom.js";
import { checkField, fieldSaver, selectField, textArea, textField } from "./fields.js";
import { useLogger } from "./use-log.js";

export async function itemView(main, id) {
  const initial = await loadItem(id);
  if (!initial) {
    replace(main, h("h1", {}, "Not found"), h("p", {}, "This is not on this device."), h("a", { href: "/toolkit" }, "Back to the toolkit"));
    return null;
  }
  const words = await wording();
  const name = textField("item-name", "Name", initial.name, { maxlength: 200 });
  const feelsLike = textArea("feels-like", "What it feels like", initial.feelsLike, { maxlength: 2000 });
  const linkedTo = textArea("linked-to", "What it is linked to", initial.linkedTo, { maxlength: 2000 });
  const keptAt = textField("kept-at", "Where it is kept", initial.keptAt, { maxlength: 500 });
  const sense = selectField("sense", "The sense it serves", { "": "Not said", ...SENSES }, initial.sense ?? "");
  const agreed = checkField("agreed", `Agreed with ${words.therapist === "my T" ? "my T" : `my ${words.therapist}`}`, initial.agreedWithTherapist);
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
  const recent = h("ul", { class: "uses", id: "item-uses" });
  async function drawUses() {
    const mine = (await uses()).filter((use) => use.itemId === id).slice(0, 10);
    replace(
      recent,
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
  const removeItem = h("button", { type: "button", class: "quiet" }, "Delete this");
  removeItem.addEventListener("click", async () => {
    if (!confirm(`Delete “${name.input.value || "this"}” from the box?`)) return;
    await saver.flush();
    await deleteItem(id);
    go(initial.boxId ? `/toolkit/boxes/${initial.boxId}` : "/toolkit");
  });

  replace(
    main,
    h("p", {}, h("a", { href: initial.boxId ? `/toolkit/boxes/${initial.boxId}` : "/toolkit" }, "← The box")),
    h("h1", {}, initial.name || "Something in the box"),
    form,
    useLogger({ itemId: id, onLogged: drawUses }),
    recent,
    h("p", {}, h("a", { href: "/toolkit/uses" }, "What helped, over time")),
    h("div", { class: "row" }, removeItem),
  );
  await drawUses();
  return { leave: () => saver.leave() };
}
