"""Letters: the words people write between sessions, with every version kept."""
