"""The sync engine: per-account change counters, pull, push, merge and live pokes."""
