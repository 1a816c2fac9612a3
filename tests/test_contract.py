"""The published contract: the exported SDL, documented settings and error codes."""

from __future__ import annotations

import re

import pytest

from server.cli import SCHEMA_FILE
from server.errors import ErrorCode
from server.graphql.schema import export_sdl
from server.settings import ENVIRONMENT, PROJECT_ROOT, load_settings

DOCS = PROJECT_ROOT / "docs"


def test_schema_file_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == export_sdl(), (
        "schema/schema.graphql is stale: run `make schema` and commit it"
    )


def documented_names(path) -> set[str]:
    return set(re.findall(r"^\| `([A-Z_]+)` \|", path.read_text(encoding="utf-8"), re.M))


def test_every_setting_is_documented():
    assert documented_names(DOCS / "settings.md") == set(ENVIRONMENT)


def test_every_error_code_is_documented():
    assert documented_names(DOCS / "errors.md") == {code.value for code in ErrorCode}


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/between")
    monkeypatch.setenv("BETWEEN_ENV", "production")
    monkeypatch.setenv("BETWEEN_PORT", "9000")
    monkeypatch.setenv("BETWEEN_ALLOWED_ORIGINS", "https://a.example/, https://b.example")
    monkeypatch.setenv("BETWEEN_RATE_LIMIT_SECRET", "s" * 32)
    monkeypatch.delenv("BETWEEN_LOG_FORMAT", raising=False)
    settings = load_settings(env_file=None)
    assert settings.database_url == "postgres://u@db:5432/between"
    assert settings.production and settings.port == 9000
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.cookie_name == "__Host-between_session"
    # Production logs JSON unless told otherwise.
    assert settings.log_format == "json"


def test_settings_come_from_a_dotenv_file(monkeypatch, tmp_path):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text("BETWEEN_HOST=127.0.0.2\nBETWEEN_SESSION_IDLE_DAYS=7\n")
    settings = load_settings(env_file=env)
    assert settings.host == "127.0.0.2"
    assert settings.session_idle_days == 7
    assert not settings.production


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BETWEEN_ENV", "staging"),
        ("BETWEEN_PORT", "eighty"),
        ("BETWEEN_SESSION_IDLE_DAYS", "9999"),
    ],
)
def test_bad_settings_are_refused_at_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError):
        load_settings(env_file=None)
