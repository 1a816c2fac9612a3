// "Words to carry": short sentences to keep close. Each card saves as it is typed.

import { bus } from "../../sync.js";
import { cards, createCard, deleteCard, editCard } from "../../toolkit.js";
import { wording } from "../../wording.js";
import { h, replace } from "../kit/dom.js";
import { fieldSaver } from "../kit/fields.js";
import { setAsideNotice } from "../kit/set-aside.js";
import { reorderRecord } from "./toolkit.js";
import { button, submitButton } from "../kit/button.js";

function suggestions(words) {
  const list = [
    `${words.YourTherapist} is coming back.`,
    "This feeling is real, and it will pass.",
    "I can be held in mind while we are apart.",
  ];
  if (words.innerChild) list.push("The little one in me is safe right now.");
  return list;
}

export async function wordsView(main) {
  const words = await wording();
  const list = h("ul", { class: "cards", id: "card-list" });
  const savers = [];
  const newCard = h("textarea", { id: "new-card", rows: 2, maxlength: 1000 });

  async function leaveCards() {
    for (const saver of savers.splice(0)) await saver.leave();
  }

  async function draw() {
    await leaveCards();
    const all = await cards();
    replace(
      list,
      all.map((card, index) => {
        const text = h("textarea", {
          id: `card-${card.id}`,
          rows: 2,
          maxlength: 1000,
          value: card.text,
          "aria-label": `Words to carry ${index + 1}`,
        });
        const form = h("form", { onsubmit: (event) => event.preventDefault() }, text);
        savers.push(
          fieldSaver(
            form,
            () => ({ text: text.value }),
            (changes) => editCard(card.id, changes),
          ),
        );
        return h(
          "li",
          { class: "card" },
          form,
          setAsideNotice("carry_card", card, draw, `set-aside-${card.id}`),
          h(
            "div",
            { class: "row" },
            reorderRecord("carry_card", all, index, `card ${index + 1}`, draw),
            button("Remove", {
              class: "quiet",
              onClick: async () => {
                await deleteCard(card.id);
                await draw();
              },
            }),
          ),
        );
      }),
    );
  }

  const add = async (text) => {
    if (!text.trim()) return;
    await createCard(text.trim());
    newCard.value = "";
    await draw();
  };

  await draw();
  replace(
    main,
    h("p", {}, h("a", { href: "/toolkit" }, "← Toolkit")),
    h("h1", {}, "Words to carry"),
    list,
    h(
      "form",
      {
        class: "stack",
        onsubmit: async (event) => {
          event.preventDefault();
          await add(newCard.value);
        },
      },
      h("label", { for: "new-card" }, "New words"),
      newCard,
      submitButton("Keep these words", { id: "add-card" }),
    ),
    h(
      "details",
      {},
      h("summary", {}, "Some words others have found"),
      h(
        "ul",
        { class: "plain" },
        suggestions(words).map((text) => h("li", {}, button(text, { class: "quiet", onClick: () => add(text) }))),
      ),
    ),
  );
  const onRecords = async () => {
    if (savers.every((saver) => saver.unchanged())) await draw();
  };
  bus.addEventListener("records", onRecords);
  return {
    async leave() {
      bus.removeEventListener("records", onRecords);
      await leaveCards();
    },
  };
}
