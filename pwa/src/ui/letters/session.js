// "Bring to session": the letters marked for the next session, ready to print.

import { letters } from "../../letters.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { button } from "../kit/button.js";

export async function sessionView(main) {
  const marked = (await letters()).filter((letter) => letter.forNextSession);
  const print = button("Print", { class: "primary", onClick: () => window.print() });
  replace(
    main,
    h("h1", {}, "For my next session"),
    marked.length
      ? [
          h("p", { class: "quiet no-print" }, "Letters you marked to bring. They stay private; printing is for you."),
          h("div", { class: "row no-print" }, print),
          marked.map((letter) =>
            h(
              "article",
              { class: "printable" },
              h("h2", {}, letter.title.trim() || "Untitled"),
              h("p", { class: "quiet" }, fullDate(letter.editedAt)),
              h("p", { class: "version-text" }, letter.body),
            ),
          ),
        ]
      : h(
          "p",
          {},
          "Nothing marked yet. In a letter, open “To, from, tags and marks” and choose “Bring to my next session”.",
        ),
  );
  return null;
}
