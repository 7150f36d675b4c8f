"""Run the Telegram bot: `python -m bot --rasa-url http://127.0.0.1:5005`.

The token comes from TELEGRAM_BOT_TOKEN; webhook mode also needs TELEGRAM_WEBHOOK_SECRET (see
docs/telegram.md). RASA_CHANNEL_TOKEN (the secret of Rasa's channel) and RASA_AUTH_TOKEN (Rasa's
HTTP API token, for reading trackers) are required outside development (docs/security.md).
--base-url points the bot at another Bot API server, such as the local stand-in
(`python -m telegram_standin`).

One bot process is active per database: on PostgreSQL every bot first waits for an advisory
lock, so a second one is a standby that takes over when the active one dies; on SQLite only with
--standby (a file lock beside the database). See docs/deployment.md, "The bot".
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping

from telegram import Update

from bot.app import build_application
from bot.config import BotConfig, ConfigError
from bot.logs import configure_logging
from bot.services import create_services
from scamreport.logs import LogFormatError
from scamreport.metrics import listener_port, start_with_gauges
from scamreport.settings import (
    RASA_AUTH_TOKEN,
    RASA_CHANNEL_TOKEN,
    SERVICE_SECRETS,
    SettingsError,
    get_settings,
    rasa_url,
)
from scamreport.storage.database import (
    SchemaNotCurrentError,
    normalise_database_url,
    require_current_schema,
)
from scamreport.storage.leader_lock import LeaderLock, LeaderLockError, stop_this_process

logger = logging.getLogger("bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rasa-url", default=rasa_url(env))
    parser.add_argument(
        "--mode", choices=("polling", "webhook"), default=env.get("TELEGRAM_MODE", "polling")
    )
    parser.add_argument(
        "--base-url",
        default=env.get("TELEGRAM_API_URL"),
        help="Bot API root (default: Telegram), e.g. http://127.0.0.1:8081",
    )
    parser.add_argument(
        "--webhook-listen",
        default=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
        help="address the webhook server binds (behind the reverse proxy)",
    )
    parser.add_argument(
        "--webhook-port", type=int, default=int(env.get("TELEGRAM_WEBHOOK_PORT", "8443"))
    )
    parser.add_argument("--webhook-path", default=env.get("TELEGRAM_WEBHOOK_PATH", "telegram"))
    parser.add_argument(
        "--webhook-url",
        default=env.get("TELEGRAM_WEBHOOK_URL"),
        help="public HTTPS address Telegram posts updates to",
    )
    parser.add_argument("--rasa-timeout", type=float, default=30.0)
    parser.add_argument(
        "--replay-interval",
        type=float,
        default=5.0,
        help="seconds between attempts to pass kept messages to Rasa",
    )
    parser.add_argument(
        "--outbox-interval",
        type=float,
        default=10.0,
        help="seconds between sends of queued status notifications",
    )
    parser.add_argument(
        "--rate-per-minute",
        type=float,
        default=40.0,
        help="messages a user may send per minute on average",
    )
    parser.add_argument(
        "--rate-burst", type=int, default=20, help="messages a user may send at once"
    )
    parser.add_argument(
        "--standby",
        action="store_true",
        default=env.get("BOT_STANDBY", "").lower() in ("1", "true", "yes"),
        help="wait until no other bot process of this database is active (always on "
        "PostgreSQL; on a SQLite file, a lock file beside it)",
    )
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def leader_lock_for(database_url: str, standby: bool) -> LeaderLock | None:
    """The lock this bot waits for before serving: always on PostgreSQL, on SQLite only when
    asked (``--standby``). Raises LeaderLockError for a database that cannot hold one."""
    backend = normalise_database_url(database_url).get_backend_name()
    if backend == "postgresql" or standby:
        return LeaderLock(database_url, role="bot")
    return None


def service_secrets_in(env: Mapping[str, str]) -> list[str]:
    """The internal services' secrets in ``env``: the log filter redacts them too."""
    return [env[name] for name in SERVICE_SECRETS if env.get(name)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
    level = logging.DEBUG if args.verbose else logging.INFO
    try:
        configure_logging([token, secret or "", *service_secrets_in(os.environ)], level)
    except LogFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.verbose:
        # python-telegram-bot's INFO lines describe requests; its warnings and errors stay.
        logging.getLogger("telegram").setLevel(logging.WARNING)
    try:
        settings = get_settings()
        config = BotConfig(
            token=token,
            rasa_url=args.rasa_url,
            base_url=args.base_url,
            mode=args.mode,
            webhook_listen=args.webhook_listen,
            webhook_port=args.webhook_port,
            webhook_path=args.webhook_path.strip("/"),
            webhook_url=args.webhook_url,
            webhook_secret=secret,
            rasa_timeout=args.rasa_timeout,
            rasa_api_token=settings.optional_secret(RASA_AUTH_TOKEN),
            rasa_channel_token=settings.optional_secret(RASA_CHANNEL_TOKEN),
            replay_interval=args.replay_interval,
            outbox_interval=args.outbox_interval,
            rate_per_minute=args.rate_per_minute,
            rate_burst=args.rate_burst,
            settings=settings,
        )
        lock = leader_lock_for(settings.database_url, args.standby)
        listener_port("bot", settings, os.environ)
    except (ConfigError, SettingsError, LeaderLockError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except SchemaNotCurrentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    services = create_services(config)
    # Before the lock: a standby's metrics show it waiting.
    start_with_gauges("bot", settings, os.environ, queues=True)
    if lock is not None:
        # Before the webhook listens or polling starts: a standby receives nothing.
        lock.acquire(on_lost=stop_this_process)
    application = build_application(services)
    logger.info("bot starting in %s mode, relaying to %s", config.mode, config.rasa_url)
    if config.mode == "webhook":
        application.run_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path=config.webhook_path,
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    if lock is not None:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
