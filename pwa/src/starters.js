// Ways to begin a letter: gentle first lines for what is hard to say. They are only
// a start, to be changed or left; none of them assumes the letter will be sent.
// `words` comes from wording.js, so each one uses the person's own name for their
// therapist, and the inner-child ones appear only when that framing is on.

export function starters(words) {
  const list = [
    "I feel ashamed to talk about some feelings I have…",
    "There is something I haven't found the words to say out loud…",
    `It's hard to say this to ${words.myTherapist}, so I'm writing it here…`,
    "Something from our last session is still with me…",
    "Right now, I'm feeling…",
    "I'm afraid of what you would think if you knew…",
    "When we're apart, I notice…",
    "I've never told anyone this, and I'm not sure how to put it…",
    "I don't know where to begin, so I'll begin here:",
  ];
  if (words.innerChild) {
    list.push("The little one in me wants to say…", "A part of me feels…");
  }
  return list;
}
