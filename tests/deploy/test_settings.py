"""Settings a deployment depends on."""

from __future__ import annotations

import re

import pytest

from server.settings import ENVIRONMENT, PROJECT_ROOT, load_settings


def test_per_process_counts_are_refused_with_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/between")
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_STORAGE", "async+memory://")
    with pytest.raises(ValueError, match="per process"):
        load_settings(env_file=None)
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_STORAGE", "async+redis://cache:6379")
    assert load_settings(env_file=None).rate_limit_storage == "async+redis://cache:6379"


def test_the_environment_example_names_every_setting():
    example = PROJECT_ROOT / "deploy" / "between.env.example"
    named = set(re.findall(r"^([A-Z_]+)=", example.read_text(encoding="utf-8"), re.M))
    # Each replica's ports come from its systemd instance, not from the shared file.
    assert named == set(ENVIRONMENT) - {"BETWEEN_PORT", "BETWEEN_METRICS_PORT"}
