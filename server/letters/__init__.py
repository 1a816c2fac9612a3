"""Letters: the words people write between sessions, sealed, with every version kept."""
