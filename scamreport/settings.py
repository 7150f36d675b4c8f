"""One settings object read from the environment; refuses development secrets elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_DEV_SECRET = "development-only-not-secret"


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
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")

    @property
    def is_development(self) -> bool:
        return self.environment in ("development", "test")

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"


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
        rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        action_server_url=env.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
        data_dir=data_dir,
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
