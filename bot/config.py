"""The bot's configuration: command-line options and the environment, in one frozen object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scamreport.settings import Settings, get_settings

# Telegram's rule for setWebhook's secret_token.
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class ConfigError(ValueError):
    """The options do not describe a bot that can run."""


@dataclass(frozen=True)
class BotConfig:
    token: str
    rasa_url: str
    # The Bot API root, e.g. the stand-in's "http://127.0.0.1:8081"; None means Telegram.
    base_url: str | None = None
    mode: str = "polling"
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    # The public HTTPS address Telegram posts to (the reverse proxy's).
    webhook_url: str | None = None
    webhook_secret: str | None = None
    rasa_timeout: float = 30.0
    # Rasa's HTTP API token (RASA_AUTH_TOKEN, given to Rasa as ``--auth-token``): the bot reads
    # trackers with it. Required outside development.
    rasa_api_token: str | None = None
    # The secret of Rasa's channel (RASA_CHANNEL_TOKEN, rasa_runtime/secure_rest.py).
    rasa_channel_token: str | None = None
    replay_interval: float = 5.0
    outbox_interval: float = 10.0
    rate_per_minute: float = 40.0
    rate_burst: int = 20
    settings: Settings = field(default_factory=get_settings)

    def __post_init__(self) -> None:
        if not self.token:
            raise ConfigError("set TELEGRAM_BOT_TOKEN")
        if self.mode not in ("polling", "webhook"):
            raise ConfigError(f"unknown mode {self.mode!r}: polling or webhook")
        if self.mode == "webhook":
            if not self.webhook_secret or not WEBHOOK_SECRET.fullmatch(self.webhook_secret):
                raise ConfigError(
                    "webhook mode needs TELEGRAM_WEBHOOK_SECRET: 16 to 256 characters of "
                    "A-Z, a-z, 0-9, _ and -"
                )
            if not self.webhook_url:
                raise ConfigError("webhook mode needs --webhook-url (the public HTTPS address)")

    @property
    def api_base_url(self) -> str | None:
        """python-telegram-bot's ``base_url`` (the token is appended to it)."""
        if self.base_url is None:
            return None
        root = self.base_url.rstrip("/")
        return root if root.endswith("/bot") else f"{root}/bot"

    @property
    def api_base_file_url(self) -> str | None:
        api = self.api_base_url
        return None if api is None else api.removesuffix("/bot") + "/file/bot"
