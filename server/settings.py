"""Every setting, read from the environment or a `.env` file in one place.

`docs/settings.md` documents each name declared here; a test keeps the two in step.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from starlette.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# BETWEEN_RATE_LIMIT_SECRET for development and tests only: refused in production.
DEVELOPMENT_SECRET = "development only: not a secret"  # noqa: S105
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://./data/between.sqlite3"
    host: str = "127.0.0.1"
    port: int = 8000
    # Peers whose X-Forwarded-For and X-Forwarded-Proto are believed: the reverse proxy.
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    production: bool = False
    pwa_dir: Path = PROJECT_ROOT / "pwa"
    allowed_origins: tuple[str, ...] = ()
    session_idle_days: int = 30
    session_absolute_days: int = 180
    password_hash_workers: int = 2
    password_hash_queue: int = 32
    max_request_bytes: int = 4 * 1024 * 1024
    # Empty: the database on PostgreSQL, process memory on SQLite (server/ratelimits).
    rate_limit_storage: str = ""
    # Keys the digests rate-limit state is stored under (server/ratelimits/keys.py).
    rate_limit_secret: str = DEVELOPMENT_SECRET
    connect_code_hours: int = 24
    delivery_interval_seconds: int = 30
    drain_seconds: float = 3.0
    shutdown_grace_seconds: int = 20
    # "json" (one object a line) or "text"; load_settings picks json in production.
    log_format: str = "text"
    # Prometheus metrics on a listener of their own, never the public port; 0: none.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 0

    @property
    def cookie_name(self) -> str:
        # `__Host-` binds the cookie to this exact origin over HTTPS (no Domain, Path=/).
        return "__Host-between_session" if self.production else "between_session"


ENVIRONMENT = {
    "DATABASE_URL": "database_url",
    "BETWEEN_HOST": "host",
    "BETWEEN_PORT": "port",
    "BETWEEN_FORWARDED_ALLOW_IPS": "forwarded_allow_ips",
    "BETWEEN_ENV": "production",
    "BETWEEN_PWA_DIR": "pwa_dir",
    "BETWEEN_ALLOWED_ORIGINS": "allowed_origins",
    "BETWEEN_SESSION_IDLE_DAYS": "session_idle_days",
    "BETWEEN_SESSION_ABSOLUTE_DAYS": "session_absolute_days",
    "BETWEEN_PASSWORD_HASH_WORKERS": "password_hash_workers",
    "BETWEEN_PASSWORD_HASH_QUEUE": "password_hash_queue",
    "BETWEEN_MAX_REQUEST_BYTES": "max_request_bytes",
    "BETWEEN_RATE_LIMIT_STORAGE": "rate_limit_storage",
    "BETWEEN_RATE_LIMIT_SECRET": "rate_limit_secret",
    "BETWEEN_CONNECT_CODE_HOURS": "connect_code_hours",
    "BETWEEN_DELIVERY_INTERVAL_SECONDS": "delivery_interval_seconds",
    "BETWEEN_DRAIN_SECONDS": "drain_seconds",
    "BETWEEN_SHUTDOWN_GRACE_SECONDS": "shutdown_grace_seconds",
    "BETWEEN_LOG_FORMAT": "log_format",
    "BETWEEN_METRICS_HOST": "metrics_host",
    "BETWEEN_METRICS_PORT": "metrics_port",
}
LOG_FORMATS = ("json", "text")


def _origins(value: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())


def _proxies(value: str) -> tuple[str, ...]:
    proxies = tuple(part.strip() for part in value.split(",") if part.strip())
    for proxy in proxies:
        if proxy == "*":
            continue
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ValueError(
                f"BETWEEN_FORWARDED_ALLOW_IPS: {proxy!r} is not an IP address or network"
            ) from None
    return proxies


def _environment(value: str) -> bool:
    value = value.strip().lower()
    if value not in ("production", "development"):
        raise ValueError("BETWEEN_ENV must be 'production' or 'development'")
    return value == "production"


def _log_format(value: str) -> str:
    value = value.strip().lower()
    if value not in LOG_FORMATS:
        raise ValueError("BETWEEN_LOG_FORMAT must be 'json' or 'text'")
    return value


def load_settings(env_file: str | Path | None = ".env", **overrides) -> Settings:
    """Read settings from the environment (and `.env` if present); overrides win."""
    config = Config(env_file if env_file and Path(env_file).is_file() else None)
    defaults = Settings()
    casts = {
        "port": int,
        "forwarded_allow_ips": _proxies,
        "production": _environment,
        "pwa_dir": Path,
        "allowed_origins": _origins,
        "session_idle_days": int,
        "session_absolute_days": int,
        "password_hash_workers": int,
        "password_hash_queue": int,
        "max_request_bytes": int,
        "connect_code_hours": int,
        "delivery_interval_seconds": int,
        "drain_seconds": float,
        "shutdown_grace_seconds": int,
        "log_format": _log_format,
        "metrics_port": int,
    }
    values = {}
    for env_name, attr in ENVIRONMENT.items():
        raw = config(env_name, default=None)
        if raw is not None:
            values[attr] = casts.get(attr, str)(raw)
    values.update(overrides)
    if "log_format" not in values and values.get("production", defaults.production):
        values["log_format"] = "json"
    settings = Settings(**{**defaults.__dict__, **values})
    if settings.session_idle_days > settings.session_absolute_days:
        raise ValueError("BETWEEN_SESSION_IDLE_DAYS cannot exceed BETWEEN_SESSION_ABSOLUTE_DAYS")
    if settings.rate_limit_storage.startswith(("memory", "async+memory")) and not (
        settings.database_url.startswith("sqlite://")
    ):
        raise ValueError(
            "BETWEEN_RATE_LIMIT_STORAGE: in-memory counts are per process; with PostgreSQL "
            "leave it empty (counts go to the database) or name a shared storage such as Redis"
        )
    if settings.connect_code_hours < 1 or settings.delivery_interval_seconds < 1:
        raise ValueError(
            "BETWEEN_CONNECT_CODE_HOURS and BETWEEN_DELIVERY_INTERVAL_SECONDS must be at least 1"
        )
    if settings.production and (
        settings.rate_limit_secret == DEVELOPMENT_SECRET
        or len(settings.rate_limit_secret) < MIN_SECRET_LENGTH
        # The environment example's placeholder.
        or "CHANGE-ME" in settings.rate_limit_secret
    ):
        raise ValueError(
            f"BETWEEN_RATE_LIMIT_SECRET: set it to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters, the same on every replica "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return settings
