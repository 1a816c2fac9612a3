"""Between: a companion for the time between therapy sessions."""
