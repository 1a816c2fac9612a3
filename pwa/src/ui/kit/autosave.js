// Saving as the person types. A write starts at once on the first keystroke; keys
// pressed while it runs are gathered into the next write. So text reaches IndexedDB
// a few milliseconds after each pause, and typing never waits for a save.

import { notice } from "./dom.js";

export function autosave(save) {
  let writing = null;
  let dirty = false; // typed since the last write began
  let unsaved = false; // the last write failed; the next keystroke or flush retries

  function run() {
    dirty = false;
    unsaved = false;
    writing = save()
      .catch((error) => {
        unsaved = true;
        notice(
          `This device could not save just now (${error.message}). Your words are still on the screen; it will try again as you type.`,
          { id: "save-problem", tone: "alert" },
        );
      })
      .finally(() => {
        writing = null;
        if (dirty) run();
      });
  }

  const flushOnHide = () => {
    if (document.visibilityState === "hidden") touch();
  };

  function touch() {
    if (writing) dirty = true;
    else run();
  }

  document.addEventListener("visibilitychange", flushOnHide);
  addEventListener("pagehide", touch);

  return {
    touch,
    // Wait until everything typed so far is on disk.
    async flush() {
      for (let attempt = 0; attempt < 3 && (writing || dirty || unsaved); ) {
        if (writing) {
          await writing;
        } else {
          attempt += 1;
          run();
        }
      }
    },
    stop() {
      document.removeEventListener("visibilitychange", flushOnHide);
      removeEventListener("pagehide", touch);
    },
  };
}
