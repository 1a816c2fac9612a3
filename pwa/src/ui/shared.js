// A therapist's home. Sharing is not built yet: this says so plainly.

import { h, replace } from "./dom.js";

export function sharedView(main) {
  replace(
    main,
    h("h1", {}, "Shared with you"),
    h(
      "p",
      {},
      "Clients can choose to share a letter with you. Connecting with a client and reading what they share is not available in this version yet.",
    ),
  );
}
