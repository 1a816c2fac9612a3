"""Development tools: checks run by `make lint` and shared test helpers."""
