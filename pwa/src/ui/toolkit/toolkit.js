// The toolkit: the exercises first, then boxes of real things (a texture box is
// offered on first use), words to carry, and what helped.

import { move } from "../../records.js";
import { go } from "../../router.js";
import { bus } from "../../sync.js";
import { unopenedNotice } from "../frame/sync-status.js";
import {
  SENSES,
  TOOLKIT_KINDS,
  box as loadBox,
  boxes,
  cards,
  createBox,
  createItem,
  deleteBox,
  editBox,
  items,
  uses,
} from "../../toolkit.js";
import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { fieldSaver, textArea, textField } from "../kit/fields.js";
import { reorderButtons } from "../kit/reorder.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { button, submitButton } from "../kit/button.js";

const TEXTURE_NOTE = "Real things to touch: a ribbon, a feather, a smooth stone, a piece of cloth.";

// Up and down for a record of `kind` in `list`, as shown; the screen is drawn again.
export function reorderRecord(kind, list, index, name, redraw) {
  return reorderButtons(name, index, list.length, async (by) => {
    await move(kind, list, index, by);
    await redraw();
  });
}

function firstUse(draw) {
  const name = textField("new-box-name", "Or name a box of your own", "", {
    maxlength: 100,
    placeholder: "Songs we agreed on",
  });
  return h(
    "section",
    { class: "offer", "aria-labelledby": "start-heading" },
    h("h2", { id: "start-heading" }, "Start with a texture box?"),
    h("p", {}, `${TEXTURE_NOTE} Write down what each one feels like, and where it is kept.`),
    h(
      "div",
      { class: "row" },
      button("Start a texture box", {
        class: "primary",
        id: "start-texture-box",
        onClick: async () => {
          await createBox("Texture box", TEXTURE_NOTE);
          await draw();
        },
      }),
    ),
    boxForm(name, draw),
  );
}

function boxForm(name, draw) {
  return h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!name.input.value.trim()) return;
        await createBox(name.input.value.trim());
        await draw();
      },
    },
    name.element,
    submitButton("Make this box"),
  );
}

// The two exercises come first: in a bad moment they are what is needed, and they ask
// for nothing to be set up.
function exercises() {
  return h(
    "section",
    { "aria-labelledby": "exercises-heading" },
    h("h2", { id: "exercises-heading", class: "visually-hidden" }, "Exercises"),
    h(
      "ul",
      { class: "exercises" },
      h(
        "li",
        {},
        h(
          "a",
          { href: "/toolkit/breathe", class: "exercise", id: "to-breathe" },
          h("span", { class: "exercise-name" }, "Breathing"),
          h("span", { class: "quiet" }, "A slow pace to follow, eyes open or closed"),
        ),
      ),
      h(
        "li",
        {},
        h(
          "a",
          { href: "/toolkit/ground", class: "exercise", id: "to-ground" },
          h("span", { class: "exercise-name" }, "5-4-3-2-1 grounding"),
          h("span", { class: "quiet" }, "Back to here, one sense at a time"),
        ),
      ),
    ),
    h("p", { class: "quiet" }, "Both work offline."),
  );
}

export async function toolkitView(main) {
  const area = h("div", {});
  const words = await wording();

  async function draw() {
    const [allBoxes, allItems, allCards, allUses] = await Promise.all([boxes(), items(), cards(), uses()]);
    const newBox = textField("another-box", "Name", "", { maxlength: 100 });
    replace(
      area,
      exercises(),
      allBoxes.length
        ? h(
            "section",
            { "aria-labelledby": "boxes-heading" },
            h("h2", { id: "boxes-heading" }, "Your boxes"),
            h(
              "ul",
              { class: "cards", id: "box-list" },
              allBoxes.map((entry, index) => {
                const count = allItems.filter((i) => i.boxId === entry.id).length;
                const name = entry.name || "A box";
                return h(
                  "li",
                  { class: "card" },
                  h("a", { href: `/toolkit/boxes/${entry.id}`, class: "card-link" }, name),
                  h(
                    "p",
                    { class: "quiet" },
                    count ? `${count} ${count === 1 ? "thing" : "things"}` : "Nothing in it yet",
                  ),
                  reorderRecord("toolkit_box", allBoxes, index, name, draw),
                );
              }),
            ),
            h("details", {}, h("summary", {}, "Make another box"), boxForm(newBox, draw)),
          )
        : firstUse(draw),
      h(
        "section",
        { "aria-labelledby": "words-heading" },
        h("h2", { id: "words-heading" }, "Words to carry"),
        h(
          "p",
          {},
          allCards[0]?.text ? h("span", { class: "carry" }, allCards[0].text) : "Short sentences to keep close.",
        ),
        h(
          "p",
          {},
          h(
            "a",
            { href: "/toolkit/words" },
            allCards.length ? `All your words (${allCards.length})` : "Add words to carry",
          ),
        ),
      ),
      h(
        "section",
        { "aria-labelledby": "helped-heading" },
        h("h2", { id: "helped-heading" }, "What helped"),
        h(
          "p",
          {},
          allUses.length
            ? h("a", { href: "/toolkit/uses" }, "See the times you used your toolkit")
            : `When you use something, you can note how you felt before and after. It is only for you, ${words.innerChild ? "and for the younger parts of you, " : ""}to see what works.`,
        ),
      ),
    );
  }

  await draw();
  const unopened = unopenedNotice(TOOLKIT_KINDS);
  replace(main, h("h1", {}, "Toolkit"), unopened.element, area);
  bus.addEventListener("records", draw);
  return {
    leave: () => {
      bus.removeEventListener("records", draw);
      unopened.stop();
    },
  };
}

export async function boxView(main, id) {
  const initial = await loadBox(id);
  if (!initial) {
    replace(
      main,
      h("h1", {}, "Box not found"),
      h("p", {}, "This box is not on this device."),
      h("a", { href: "/toolkit" }, "Back to the toolkit"),
    );
    return null;
  }
  const name = textField("box-name", "Name of the box", initial.name, { maxlength: 100 });
  const note = textArea("box-note", "A note (optional)", initial.note, { maxlength: 2000 });
  const saved = h("p", { class: "quiet", id: "box-saved", "aria-live": "polite" });
  const form = h("form", { onsubmit: (event) => event.preventDefault() }, name.element, note.element, saved);
  const saver = fieldSaver(
    form,
    () => ({ name: name.input.value, note: note.input.value }),
    (changes) => editBox(id, changes),
    saved,
  );
  const list = h("ul", { class: "cards", id: "item-list" });
  const newItem = textField("new-item", "A thing to add", "", { maxlength: 200, placeholder: "A blue ribbon" });

  async function draw() {
    const inside = await items(id);
    replace(
      list,
      inside.length
        ? inside.map((entry, index) => {
            const label = entry.name || "Something";
            return h(
              "li",
              { class: "card" },
              h("a", { href: `/toolkit/items/${entry.id}`, class: "card-link" }, label),
              entry.sense
                ? h("p", { class: "tags" }, h("span", { class: "sense" }, SENSES[entry.sense] ?? entry.sense))
                : null,
              entry.feelsLike ? h("p", { class: "quiet" }, entry.feelsLike) : null,
              reorderRecord("toolkit_item", inside, index, label, draw),
            );
          })
        : h("li", { class: "quiet" }, "Nothing in this box yet."),
    );
  }

  const removeBox = button("Delete this box", { class: "quiet" });
  removeBox.addEventListener("click", async () => {
    if (
      !confirm(
        `Delete “${name.input.value || "this box"}” and the things listed in it? The real things stay where they are.`,
      )
    )
      return;
    await saver.flush();
    await deleteBox(id);
    go("/toolkit");
  });

  await draw();
  // The box opens as the things in it; its own name and note are a step away.
  const change = h(
    "details",
    { class: "change-box", id: "change-box" },
    h("summary", {}, "Rename this box or change its note"),
    form,
    h("div", { class: "row" }, removeBox),
  );
  replace(
    main,
    h("p", {}, h("a", { href: "/toolkit" }, "← Toolkit")),
    h("h1", {}, initial.name || "A box"),
    setAsideNotice("toolkit_box", initial, () => go(location.pathname)),
    initial.note ? h("p", { class: "quiet", id: "box-note-shown" }, initial.note) : null,
    h("h2", {}, "In this box"),
    list,
    h(
      "form",
      {
        class: "stack",
        onsubmit: async (event) => {
          event.preventDefault();
          const text = newItem.input.value.trim();
          if (!text) return;
          const itemId = await createItem(id, text);
          go(`/toolkit/items/${itemId}/edit`);
        },
      },
      newItem.element,
      submitButton("Add it"),
    ),
    change,
  );
  bus.addEventListener("records", draw);
  return {
    async leave() {
      bus.removeEventListener("records", draw);
      await saver.leave();
    },
  };
}
