// Connecting a client and a therapist. The therapist makes a connect code and sees
// their clients; the client types the code in, sees whose it is, and confirms. Either
// side can unlink. All of it needs the network; nothing typed is lost without it.

import { currentCode, linkWith, links, lookUp, newCode, unlink } from "../../sharing.js";
import { wording } from "../../wording.js";
import { fullDate, h, replace } from "../kit/dom.js";
import { problem } from "./share-words.js";
import { me } from "../../me.js";
import { button, linkButton, submitButton } from "../kit/button.js";
import { linkSafety, ownKeys } from "../../key-pairs.js";
import { errorBox } from "../kit/form.js";

export async function connectView(main) {
  const account = await me();
  const therapist = account.role === "THERAPIST";
  const words = therapist ? undefined : await wording();
  const message = errorBox("connect-problem");
  const body = h("div", {});
  const retry = button("Try again", { id: "connect-retry", onClick: () => draw() });

  replace(
    main,
    h("h1", {}, therapist ? "Your clients" : `Connecting with ${words.yourTherapist}`),
    h(
      "p",
      {},
      therapist
        ? "A client connects with you using a code you give them, for example in a session. After that they can choose, one letter at a time, to share a letter with you."
        : `Connecting lets you share a letter with ${words.yourTherapist} when you choose to. Nothing is sent by connecting, and every letter stays private unless you share it.`,
    ),
    message,
    body,
  );

  async function draw() {
    message.textContent = "";
    try {
      replace(body, therapist ? await therapistPart(draw, message) : await clientPart(words, draw, message));
    } catch (error) {
      message.textContent = problem(error, words);
      replace(body, h("div", { class: "row" }, retry));
    }
  }
  await draw();
  return null;
}

async function therapistPart(draw, message) {
  const [{ code, elsewhereUntil }, linked] = await Promise.all([currentCode(), links()]);
  const codeArea = h("section", { "aria-labelledby": "code-heading" });
  const showCode = (made, fresh = false) => {
    const copy = button("Copy the code", { id: "copy-code" });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(made.code);
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Copying isn't allowed here: please write it down";
      }
    });
    replace(
      codeArea,
      h("h2", { id: "code-heading" }, "Connect code"),
      h("p", { class: "connect-code", id: "connect-code", "aria-live": fresh ? "polite" : null }, made.code),
      h(
        "p",
        {},
        `It works once, for one client, until ${fullDate(made.expiresAt)}. It is shown only on this device; for another client, make another code.`,
      ),
      h("div", { class: "row" }, copy, makeButton("Make a new code")),
      h("p", { class: "quiet" }, "A new code makes this one stop working."),
    );
  };
  const makeButton = (text) => {
    const renew = button(text, { id: "new-code" });
    renew.addEventListener("click", async () => {
      message.textContent = "";
      renew.disabled = true;
      try {
        showCode(await newCode(), true);
      } catch (error) {
        message.textContent = problem(error);
        renew.disabled = false;
      }
    });
    return renew;
  };
  if (code) showCode(code);
  else {
    replace(
      codeArea,
      h("h2", { id: "code-heading" }, "Connect code"),
      elsewhereUntil
        ? h(
            "p",
            {},
            `A code made earlier works until ${fullDate(elsewhereUntil)}, but it can't be shown again. If you need it, make a new one here: the earlier one then stops working.`,
          )
        : h("p", {}, "Make a code when a client would like to connect. It works once, for one client."),
      h("div", { class: "row" }, makeButton(elsewhereUntil ? "Make a new code" : "Make a connect code")),
    );
  }
  return [
    codeArea,
    h("h2", {}, "Connected clients"),
    linkList(
      linked,
      (name) =>
        `If you unlink, ${name} can no longer share letters with you, and every letter they shared with you leaves your devices the next time they sync.`,
      "No clients are connected with you yet.",
      draw,
      message,
    ),
  ];
}

async function clientPart(words, draw, message) {
  const linked = await links();
  const input = h("input", {
    id: "connect-code-input",
    type: "text",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    placeholder: "e.g. k7m2q-9xdae",
    required: true,
  });
  const found = h("div", { id: "connect-found" });
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "code-form-heading" },
    h("h2", { id: "code-form-heading" }, linked.length ? "Connect with a new code" : "Connect with a code"),
    h("label", { for: "connect-code-input" }, `The code ${words.yourTherapist} gave you`),
    input,
    submitButton("Look it up", { class: "primary" }),
    found,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    replace(found);
    const code = input.value.trim();
    if (!code) return;
    try {
      const match = await lookUp(code);
      if (match.alreadyLinked) {
        replace(found, h("p", { role: "status" }, `You're already connected with ${match.therapistName}.`));
        return;
      }
      const confirm = button(`Connect with ${match.therapistName}`, { class: "primary", id: "confirm-link" });
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          await linkWith(code);
          await draw();
        } catch (error) {
          message.textContent = problem(error, words);
          confirm.disabled = false;
        }
      });
      replace(
        found,
        h(
          "div",
          { class: "offer", role: "status" },
          h("p", {}, `This code is from ${match.therapistName}. Is this ${words.yourTherapist}?`),
          h("div", { class: "row" }, confirm, button("Not now", { class: "quiet", onClick: () => replace(found) })),
        ),
      );
    } catch (error) {
      message.textContent = problem(error, words);
    }
  });
  return [
    h("h2", {}, "Connected"),
    linkList(
      linked,
      (name) =>
        `Unlinking withdraws everything you shared through this connection: ${name} will no longer see those letters, and anything still waiting to be delivered is cancelled. Your letters stay here with you, and you can connect again later with a new code.`,
      `You're not connected with ${words.yourTherapist} yet.`,
      draw,
      message,
    ),
    linked.length ? h("p", {}, h("a", { href: "/shares" }, "Letters you have shared")) : null,
    form,
  ];
}

// The current links, each with "Unlink" asking once, calmly, what it will do.
function linkList(linked, explanation, empty, draw, message) {
  const own = linked.length ? ownKeys() : null;
  own?.catch(() => {});
  return linked.length
    ? h(
        "ul",
        { class: "plain", id: "links" },
        linked.map((link) => linkItem(link, explanation(link.personName), draw, message, own)),
      )
    : h("p", { class: "quiet", id: "links" }, empty);
}

function linkItem(link, explanation, draw, message, own) {
  const asking = h("div", {});
  const start = button(`Unlink ${link.personName}`, { class: "quiet" });
  start.addEventListener("click", () => {
    const sure = button("Unlink", { class: "primary", id: "confirm-unlink" });
    sure.addEventListener("click", async () => {
      sure.disabled = true;
      try {
        await unlink(link.id);
        await draw();
      } catch (error) {
        message.textContent = problem(error);
        sure.disabled = false;
      }
    });
    replace(
      asking,
      h(
        "div",
        { class: "notice", role: "status" },
        h("p", {}, explanation),
        h(
          "div",
          { class: "row" },
          sure,
          button("Keep the connection", { class: "quiet", onClick: () => replace(asking) }),
        ),
      ),
    );
  });
  // Whether the two compared their safety number: worked out here, from both keys as
  // they are now, so a changed key shows as "not compared" again.
  const safety = h("p", { class: "quiet safety-state", id: `safety-${link.id}` });
  linkSafety(link, own)
    .then((state) => {
      safety.textContent = state.missing
        ? "Safety number: not ready yet"
        : state.compared
          ? "Safety number: compared"
          : state.changed
            ? "Safety number: new since you last saw it, not compared"
            : "Safety number: not compared yet";
    })
    .catch(() => {});
  return h(
    "li",
    { class: "card" },
    h("p", { class: "plain-fact" }, link.personName),
    h("p", { class: "quiet" }, `Connected since ${fullDate(link.linkedAt)}`),
    safety,
    h(
      "div",
      { class: "row" },
      linkButton("Safety number", `/connect/${link.id}/safety-number`, { id: `to-safety-${link.id}` }),
      start,
    ),
    asking,
  );
}
