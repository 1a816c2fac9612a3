// What makes a new password acceptable. Only this device ever sees the password, so
// only it can check: at least 8 characters, not one of the most common passwords, not
// holding the username or name. No composition rules.

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;
// Names shorter than this are ignored, or a name like "Jo" would refuse half of all passwords.
const MIN_NAME_IN_PASSWORD = 3;

// Django's list of the 20,000 most common passwords, those of 8+ characters. Fetched
// only when a password is chosen; the service worker keeps it for offline use.
const COMMON = new URL("../data/common-passwords.txt", import.meta.url);
let common;

function commonPasswords() {
  common ??= fetch(COMMON)
    .then((response) => {
      if (!response.ok) throw new Error(`common passwords: ${response.status}`);
      return response.text();
    })
    .then(
      (text) =>
        new Set(
          text
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
        ),
    );
  // A failed fetch is tried again next time rather than remembered.
  common.catch(() => {
    common = undefined;
  });
  return common;
}

const comparable = (text) => text.normalize("NFKC").toLowerCase().replace(/\s+/gu, "");

export class WeakPassword extends Error {
  constructor(message, field) {
    super(message);
    this.code = "WEAK_PASSWORD";
    this.field = field;
  }
}

// Why a new password is not acceptable, or null.
export async function passwordProblem(password, { username = "", displayName = "" } = {}) {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  let known;
  try {
    known = await commonPasswords();
  } catch {
    return "This device could not check the password just now. Please try again in a moment.";
  }
  if (known.has(password.normalize("NFKC").trim().toLowerCase())) {
    return "That password is one of the most common ones. Please choose another.";
  }
  // The username is public to anyone who links with the person, and a name is the
  // first thing someone guessing would try. Spaces are ignored on both sides.
  const guessable = comparable(password);
  for (const name of [username, displayName]) {
    const plain = comparable(name ?? "");
    if (plain.length >= MIN_NAME_IN_PASSWORD && guessable.includes(plain)) {
      return "Please choose a password that does not contain your username or name.";
    }
  }
  return null;
}

export async function checkNewPassword(password, names, field = "password") {
  const problem = await passwordProblem(password, names);
  if (problem) throw new WeakPassword(problem, field);
}
