"""One settings object read from the environment; refuses development secrets elsewhere."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_DEV_SECRET = "development-only-not-secret"
MIN_SECRET_CHARS = 16
# The secrets the action server, Rasa and the bot share (docs/security.md): Rasa sends the first
# to the action server, the bot sends the second with Rasa HTTP API calls and the third to
# Rasa's channel.
ACTION_SERVER_TOKEN = "ACTION_SERVER_TOKEN"
RASA_AUTH_TOKEN = "RASA_AUTH_TOKEN"
RASA_CHANNEL_TOKEN = "RASA_CHANNEL_TOKEN"
SERVICE_SECRETS = (ACTION_SERVER_TOKEN, RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN)
DEFAULT_BIND_HOST = "127.0.0.1"
# Rasa's REST channel and HTTP API, for the bot and the CLI (RASA_URL).
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
# Sanic's listen backlog (Rasa reads SANIC_BACKLOG; the action server passes it to app.run).
# Sanic's default of 100 overflowed with 200 reporters at once (issue 13): connections beyond
# it waited for SYN retries, over 60 s for some. The kernel caps it at net.core.somaxconn.
SANIC_BACKLOG = "SANIC_BACKLOG"
DEFAULT_LISTEN_BACKLOG = 1024
# How long the action server keeps a connection that has sent no request yet, or none since
# its last answer. Sanic's default of 5 s counts from the accept: at 200 reporters at once
# Rasa's busy event loop wrote some requests to the action server more than 5 s after it
# connected, Sanic closed those connections first, and the turns came back empty ("Cannot write
# to closing transport", 38 of 600 turns; issue 13). Above aiohttp's idle limit (15 s), so an
# idle connection is closed by Rasa, never under a request. (Rasa's own server keeps 120 s.)
KEEP_ALIVE_SECONDS = 30
# Development only: a process started on its own migrates the database itself (Settings).
MIGRATE_ON_START = "SCAMREPORT_MIGRATE_ON_START"
# The bearer token of every /metrics (scamreport.metrics); the bot, the worker and the console
# serve it on a port of their own, each named by its variable here (unset: no listener).
METRICS_TOKEN = "METRICS_TOKEN"
METRICS_PORTS = {
    "bot": "SCAMREPORT_BOT_METRICS_PORT",
    "worker": "SCAMREPORT_WORKER_METRICS_PORT",
    "console": "SCAMREPORT_CONSOLE_METRICS_PORT",
}


class SettingsError(RuntimeError):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    database_url: str = ""
    # Keys the HMAC that turns a Telegram user id into a pseudonymous sender id.
    pseudonym_key: str = _DEV_SECRET
    # Signs console session cookies.
    console_secret_key: str = _DEV_SECRET
    rasa_url: str = DEFAULT_RASA_URL
    action_server_url: str = "http://127.0.0.1:5055"
    data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")
    # The address the internal services (action server, Rasa) listen on: loopback or private.
    bind_host: str = DEFAULT_BIND_HOST
    # Shared secrets of the internal services, by environment variable name (SERVICE_SECRETS);
    # absent ones are left out. Never logged.
    service_secrets: dict[str, str] = field(default_factory=dict, repr=False)
    # Rasa's SQL tracker store (SQLite or PostgreSQL): erasure and retention delete a
    # reporter's conversation there too. None when Rasa keeps conversations only in memory.
    tracker_store_url: str | None = None
    # How long reports, drafts and conversations are kept (`scamreport retention purge`).
    retention_days: int = 365
    # SCAMREPORT_MIGRATE_ON_START=1: a process started on its own brings the schema up to date
    # itself (development on a fresh SQLite file). Otherwise only `scamreport db upgrade` (run
    # by `scamreport stack run` and the deployment's migrate job) migrates, and the processes
    # refuse to start on a database that is not at head.
    migrate_on_start: bool = False
    # METRICS_TOKEN (metrics_token); None: /metrics is off. Never logged.
    metrics_token: str | None = field(default=None, repr=False)

    @property
    def is_development(self) -> bool:
        return self.environment in ("development", "test")

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    def secret(self, name: str) -> str:
        """The shared secret ``name`` (one of SERVICE_SECRETS); refused when unset or short.

        Services that check or send a secret always need one, in development too: there
        `scamreport stack` makes them for each run (see stack_secrets)."""
        value = self.service_secrets.get(name, "")
        if len(value) < MIN_SECRET_CHARS:
            raise SettingsError(f"set {name} to a secret of {MIN_SECRET_CHARS}+ characters")
        return value

    def optional_secret(self, name: str) -> str | None:
        """The shared secret ``name`` if set; outside development it must be set."""
        if name in self.service_secrets or not self.is_development:
            return self.secret(name)
        return None


def stack_secrets(settings: Settings) -> dict[str, str]:
    """Every service secret for one run of the stack: from the environment, or in development
    (when unset) made afresh for this run. Outside development each must be set."""
    made: dict[str, str] = {}
    for name in SERVICE_SECRETS:
        if name in settings.service_secrets or not settings.is_development:
            made[name] = settings.secret(name)
        else:
            made[name] = secrets.token_urlsafe(32)
    return made


def checked_bind_host(host: str) -> str:
    """``host`` if it is a loopback or private address: internal services never listen on a
    public or wildcard address."""
    if host == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SettingsError(
            f"SCAMREPORT_BIND_HOST={host!r}: give a loopback or private IP address"
        ) from None
    if address.is_unspecified or not (address.is_loopback or address.is_private):
        raise SettingsError(
            f"SCAMREPORT_BIND_HOST={host}: internal services listen only on a loopback or "
            "private address"
        )
    return host


def whole_number(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 1,
    error: type[Exception] = SettingsError,
) -> int:
    """The whole number in ``name`` (``default`` when unset or blank), at least ``minimum``;
    otherwise ``error`` with a message naming the variable."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise error(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise error(f"{name}={raw!r} must be at least {minimum}")
    return value


def rasa_url(env: Mapping[str, str]) -> str:
    """Where Rasa listens: RASA_URL without a trailing slash, default DEFAULT_RASA_URL."""
    return env.get("RASA_URL", DEFAULT_RASA_URL).rstrip("/")


def listen_backlog(env: Mapping[str, str]) -> int:
    """The listen backlog for Sanic servers: SANIC_BACKLOG, default DEFAULT_LISTEN_BACKLOG."""
    return whole_number(env, SANIC_BACKLOG, DEFAULT_LISTEN_BACKLOG)


def metrics_token(env: Mapping[str, str]) -> str | None:
    """METRICS_TOKEN, refused when short. Unset: the development secret in development;
    elsewhere None, and /metrics answers nobody."""
    value = env.get(METRICS_TOKEN, "")
    if value:
        if len(value) < MIN_SECRET_CHARS:
            raise SettingsError(
                f"set {METRICS_TOKEN} to a secret of {MIN_SECRET_CHARS}+ characters"
            )
        return value
    if env.get("SCAMREPORT_ENV", "development") in ("development", "test"):
        return _DEV_SECRET
    return None


def metrics_port(env: Mapping[str, str], process: str) -> int | None:
    """The port of ``process``'s /metrics listener (METRICS_PORTS; 0: any free port), None
    when unset."""
    name = METRICS_PORTS[process]
    if not (env.get(name) or "").strip():
        return None
    return whole_number(env, name, 0, minimum=0)


def switch(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """The on/off setting ``name``: 1, true, yes or on; 0, false, no, off or empty."""
    text = env.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {text!r}")


def get_settings(env: dict[str, str] | None = None) -> Settings:
    """Builds Settings from ``env`` (default: os.environ)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("SCAMREPORT_ENV", "development")
    data_dir = Path(env.get("SCAMREPORT_DATA_DIR", str(PROJECT_ROOT / "var")))
    settings = Settings(
        environment=environment,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'scamreport.db'}",
        pseudonym_key=env.get("PSEUDONYM_KEY", _DEV_SECRET),
        console_secret_key=env.get("CONSOLE_SECRET_KEY", _DEV_SECRET),
        rasa_url=rasa_url(env),
        action_server_url=env.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
        data_dir=data_dir,
        bind_host=checked_bind_host(env.get("SCAMREPORT_BIND_HOST") or DEFAULT_BIND_HOST),
        service_secrets={name: env[name] for name in SERVICE_SECRETS if env.get(name)},
        tracker_store_url=env.get("TRACKER_STORE_URL") or None,
        retention_days=whole_number(env, "SCAMREPORT_RETENTION_DAYS", 365),
        migrate_on_start=switch(env, MIGRATE_ON_START),
        metrics_token=metrics_token(env),
    )
    if not settings.is_development:
        missing = [
            name
            for name, value in (
                ("PSEUDONYM_KEY", settings.pseudonym_key),
                ("CONSOLE_SECRET_KEY", settings.console_secret_key),
            )
            if value == _DEV_SECRET or len(value) < 16
        ]
        if missing:
            raise SettingsError(
                f"SCAMREPORT_ENV={environment}: set {', '.join(missing)} to a secret of 16+ characters"
            )
        if "DATABASE_URL" not in env:
            raise SettingsError(f"SCAMREPORT_ENV={environment}: set DATABASE_URL")
    return settings
