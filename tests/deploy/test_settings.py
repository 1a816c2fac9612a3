"""Settings a deployment depends on."""

from __future__ import annotations

import pytest

from server.settings import load_settings


def test_per_process_counts_are_refused_with_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/between")
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_STORAGE", "async+memory://")
    with pytest.raises(ValueError, match="per process"):
        load_settings(env_file=None)
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_STORAGE", "async+redis://cache:6379")
    assert load_settings(env_file=None).rate_limit_storage == "async+redis://cache:6379"
