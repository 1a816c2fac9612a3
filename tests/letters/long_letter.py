"""The long letter of the merge worst case: 183,000 characters and 300 scattered edits."""

from __future__ import annotations

import random

WORDS = (
    "it has been a long week and I kept thinking about what you said on Tuesday "
    "about my mother the garden the break being angry and still wanting to come back"
)
REWRITTEN = "so much has changed since I first wrote this and now I see it differently"
LENGTH = 183_000
EDITS = 300


def prose(length: int, seed: int, words: str = WORDS) -> str:
    """Paragraphs of everyday words, `length` characters long."""
    rng = random.Random(seed)
    vocabulary = words.split()
    paragraphs, size = [], 0
    while size < length:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 18)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)[:length]


def scattered_edits(text: str, count: int = EDITS, seed: int = 3) -> str:
    """`text` with a word added at `count` places spread through it."""
    rng = random.Random(seed)
    spaces = [i for i, char in enumerate(text) if char == " "]
    for place in sorted(rng.sample(spaces, count), reverse=True):
        text = text[:place] + " truly" + text[place:]
    return text


def worst_case() -> tuple[str, str, str]:
    """(base, server, client): the server rewrote the letter in other words, the client
    made 300 edits to the old one."""
    base = prose(LENGTH, seed=1)
    return base, prose(LENGTH, seed=2, words=REWRITTEN), scattered_edits(base)
