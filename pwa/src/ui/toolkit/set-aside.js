// A calm notice on a toolkit record changed on two devices at once: one device's words
// are what the record shows, and the other's, set aside so nothing is lost, are here to
// keep instead or to let go. The notice syncs with the record, so it says "one device"
// and "the other", never "here".

import { SENSES, settleSetAside } from "../../toolkit.js";
import { h } from "../kit/dom.js";
import { button } from "../kit/button.js";

const LABELS = {
  name: "Name",
  note: "Note",
  feelsLike: "What it feels like",
  linkedTo: "What it is linked to",
  keptAt: "Where it is kept",
  sense: "The sense it serves",
  agreedWithTherapist: "Agreed in therapy",
  text: "Words",
  position: "Its place in the list",
  distressBefore: "How hard it was before",
  distressAfter: "How hard it was after",
};

// Each screen's own name for a field, where it differs.
const LABELS_OF = { toolkit_item: { note: "Anything else" } };

function shown(field, value) {
  if (value == null || value === "") return "(nothing)";
  if (field === "sense") return SENSES[value] ?? String(value);
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return String(value);
}

// `record` is the plain record (records.js); `onSettled` redraws. Null when there is
// nothing set aside.
export function setAsideNotice(kind, record, onSettled, idPrefix = "set-aside") {
  const conflicts = record.conflicts ?? [];
  if (!conflicts.length) return null;
  const heading = `${idPrefix}-heading`;
  const settle = (conflict, keep) => async () => {
    await settleSetAside(kind, record.id, conflict, keep);
    await onSettled();
  };
  return h(
    "section",
    { class: "conflict set-aside", id: idPrefix, "aria-labelledby": heading },
    h("h2", { id: heading }, "Words set aside"),
    h(
      "p",
      {},
      "This was changed on two devices at the same time. One device's words are shown; the other's, below, were kept aside so nothing is lost.",
    ),
    h(
      "ul",
      { class: "plain" },
      conflicts.map((conflict) =>
        h(
          "li",
          {},
          h("p", { class: "quiet" }, LABELS_OF[kind]?.[conflict.field] ?? LABELS[conflict.field] ?? conflict.field),
          h("p", { class: "version-text" }, shown(conflict.field, conflict.mine)),
          h(
            "div",
            { class: "row" },
            button("Keep these instead", { onClick: settle(conflict, true) }),
            button("Let them go", { class: "quiet", onClick: settle(conflict, false) }),
          ),
        ),
      ),
    ),
  );
}
