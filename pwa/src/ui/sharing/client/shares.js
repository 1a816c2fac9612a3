// What the client has shared, and where each share is: held (and until when),
// delivered, withdrawn or cancelled. Deliberately nothing about opening or reading.

import { offline } from "../../../api.js";
import {
  cancelShare,
  differsFrom,
  isLive,
  lastKnownShared,
  myShares,
  resendShare,
  withdrawShare,
} from "../../../sharing.js";
import { go } from "../../../router.js";
import { wording } from "../../../wording.js";
import { dismiss, fullDate, h, notice, replace } from "../../kit/dom.js";
import { problem } from "../share-words.js";
import { button, tryAgain } from "../../kit/button.js";
import { errorBox } from "../../kit/form.js";

function whereItIs(share) {
  const name = share.therapistName;
  switch (share.status) {
    case "HELD":
      return `Held. It will be delivered ${fullDate(share.deliverAt)}. Until then ${name} knows nothing of it, and you can cancel it.`;
    case "DELIVERED":
      return `Delivered to ${name} ${fullDate(share.deliveredAt)}${share.edition > 1 ? " (an updated version)" : ""}.`;
    case "WITHDRAWN":
      return `Withdrawn ${fullDate(share.withdrawnAt)}. It is no longer on ${name}'s side, though ${name} may already have read it.`;
    default:
      return `Cancelled ${fullDate(share.cancelledAt)}. It never reached ${name}, and there is no trace of it on their side.`;
  }
}

// One share, with what can still be done with it. `copy` is the letter as the server
// holds it now (see serverCopy), when known: it decides whether an update can be sent.
export function shareItem(share, { copy = null, link = false, redraw, message, words }) {
  const act = (work) => async (event) => {
    event.target.disabled = true;
    message.textContent = "";
    try {
      await work();
    } catch (error) {
      message.textContent = problem(error, words);
    }
    await redraw();
  };
  const live = isLive(share);
  const canUpdate = live && copy && !copy.deleted && copy.state !== "never_send" && differsFrom(share, copy);
  const title = share.title.trim() || "Untitled letter";
  return h(
    "li",
    { class: "card share", "data-status": share.status.toLowerCase() },
    h("p", { class: "plain-fact" }, link ? h("a", { href: `/letters/${share.letterId}/share` }, title) : title),
    h("p", { class: "share-status" }, whereItIs(share)),
    share.note ? h("p", { class: "quiet version-text" }, `Your note: ${share.note}`) : null,
    canUpdate
      ? h(
          "p",
          { class: "quiet" },
          "The letter has changed since. What was shared stays as it was unless you send the new words.",
        )
      : null,
    live
      ? h(
          "div",
          { class: "row" },
          share.status === "HELD"
            ? button("Cancel it", { class: "cancel-share", onClick: act(() => cancelShare(share.id)) })
            : button("Withdraw it", { class: "withdraw-share", onClick: act(() => withdrawShare(share.id)) }),
          canUpdate
            ? button("Send the updated version", {
                class: "resend-share",
                onClick: act(() => resendShare(share.id, copy)),
              })
            : null,
        )
      : null,
  );
}

export async function sharesView(main) {
  const words = await wording();
  const message = errorBox("shares-problem");
  const list = h("div", { id: "shares" });
  replace(
    main,
    h("h1", {}, "Letters you have shared"),
    h(
      "p",
      {},
      "Each letter you chose to share, and where it is. A held letter can be cancelled; a delivered one can be withdrawn at any time.",
    ),
    message,
    list,
  );
  async function draw() {
    try {
      const shares = await myShares();
      replace(
        list,
        shares.length
          ? h(
              "ul",
              { class: "plain" },
              shares.map((share) => shareItem(share, { link: true, redraw: draw, message, words })),
            )
          : h(
              "p",
              { class: "quiet" },
              `You haven't shared any letters. Everything you write stays with you unless you choose to share it with ${words.yourTherapist}.`,
            ),
      );
    } catch (error) {
      message.textContent = problem(error, words);
      replace(list, tryAgain(draw));
    }
  }
  await draw();
  return null;
}

// A letter moved to the trash may still be shared: its words were copied when shared.
// Say so, and offer the way to cancel or withdraw. Offline, say what was last known,
// and that taking it back waits for a connection.
export async function offerAfterTrash(letterId) {
  const id = "shared-letter-trashed";
  const leave = button("Leave it as it is", { class: "quiet", onClick: () => dismiss(id) });
  let live;
  try {
    live = (await myShares(letterId)).filter(isLive);
  } catch (error) {
    const known = offline(error) && (await lastKnownShared(letterId));
    if (known) {
      notice(
        `When this device last checked, ${fullDate(known.checkedAt)}, this letter was shared with ${known.therapistName}. Moving it to the trash doesn't take back what was shared. Once you are connected, you can cancel or withdraw it in "Letters you have shared", if you'd like to.`,
        { id, actions: [leave] },
      );
    }
    return;
  }
  if (!live.length) return;
  notice(
    `This letter was shared with ${live[0].therapistName}. Moving it to the trash doesn't take back what was shared. You can cancel or withdraw it, if you'd like to.`,
    {
      id,
      actions: [
        button("See what was shared", {
          onClick: () => {
            dismiss(id);
            go(`/letters/${letterId}/share`);
          },
        }),
        leave,
      ],
    },
  );
}
