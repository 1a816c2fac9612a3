// The person's own words, used by every screen for its labels: "my T" or "therapist",
// "holiday" or "break", whether the inner-child framing is offered, and whether a
// letter offers ways to begin.

import { preferences } from "./preferences.js";

export const THERAPIST_WORDS = { therapist: "therapist", counsellor: "counsellor", my_t: "my T" };
export const BREAK_WORDS = { break: "break", vacation: "vacation", holiday: "holiday" };
export const ENDING_WORDS = { ending: "ending", termination: "termination" };

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export function wordsFrom(prefs) {
  const therapist = THERAPIST_WORDS[prefs.therapistWord] ?? "therapist";
  const separation = BREAK_WORDS[prefs.breakWord] ?? "break";
  const ending = ENDING_WORDS[prefs.endingWord] ?? "ending";
  return {
    therapist,
    Therapist: capital(therapist),
    // "your therapist", but "my T" stays as it is: it is already the person's own name.
    yourTherapist: prefs.therapistWord === "my_t" ? "my T" : `your ${therapist}`,
    YourTherapist: prefs.therapistWord === "my_t" ? "My T" : `Your ${therapist}`,
    myTherapist: prefs.therapistWord === "my_t" ? "my T" : `my ${therapist}`,
    break: separation,
    Break: capital(separation),
    ending,
    Ending: capital(ending),
    innerChild: prefs.innerChild !== false,
    showStarters: prefs.showStarters !== false,
  };
}

export async function wording() {
  return wordsFrom(await preferences());
}
