// What went wrong with sharing, in plain words. Codes are in docs/errors.md; the
// person's own word for their therapist comes from wording.js.

function minutes(seconds) {
  const count = Math.max(1, Math.ceil((seconds ?? 60) / 60));
  return count === 1 ? "a minute" : `${count} minutes`;
}

// Said by the device itself: the next session is read from its own plans.
export const NO_NEXT_SESSION =
  "None of your plans has a next session still to come. Add the first session after a break to a plan, or choose another time.";

export function problem(error, words = { therapist: "therapist", yourTherapist: "your therapist" }) {
  switch (error?.code) {
    case "OFFLINE":
      return "This needs the internet, and this device is offline right now. Everything you wrote is kept here; try again once you're connected.";
    case "CONNECT_CODE_INVALID":
      return `That code doesn't match one we know. It may be a typing slip: check it with ${words.yourTherapist}. Capitals, spaces and dashes don't matter.`;
    case "CONNECT_CODE_EXPIRED":
      return `That code has expired. ${words.YourTherapist ?? "Your therapist"} can make a new one whenever it suits you both.`;
    case "CONNECT_CODE_USED":
      return `That code has already been used, or a newer one has replaced it. ${words.YourTherapist ?? "Your therapist"} can make a new one.`;
    case "RATE_LIMITED":
      return `There have been a lot of tries in a short time, so this is paused for now. You can try again in about ${minutes(error.retryAfterSeconds)}.`;
    case "ALREADY_LINKED":
      return `You're already connected with this ${words.therapist}. There's nothing more to do.`;
    case "NOT_LINKED":
      return "This connection has ended, so nothing more can be shared through it.";
    case "NEVER_SEND":
      return "This letter is marked “never send”, so it stays with you. If you change your mind, change that mark on the letter first.";
    case "DELIVERY_IN_PAST":
      return "That time has already passed. Choose a time still to come.";
    case "TOO_LARGE":
      return "The note is longer than 2,000 characters. Shorten it a little, and it can go.";
    case "ALREADY_DELIVERED":
      return "It was delivered a moment ago, so it can't be cancelled any more. You can withdraw it instead.";
    case "NOT_DELIVERED":
      return "It hasn't been delivered yet, so you can simply cancel it.";
    case "ALREADY_WITHDRAWN":
      return "This share was already withdrawn.";
    case "ALREADY_CANCELLED":
      return "This share was already cancelled.";
    case "NOT_FOUND":
      return "This isn't on your account any more.";
    case "UNAUTHENTICATED":
      return "This device needs you to sign in again first (on the Account screen). Nothing here is lost.";
    default:
      return "Something went wrong on our side. Nothing you wrote is lost; please try again in a little while.";
  }
}
